"""`cites`: the projects citing a policy document, exact, over the whole corpus in the store.

Expected answers come from the store's citation rows (title, 文号 -> canonical id -> projects),
never from :func:`cites` or :func:`resolve` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.cites import cites, cites_target, policy_documents, resolve
from budgetscope.store.protocol import EntityStore
from budgetscope.store.sqlite import open_store

Row = dict[str, Any]


@pytest.fixture(scope="module")
def store(corpus_home: Path) -> Iterator[EntityStore]:
    with open_store(corpus_home) as store:
        yield store


def citing(store: EntityStore, cited: Callable[[Row], bool]) -> set[tuple[int, str, int]]:
    """(year, doc, line) of the projects citing a canonical document of the citation rows ``cited`` selects."""
    rows = list(store.select("citations"))
    canonical = {r["canonical"] for r in rows if cited(r) and r["canonical"]}
    assert canonical, "the selected citations have no canonical document"
    ids = {r["project_id"] for r in rows if r["canonical"] in canonical}
    return {(p["year"], p["doc"], p["line"]) for p in store.select("projects") if p["id"] in ids}


def title(*titles: str) -> Callable[[Row], bool]:
    return lambda r: r["title"] in titles


def number(*numbers: str) -> Callable[[Row], bool]:
    return lambda r: r["doc_number"] in numbers


@pytest.mark.parametrize(
    ("query", "cited"),
    [
        ("中华人民共和国消防法", title("中华人民共和国消防法")),
        ("《中华人民共和国消防法》", title("中华人民共和国消防法")),
        ("科普法", title("中华人民共和国科学技术普及法", "科普法")),
        ("国发〔2021〕9号", number("国发〔2021〕9号")),
        ("国发[2021]9号", number("国发〔2021〕9号")),
        ("国发［2021］9号", number("国发〔2021〕9号")),
        ("国发(2021)9号", number("国发〔2021〕9号")),
        ("中办发〔2015〕51号", number("中办发[2015]51号", "中办发〔2015〕51号")),
        ("科协发学字[2014]86号", number("科协发学字〔2014〕86号", "科协发学字[2014]86号")),
        ("哪些项目引用了上海市科学技术普及条例", title("上海市科学技术普及条例")),
        ("哪些项目引用了《中华人民共和国消防法》？", title("中华人民共和国消防法")),
        ("谁引用了上海市科学技术普及条例", title("上海市科学技术普及条例")),
        ("引用了中华人民共和国消防法的项目有哪些？", title("中华人民共和国消防法")),
        ("Which projects cite the Fire Protection Law?", title("中华人民共和国消防法")),
        ("who cites the Fire Protection Law", title("中华人民共和国消防法")),
        ("what cites the Fire Protection Law?", title("中华人民共和国消防法")),
        ("projects citing the Fire Protection Law", title("中华人民共和国消防法")),
        ("Who has cited the Fire Protection Law?", title("中华人民共和国消防法")),
        ("list the projects that reference the Fire Protection Law", title("中华人民共和国消防法")),
        ("the Fire Protection Law is cited by which projects?", title("中华人民共和国消防法")),
        ("who cites 科普法", title("中华人民共和国科学技术普及法", "科普法")),
    ],
)
def test_cites_exactly_the_citing_projects(
    store: EntityStore, query: str, cited: Callable[[Row], bool]
) -> None:
    hits = cites(store, query)
    assert {(h.year, h.doc, h.line) for h in hits} == citing(store, cited)
    assert len({h.id for h in hits}) == len(hits)


def test_cites_across_years(store: EntityStore) -> None:
    hits = cites(store, "中华人民共和国消防法")
    assert [(h.year, h.line, h.name) for h in hits] == [
        (2023, 402, "2023年度科协大院日常运行与维护项目"),
        (2026, 404, "科协大院日常修缮项目"),
        (2026, 489, "大院综合治理项目"),
    ]
    assert [h.line for h in cites(store, "中华人民共和国消防法", year=2026)] == [404, 489]
    assert cites(store, "中华人民共和国消防法", department="上海市科学技术委员会") == []


def test_cites_hits_are_in_year_document_line_order(store: EntityStore) -> None:
    hits = cites(store, "全民科学素质纲要")
    assert len(hits) > 5
    assert [(h.year, h.doc, h.line) for h in hits] == sorted((h.year, h.doc, h.line) for h in hits)


def test_cites_hit_names_the_exact_wording(store: EntityStore) -> None:
    (hit,) = [h for h in cites(store, "科普法") if h.line == 934]
    assert [c.title for c in hit.cited].count("科普法") == 1  # 《科普法》明确了… (sast-2026 line 940)
    assert "《科普法》" in hit.snippet and "《中华人民共和国科学技术普及法》" in hit.snippet
    assert hit.score == 1.0 and hit.kind == "narrative" and hit.section == "overview"
    (cited,) = [h for h in cites(store, "国发[2021]9号") if h.line == 522 and h.year == 2026]
    assert {"title": "国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知", "doc_number": "国发〔2021〕9号",
            "section": "legal_basis", "bracketed": True,
            "wording": "《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）",
            "doc_number_inferred": False, "version_inferred": False} in [c.model_dump() for c in cited.cited]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "doc", "line", "wording", "title"),
    [
        # sast-2026 line 1144: 根据上海市档案局沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》，…
        ("沪档〔2018〕44号", "sast-2026-department-budget.txt", 1136,
         "沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》", "上海市数字档案室建设评价办法"),
        # stcsm-2025 line 1374: 6、上海市人力资源和社会保障局关于印发《…》的通知（沪人社专〔2020〕379号）。
        ("上海市博士后管理工作实施办法", "stcsm-2025-department-budget.txt", None,
         "上海市人力资源和社会保障局关于印发《上海市博士后管理工作实施办法》的通知（沪人社专〔2020〕379号）",
         "上海市博士后管理工作实施办法"),
    ],
)  # fmt: skip
def test_cites_quotes_the_wording_as_the_document_writes_it(
    store: EntityStore, query: str, doc: str, line: int | None, wording: str, title: str
) -> None:
    """The quote is the document's own span, in its order; the title and 文号 read from it stay fields."""
    (hit,) = cites(store, query)
    assert hit.doc == doc and (line is None or hit.line == line)
    (cited,) = [c for c in hit.cited if c.title == title and c.doc_number]  # not the 《title》 alone
    assert cited.wording == wording and cited.quoted == wording and wording in hit.snippet
    assert cited.doc_number is not None and cited.doc_number in wording


