"""A cited 文号 is read whatever follows it, after a parenthesis, and in a list sharing one agency.

The list is the real text of stcsm-2025 (“创·在上海”国际创新创业大赛项目, 二、立项依据):
《国科发火字〔1994〕304号和〔2003〕96号》, whose second 文号 is written without its agency. No bundled
document cites a bare 文号 at the end of a sentence or right after a parenthesis, so those strings are
real corpus sentences edited into that shape, each edit named where it is made.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.pipeline.citations import find_citations
from budgetscope.pipeline.docnumbers import find_doc_number_lists

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
STCSM = (CORPUS / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
STCSM_779 = next(line for line in STCSM.splitlines() if "国科发火字" in line)
"""根据国家科技部《国科发火字〔1994〕304号和〔2003〕96号》文件精神，中心致力于…"""
STCSM_1459 = next(line for line in STCSM.splitlines() if "沪编〔2013〕253号" in line)
"""依据《上海市科学技术奖励中心主要职责和人员编制规定》（沪编〔2013〕253号），上海市科学技术奖励中心的…"""
SAST = (CORPUS / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
SAST_1180 = next(
    line
    for line in SAST.splitlines()
    if line.startswith("上海市科学技术协会实施《中国科学技术协会章程》细则（")
)
"""上海市科学技术协会实施《中国科学技术协会章程》细则（2023年…通过）第二十五条、第二十七条。财政相关文件。"""


def _cited(text: str) -> list[tuple[str, str | None, bool]]:
    return [
        (c.title, c.doc_number, c.doc_number_inferred) for c in find_citations(text, section="legal_basis")
    ]


def test_citations_doc_number_list_sharing_its_agency_cites_each_stcsm_779() -> None:
    assert "《国科发火字〔1994〕304号和〔2003〕96号》" in STCSM_779
    found = find_citations(STCSM_779, section="legal_basis")
    assert [(c.title, c.doc_number, c.doc_number_inferred, c.wording) for c in found] == [
        ("国科发火字〔1994〕304号", "国科发火字〔1994〕304号", False, "国科发火字〔1994〕304号"),
        ("国科发火字〔2003〕96号", "国科发火字〔2003〕96号", True, "〔2003〕96号"),  # its agency added
    ]
    assert [STCSM_779[c.start : c.end] for c in found] == ["国科发火字〔1994〕304号", "〔2003〕96号"]


@pytest.mark.parametrize("joiner", ["、", "和", "及", "与"])
@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t,  # in 《》, as written
        lambda t: t.replace("国家科技部《", "").replace("》", ""),  # the issuer and 《》 dropped: bare 文号
    ],
    ids=["in-title-marks", "bare"],
)
def test_citations_doc_number_list_sharing_its_agency_any_joiner(joiner: str, edit: object) -> None:
    text = edit(STCSM_779.replace("304号和〔2003〕", f"304号{joiner}〔2003〕"))  # type: ignore[operator]
    assert _cited(text) == [
        ("国科发火字〔1994〕304号", "国科发火字〔1994〕304号", False),
        ("国科发火字〔2003〕96号", "国科发火字〔2003〕96号", True),
    ]


def test_citations_doc_number_list_sharing_its_agency_after_a_title() -> None:
    # stcsm-2025 line 1459 with a second 沪编 文号 in the title's bracket, written without its agency
    text = STCSM_1459.replace("（沪编〔2013〕253号）", "（沪编〔2013〕253号、〔2015〕12号）")
    assert [(t, n) for t, n, _ in _cited(text)] == [
        ("上海市科学技术奖励中心主要职责和人员编制规定", "沪编〔2013〕253号"),
        ("上海市科学技术奖励中心主要职责和人员编制规定", "沪编〔2015〕12号"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2023年和〔2003〕96号",  # no 文号 before it to share an agency with
        "预计市属困难国有集体企业在职职工119人、〔2003〕96号",
        STCSM_779.replace("304号和〔2003〕96号", "304号。〔2003〕96号"),  # not a list: a sentence between
    ],
)
def test_citations_doc_number_without_agency_alone_is_no_doc_number(text: str) -> None:
    assert all(d.number.agency for run in find_doc_number_lists(text) for d in run)
    assert all(n != "国科发火字〔2003〕96号" and t != "〔2003〕96号" for t, n, _ in _cited(text))


# stcsm-2025 line 1459 with its title dropped: a 文号 cited alone, the sentence's words after it varied
@pytest.mark.parametrize(
    "after",
    ["，上海市科学技术奖励中心的主要职责是：", "。", "要求。", "文件。", "的规定。", "；", ""],
    ids=["comma", "full-stop", "yaoqiu", "wenjian", "guiding", "semicolon", "end"],
)
def test_citations_bare_doc_number_cited_whatever_follows_it(after: str) -> None:
    start = STCSM_1459.index("沪编")
    text = "依据" + STCSM_1459[start : STCSM_1459.index("号", start) + 1] + after
    assert _cited(text) == [("沪编〔2013〕253号", "沪编〔2013〕253号", False)]


def test_citations_bare_doc_number_before_a_title_stays_the_title_s() -> None:
    # sast-2026 1144: 沪档〔2018〕44号关于印发《…》, the 文号 numbers the title after it
    line = next(line for line in SAST.splitlines() if "沪档〔2018〕44号" in line)
    assert [(t, n) for t, n, _ in _cited(line)] == [("上海市数字档案室建设评价办法", "沪档〔2018〕44号")]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # sast-2026 1180, 第二十五条、第二十七条 replaced by a 文号 listed after the parenthesis
        (
            SAST_1180.replace("第二十五条、第二十七条", "和沪委办发〔2017〕5号"),
            "上海市科学技术协会实施《中国科学技术协会章程》细则",
        ),
        # sast-2026 640, its (2022年2月修订) moved out of the title marks, a 文号 listed after it
        (
            "8. 《上海市科协科技工作者状况调查站点管理办法》（2022年2月修订）及沪委办发〔2017〕5号；",
            "上海市科协科技工作者状况调查站点管理办法",
        ),
    ],
    ids=["sast-1180", "sast-640"],
)
def test_citations_bare_doc_number_listed_after_a_parenthesis(text: str, first: str) -> None:
    assert [(t, n) for t, n, _ in _cited(text)] == [
        (first, None),
        ("沪委办发〔2017〕5号", "沪委办发〔2017〕5号"),
    ]
