"""Who cites what: forwarding, implementing and approving notices carry their own 文号; a publishing
notice gives it to what it publishes; the project's own contract is no citation (#9).

Every excerpt is a line of the bundled corpus, some edited into the variant a rule is about.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.models import Citation
from budgetscope.pipeline.citations import find_citations
from budgetscope.pipeline.link import PolicyIndex, title_key
from budgetscope.pipeline.policy_aliases import embedded_title, is_notice_about

# stcsm-2025, 立项依据 of the 博士后 project, verbatim
IMPLEMENTING = (
    "2、关于贯彻落实《国务院办公厅关于改革完善博士后制度的意见》有关问题的通知（人社部发〔2017〕20号）。"
)
PUBLISHING = "3、关于印发《博士后管理工作规定》的通知（国人部发〔2006〕149号）。"
# the same line edited: the notice forwards the 意见 instead of implementing it
FORWARDING = "2、关于转发《国务院办公厅关于改革完善博士后制度的意见》的通知（人社部发〔2017〕20号）。"
# stcsm-2025 (宿舍楼修缮), edited: the 批复 approves a 《》-titled plan
APPROVING = "根据2023年5月23日市科委关于同意《上海科技管理干部学院2023-2025部分学员宿舍楼修缮方案》的批复（沪科【2023】15号）。"
INNER = "国务院办公厅关于改革完善博士后制度的意见"


def _found(text: str) -> list[tuple[str, str | None, bool]]:
    return [(c.title, c.doc_number, c.bracketed) for c in find_citations(text, section="legal_basis")]


def test_citations_notices_come_from_the_corpus(corpus: Path) -> None:
    text = (corpus / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    assert IMPLEMENTING in text and PUBLISHING in text
    assert "关于转发《" not in text  # FORWARDING is an edit, not a copy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (IMPLEMENTING, [(f"关于贯彻落实《{INNER}》有关问题的通知", "人社部发〔2017〕20号", False)]),
        (FORWARDING, [(f"关于转发《{INNER}》的通知", "人社部发〔2017〕20号", False)]),
        (
            FORWARDING.replace("2、关于", "2、上海市人力资源和社会保障局关于"),
            [(f"上海市人力资源和社会保障局关于转发《{INNER}》的通知", "人社部发〔2017〕20号", False)],
        ),
        (
            APPROVING,
            [
                (
                    "市科委关于同意《上海科技管理干部学院2023-2025部分学员宿舍楼修缮方案》的批复",
                    "沪科【2023】15号",
                    False,
                )
            ],
        ),
        # only a publishing notice gives the published document its 文号
        (PUBLISHING, [("博士后管理工作规定", "国人部发〔2006〕149号", True)]),
    ],
)
def test_citations_notice_that_forwards_is_the_cited_document(
    text: str, expected: list[tuple[str, str | None, bool]]
) -> None:
    assert _found(text) == expected


def test_citations_forwarded_title_never_takes_the_forwarding_number() -> None:
    # "转发《X》（文号）" without the notice's name: the number is the forwarding notice's, not X's
    text = PUBLISHING.replace("关于印发《", "市人社局转发《").replace("》的通知（", "》（")
    assert _found(text) == [("博士后管理工作规定", None, True)]


@pytest.mark.parametrize(
    "text",
    [
        # stcsm-2025 科技馆展区更新改造, edited: the contract the project signs is named in 《》
        "财政资金13283.18万元，主要用于支付与承建单位签订《科技馆展区更新改造施工服务合同》的合同款。",
        "财政资金13283.18万元，主要用于科技馆展区更新改造各个合同款（已签订的《展区改造设计合同》）。",
    ],
)
def test_citations_own_contract_is_not_a_citation(text: str) -> None:
    assert find_citations(text, section="budget") == []


def test_link_forwarding_notice_is_its_own_document_yet_found_by_its_inner_title() -> None:
    notice = find_citations(FORWARDING)[0]
    inner = Citation(title=INNER)
    assert title_key(notice.title) != title_key(INNER)
    assert embedded_title(notice.title) == INNER and embedded_title(INNER) is None
    assert is_notice_about(notice.title, title_key(INNER))
    index = PolicyIndex()
    index.add(notice, year=2025, doc="a.txt")
    index.add(inner, year=2025, doc="b.txt")
    index.resolve()
    notice_id, inner_id = index.canonical(notice, year=2025), index.canonical(inner, year=2025)
    assert notice_id and inner_id and notice_id != inner_id
    assert {d.id for d in index.lookup(INNER)} == {notice_id, inner_id}
    assert [d.id for d in index.lookup("人社部发〔2017〕20号")] == [notice_id]
    # a publishing notice stays the document it publishes
    published = find_citations(PUBLISHING)[0]
    assert title_key("关于印发《博士后管理工作规定》的通知") == title_key(published.title)


def test_citations_courses_a_project_develops_are_not_cited_documents() -> None:
    # Beijing commerce tables p.55 (数智电商专业群建设): three course titles in a row after 开发, then one more
    text = (
        "打造“AI直播电商运营”微专业，开发《短视频拍摄与剪辑》《数据可视化技术应用》《数字化零售运营》3门课程标准，"
        "开发《数字化零售运营》课程资源，开发《服务器配置与管理》1本新形态教材。"
    )
    assert find_citations(text, section="goals") == []
    # a policy document after them is still one
    cited = find_citations(text + "依据《职业教育提质培优行动计划》开展。", section="goals")
    assert [c.title for c in cited] == ["职业教育提质培优行动计划"]


def test_citations_doc_number_before_the_issuer_and_its_publishing_notice() -> None:
    # Fuzhou healthcare security p.31: 文号, 文件, the issuer, then 关于印发《X》的通知: X has that 文号
    text = (
        "榕政办〔2017〕285号文件 福州市人民政府办公厅关于印发《福州市城乡居民基本医疗保险管理办法》的通知，"
        "本项目的目标为完成市政府下达城乡基本医疗保险补助任务。"
    )
    (cite,) = find_citations(text, section="goals")
    assert (cite.title, cite.doc_number) == ("福州市城乡居民基本医疗保险管理办法", "榕政办〔2017〕285号")


@pytest.mark.parametrize(
    "text",
    [
        "开发《科学方法》课程。",  # a title ending in 法, made by the project
        "开发《科学方法》《AI与未来》《智能硬件》3门课程",
        "编写《科技馆管理办法》读本",
    ],
)
def test_citations_what_a_project_makes_is_no_cited_document_whatever_its_name(text: str) -> None:
    assert find_citations(text, section="goals") == []


@pytest.mark.parametrize(
    ("text", "title", "number"),
    [
        # the 文号, 文件, then the title: one document with its 文号, not a second one of the bare number
        ("根据沪科协〔2024〕12号文件《上海市科协关于加强科普工作的意见》开展。", "上海市科协关于加强科普工作的意见", "沪科协〔2024〕12号"),
        # the 文号, the issuer, then the title
        ("根据国办发〔2022〕7号 国务院办公厅《关于进一步加强科学技术普及工作的意见》开展。",
         "关于进一步加强科学技术普及工作的意见", "国办发〔2022〕7号"),
    ],
)  # fmt: skip
def test_citations_a_doc_number_before_its_title_is_the_title_s(text: str, title: str, number: str) -> None:
    assert [(c.title, c.doc_number) for c in find_citations(text, section="legal_basis")] == [(title, number)]