def test_cites_snippet_names_a_wording_cited_twice_once(store: EntityStore) -> None:
    """科普资源平台建设项目 (sast-2026 line 552) cites 《全民科学素质行动计划纲要》 in two places."""
    (hit,) = [h for h in cites(store, "全民科学素质纲要") if h.line == 552 and h.year == 2026]
    assert [c.title for c in hit.cited].count("全民科学素质行动计划纲要") == 2
    assert (
        hit.snippet.count("《全民科学素质行动计划纲要》") == 1
        and "《全民科学素质行动计划纲要》 ×2" in hit.snippet
    )


def test_cites_canonical_is_the_resolved_document(store: EntityStore) -> None:
    (law,) = resolve(store, "科普法")
    assert law.title == "中华人民共和国科学技术普及法"
    assert all(h.canonical == [law.id] for h in cites(store, "科普法"))
    assert [d.id for d in resolve(store, "哪些项目引用了科普法")] == [law.id]


@pytest.mark.parametrize(
    "query", ["不存在的管理办法", "国发〔2099〕1号", "哪些项目引用了不存在的管理办法", ""]
)
def test_cites_unknown_document_is_no_project(store: EntityStore, query: str) -> None:
    assert resolve(store, query) == [] and cites(store, query) == []


def test_cites_policy_documents_come_back_from_the_store(store: EntityStore) -> None:
    documents = {d.id: d for d in policy_documents(store)}
    assert set(documents) == {row["id"] for row in store.select("policy_documents")}
    assert set(documents) >= {r["canonical"] for r in store.select("citations") if r["canonical"]}
    (plan,) = [d for d in documents.values() if "国发〔2021〕9号" in d.doc_numbers]
    assert plan.title == "全民科学素质行动规划纲要（2021—2035年）"


def test_cites_reaches_a_project_through_the_notice_that_implements_the_document(store: EntityStore) -> None:
    # stcsm-2025 cites 《国务院办公厅关于改革完善博士后制度的意见》 and, as its own document with its own
    # 文号, the notice 关于贯彻落实《…》有关问题的通知（人社部发〔2017〕20号）
    inner = "国务院办公厅关于改革完善博士后制度的意见"
    rows = list(store.select("citations"))
    notice = [r for r in rows if r["title"] == f"关于贯彻落实《{inner}》有关问题的通知"]
    direct = [r for r in rows if r["title"] == inner]
    assert notice and direct and all(r["doc_number"] == "人社部发〔2017〕20号" for r in notice)
    assert {r["canonical"] for r in notice}.isdisjoint({r["canonical"] for r in direct})
    assert {r["canonical"] for r in notice} <= {d.id for d in resolve(store, inner)}
    found = {h.id for h in cites(store, inner)}
    assert {r["project_id"] for r in notice + direct} <= found
    assert {h.id for h in cites(store, "人社部发〔2017〕20号")} == {r["project_id"] for r in notice}


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("哪些项目引用了全民科学素质纲要", "全民科学素质纲要"),
        ("哪些项目引用了《中华人民共和国消防法》？", "中华人民共和国消防法"),
        ("请问哪些部门依据了上海市科学技术普及条例", "上海市科学技术普及条例"),
        ("列出哪些项目援引了科普法", "科普法"),
        ("科协发学字〔2017〕42号被哪些项目引用", "科协发学字〔2017〕42号"),
        ("谁引用了全民科学素质纲要", "全民科学素质纲要"),
        ("引用了《中华人民共和国消防法》的项目", "中华人民共和国消防法"),
        ("which projects cite 全民科学素质纲要?", "全民科学素质纲要"),
        ("Which projects reference 中华人民共和国消防法", "中华人民共和国消防法"),
        ("who cites the 全民科学素质纲要", "全民科学素质纲要"),
        ("Who cites the Fire Protection Law", "the Fire Protection Law"),
        ("What cites the Fire Protection Law?", "the Fire Protection Law"),
        ("which departments are citing the Fire Protection Law", "the Fire Protection Law"),
        ("projects citing the Fire Protection Law", "the Fire Protection Law"),
        (
            "show me all projects which refer to the Science Popularization Law",
            "the Science Popularization Law",
        ),
        ("the Fire Protection Law, cited by which projects?", "the Fire Protection Law"),
        ("Where is the Fire Protection Law cited?", "the Fire Protection Law"),
        ("科技馆大修", None),
        ("消防演习和安防监控存储", None),
        ("依照《中华人民共和国科学技术普及法》，弘扬科学精神", None),
        ("party building in scientific societies", None),
        ("science popularisation for young people", None),
        ("projects on fire safety", None),
    ],
)
def test_cites_target_of_a_question(query: str, target: str | None) -> None:
    assert cites_target(query) == target


def test_cites_candidates_count_only_the_filtered_years_projects(store: EntityStore) -> None:
    """纲要 may mean several plans; asked with --year 2019, the candidates are those 2019's projects cite,
    counted in 2019: the 2021–2035 plan (国发〔2021〕9号), cited from 2023 on, is not among them."""
    from budgetscope.index.cites import candidates

    every = {d.title: n for d, n in candidates(store, "纲要")}
    in_2019 = {d.title: n for d, n in candidates(store, "纲要", year=2019)}
    assert any("2021—2035" in t for t in every) and not any("2021—2035" in t for t in in_2019)
    assert in_2019 and all(0 < n <= every[t] for t, n in in_2019.items())
    with_department = candidates(store, "纲要", year=2019, department="上海市科学技术协会")
    assert {d.title: n for d, n in with_department} == in_2019  # the 2019 forms are the association's


def test_cites_says_when_the_version_was_told_by_the_year_alone(store: EntityStore) -> None:
    """《全民科学素质行动计划纲要》 without its years names either the 2006 outline or the one of 2021—2035:
    sast-2019's 百万市民共享科普 is given the first, sast-2023's 基层科普服务项目 the second, by the year that
    cites it — marked `version_inferred`; a citation printing its years, or a document of one version, is not."""
    from budgetscope.store.export import export_rows

    hits = cites(store, "全民科学素质行动计划纲要")
    marked = {(h.year, h.name) for h in hits for c in h.cited if c.version_inferred}
    assert {(2019, "百万市民共享科普"), (2023, "基层科普服务项目")} <= marked
    dated = [c for h in hits for c in h.cited if "2021" in c.title or "2006" in c.title]
    assert dated and not any(c.version_inferred for c in dated)
    law = cites(store, "中华人民共和国科学技术普及法")
    assert law and not any(c.version_inferred for h in law for c in h.cited)
    rows = [r for r in export_rows(store, "citations") if r["version_inferred"]]
    assert {r["title"] for r in rows} == {"全民科学素质行动计划纲要"}
