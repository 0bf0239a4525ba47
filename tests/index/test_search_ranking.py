"""Ranking after retrieval: one result per project with both sources, the name field, the cut-off."""

from __future__ import annotations

from typing import Any

from budgetscope.index.ranking import (
    RELEVANCE_CUTOFF,
    WEAK_SHOWN,
    fuse,
    is_weak,
    mark_weak,
    merge_partners,
    name_bonus,
    relevance,
)
from budgetscope.index.terms import coverage


def hit(
    id_: str, doc: str, name: str, score: float, dense: float = 0.6, cover: float = 1.0
) -> dict[str, Any]:
    return {"id": id_, "doc": doc, "line": 1, "page": None, "name": name, "kind": "narrative",
            "score": score, "dense": dense, "coverage": cover}  # fmt: skip


def test_ranking_narrative_and_form_of_one_project_are_one_result() -> None:
    hits = [
        hit("n1", "sast-2026-department-budget.txt", "科技创新智库建设", 0.05),
        hit("x", "stcsm-2025-department-budget.txt", "院士专家建议与服务工程科技创新发展项目", 0.04),
        hit("f1", "sast-2026-performance-targets.txt", "科技创新智库建设", 0.03),
    ]
    merged = merge_partners(hits, {"n1": "f1", "f1": "n1"})
    assert [h["id"] for h in merged] == ["n1", "x"]
    assert [s["doc"] for s in merged[0]["sources"]] == [
        "sast-2026-department-budget.txt",
        "sast-2026-performance-targets.txt",
    ]


def test_ranking_partner_not_retrieved_is_still_shown_as_a_source() -> None:
    hits = [hit("f1", "sast-2026-performance-targets.txt", "机关服务费", 0.05)]
    form_partner = {"doc": "sast-2026-department-budget.txt", "line": 1076, "page": None, "id": "n1",
                    "name": "机关服务费", "kind": "narrative"}  # fmt: skip
    merged = merge_partners(hits, {"f1": "n1", "n1": "f1"}, {"n1": form_partner})
    assert [s["line"] for s in merged[0]["sources"]] == [1, 1076]


def test_ranking_name_bonus_lifts_a_project_named_by_the_query() -> None:
    hits = [hit("a", "d.txt", "信息化运维项目", 0.0300), hit("b", "d.txt", "科技创新智库建设", 0.0295)]
    name_bonus(hits, ["智库", "建设"])
    hits.sort(key=lambda h: -h["score"])
    assert hits[0]["id"] == "b"


def test_ranking_the_cut_off_is_one_place_in_the_order_and_top_k_is_a_maximum() -> None:
    """Hits keep the score's order; the cut-off falls after the first run of hits above the calibrated
    relevance (or after a later hit that is nearly sure): a hit ranked above counts as confident, every
    hit after it as weak (a weak mark never stands above a confident one); ``top_k`` caps the list."""
    sure = hit("s0", "d.txt", "甲", 0.05)  # relevance 0.90
    fair = [hit(f"s{i}", "d.txt", "甲", 0.05 - i / 100, dense=0.58, cover=0.5) for i in (1, 2)]  # ~0.38
    weak = [hit(f"w{i}", "d.txt", "乙", 0.055 - i / 100, dense=0.1, cover=0.0) for i in range(4)]
    ranked = sorted([*weak, sure, *fair], key=lambda h: -h["score"])
    assert [h["id"] for h in ranked] == ["w0", "s0", "w1", "s1", "w2", "s2", "w3"]
    marked = mark_weak([dict(h) for h in ranked], top_k=10)
    assert [is_weak(h) for h in marked] == [True, False, True, False, True, False, True]
    assert [h["weak"] for h in marked] == [False, False, True, True, True, True, True]
    assert [h["id"] for h in marked] == [h["id"] for h in ranked]
    assert [h["score"] for h in marked] == sorted((h["score"] for h in marked), reverse=True)
    assert len(mark_weak([dict(h) for h in ranked], top_k=2)) == 2
    # a nearly sure hit further down is not marked weak, nor anything above it
    late = sorted([*weak, *fair, hit("s3", "d.txt", "甲", 0.028)], key=lambda h: -h["score"])
    assert [h["id"] for h in late] == ["w0", "w1", "s1", "w2", "s2", "s3", "w3"]
    assert [h["weak"] for h in mark_weak(late, top_k=10)] == [False] * 6 + [True]


def test_ranking_relevance_is_calibrated_on_cosine_coverage_and_the_gap_to_the_best() -> None:
    """The probability rises with the cosine and the coverage, and falls with the distance to the
    best candidate's: the same hit is confident among its peers and weak below a much better one."""
    alone = [hit("a", "d.txt", "甲", 0.05, dense=0.40, cover=0.5)]
    relevance(alone)
    better = [hit("b", "d.txt", "乙", 0.06, dense=0.70, cover=1.0), *[dict(h) for h in alone]]
    relevance(better)
    assert 0 < better[1]["relevance"] < RELEVANCE_CUTOFF <= alone[0]["relevance"] < better[0]["relevance"] < 1
    # no cosine at all (a lexical search): coverage alone decides
    lexical = [hit("c", "d.txt", "丙", 0.05, cover=1.0), hit("d", "d.txt", "丁", 0.04, cover=0.0)]
    for h in lexical:
        h["dense"] = None
    relevance(lexical, "use")
    assert lexical[0]["relevance"] >= RELEVANCE_CUTOFF > lexical[1]["relevance"]


def test_ranking_query_without_distinctive_words_is_judged_by_the_cosine_alone() -> None:
    """A typo or a word no dictionary knows has no term to cover (coverage None): the best of poor
    cosines is no yardstick, so only an absolute cosine makes a hit confident."""
    typo = [
        hit(f"t{i}", "d.txt", "甲", 0.05 - i / 100, dense=c, cover=0.0) for i, c in enumerate((0.32, 0.30))
    ]
    close = [hit("c", "d.txt", "乙", 0.05, dense=0.75, cover=0.0)]
    for h in typo + close:
        h["coverage"] = None
    relevance(typo)
    relevance(close)
    assert all(h["relevance"] < RELEVANCE_CUTOFF for h in typo) and close[0]["relevance"] >= RELEVANCE_CUTOFF
    assert all(h["weak"] for h in mark_weak(typo, top_k=10))


def test_ranking_no_close_match_keeps_only_the_best_few_marked_weak() -> None:
    weak = [hit(f"w{i}", "d.txt", "乙", 0.06, dense=0.1, cover=0.0) for i in range(8)]
    shown = mark_weak(weak, top_k=10)
    assert len(shown) == WEAK_SHOWN and all(h["weak"] for h in shown)
    assert is_weak({"dense": None, "coverage": None})


def test_ranking_coverage_counts_distinctive_terms_of_the_text(corpus) -> None:  # type: ignore[no-untyped-def]
    """An unrelated query shares only generic words (建设) with a narrative: no coverage, weak."""
    from budgetscope.index.terms import term_groups

    text = (corpus / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    railway = term_groups("高速铁路建设")
    assert railway and coverage(railway, text[:3000]) == 0.0
    assert coverage(term_groups("think tank"), "科技创新智库建设") == 1.0


def test_ranking_coverage_counts_a_synonym_of_a_query_word(corpus) -> None:  # type: ignore[no-untyped-def]
    """sast-2023's 科协大院 upkeep writes 修缮 where a user asks for 整修, and sast-2026's 基层科普 writes
    老年人 where a user asks for 老人: the synonym covers the word (without it, half the query is missing)."""
    from budgetscope.index.terms import term_groups

    text = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8")
    upkeep = text[text.index("2023年度科协大院日常运行与维护项目") :][:2000]
    assert "整修" not in upkeep and "修缮" in upkeep
    assert coverage(term_groups("大院整修"), upkeep) == 1.0
    assert coverage([g[:1] for g in term_groups("大院整修")], upkeep) == 0.5
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    elderly = text[text.index("整合优质科普活动资源") :][:200]
    assert "老人" not in elderly and coverage(term_groups("给老人的科普活动"), elderly) == 1.0


def test_ranking_coverage_counts_a_compound_word_written_apart(corpus) -> None:  # type: ignore[no-untyped-def]
    """jieba keeps 业务培训 as one word; sast-2026's 科普及继续教育培训项目 writes 培训 and 业务 apart
    ("按预算编制培训项目内容进行业务活动"): it holds the query's word, where 3 characters of a word do not split."""
    from budgetscope.index.terms import term_groups

    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "编制培训项目内容进行业务活动" in x)
    assert "业务培训" not in line and coverage(term_groups("业务培训"), line) == 1.0
    assert coverage(term_groups("信息化"), "信息系统") == 0.0  # 信息化 is not 信息 + 化


def test_ranking_coverage_counts_a_four_character_words_short_form(corpus) -> None:  # type: ignore[no-untyped-def]
    """Chinese shortens a two-word name to its first characters (科学技术 → 科技, 公务用车 → 公车):
    sast-2026's 全国科普月 line writes 科技 and 普及, never 科学技术; it holds the query 科学技术普及 whole.
    A cost word (培训费) is held by what it pays for (培训)."""
    from budgetscope.index.terms import term_groups

    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "全国科普月" in x and "普及科学知识" in x)
    assert "科学技术" not in line and coverage(term_groups("科学技术普及"), line) == 1.0
    assert coverage([g[:1] for g in term_groups("科学技术普及")], line) == 0.5
    assert coverage(term_groups("公务用车"), "实施公车统管费用") == 1.0
    assert coverage(term_groups("信息化"), "信息") == 0.0  # three characters: no short form
    # a cost word is held by what it pays for: the training project writes 培训, never 培训费
    training = next(x for x in text.splitlines() if "培训" in x and "培训费" not in x)
    assert coverage(term_groups("培训费"), training) == 1.0 and coverage([["培训费"]], training) == 0.0


def test_ranking_synonyms_leave_out_what_the_encoder_disputes() -> None:
    """Cilin puts 科普 among 广泛 / 普遍 and 老人 among 上下; the table keeps a pair only when the encoder
    agrees, so a query's 科普 is not covered by any text that says 广泛."""
    from budgetscope.index.synonyms import synonyms

    assert "沐浴" in synonyms("洗澡") and "医疗" in synonyms("看病") and "老年人" in synonyms("老人")
    assert not {"广泛", "普遍"} & set(synonyms("科普")) and "上下" not in synonyms("老人")
    assert all(len(s) >= 2 and s != w for w in ("老人", "看病", "整修", "培训") for s in synonyms(w))
    assert synonyms("科技馆") == () and synonyms("") == () and synonyms("老人\t") == ()


def test_ranking_glossary_keys_are_words_and_its_terms_are_specific() -> None:
    """Each everyday word of the glossary is one word as the query's words are split (a key split in
    two is never looked up), and none of its official terms is a word nearly every project holds."""
    from importlib import resources

    from budgetscope.index.generic import GENERIC_TERMS
    from budgetscope.vector.sparse import words

    text = resources.files("budgetscope.data").joinpath("colloquial_zh.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    assert len(rows) > 500 and all(len(r) == 2 for r in rows)
    keys = [k for k, _ in rows]
    assert len(set(keys)) == len(keys)
    assert [k for k in keys if words(k) != [k]] == []
    terms = [t for _, v in rows for t in v.split()]
    assert all(len(t) >= 2 for t in terms) and not GENERIC_TERMS & set(terms)


def test_ranking_fuse_second_encoder_list_reorders_when_present() -> None:
    """On an index of a pair of encoders (use+e5) the second cosine is a third ranked list; without it
    (a single encoder) the ranking is that of the cosine and BM25 alone."""
    a = {"name": "养老服务发展资金", "dense": 0.40, "lexical": 5.0, "coverage": 0.0}
    b = {"name": "设施设备维修改造", "dense": 0.45, "lexical": 6.0, "coverage": 0.0}
    single = [dict(a), dict(b)]
    fuse(single)
    assert single[1]["score"] > single[0]["score"]
    pair = [{**a, "second": 0.88}, {**b, "second": 0.79}]
    fuse(pair)
    assert pair[0]["score"] > pair[1]["score"]
    assert all("second" in h for h in pair)


def _sast23_sections(corpus) -> dict[str, str]:  # type: ignore[no-untyped-def]
    text = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8")
    names = (
        "2023年度科协大院日常运行与维护项目",
        "国际及台港澳地区科技合作与交流服务项目",
        "科技社团党建工作项目",
    )
    return {name: text[text.index(name) :][:600] for name in names}


def test_ranking_near_word_counts_in_part_where_no_word_is_held(corpus) -> None:  # type: ignore[no-untyped-def]
    """sast-2023's 科技社团党建 project writes 党建, never 党支部; its upkeep project writes 维修 and 修缮 of the
    大院, never 大楼 or 水电: the exact coverage of these queries is 0 for all three projects, while the
    near words (USE's cosine between the query's word and the text's nearest) single out the right one."""
    from budgetscope.index.encoders import get_encoder
    from budgetscope.index.nearwords import NEAR_MAX, near_coverage
    from budgetscope.index.terms import term_groups

    sections = _sast23_sections(corpus)
    texts = list(sections.values())
    use = get_encoder("use")
    for query, expected in (
        ("党支部活动", "科技社团党建工作项目"),
        ("大楼的水电维修", "2023年度科协大院日常运行与维护项目"),
    ):
        groups = term_groups(query)
        assert [coverage(groups, t) for t in texts] == [0.0, 0.0, 0.0]
        near = near_coverage(groups, texts, use)
        best = max(range(len(texts)), key=lambda i: near[i])
        assert list(sections)[best] == expected and 0 < near[best] <= NEAR_MAX


def test_ranking_held_word_outweighs_a_near_one(corpus) -> None:  # type: ignore[no-untyped-def]
    """A word held counts 1, a near word at most NEAR_MAX: 党员 is in the 党建 project's text, so it
    covers 党员教育 whole, and a text holding every word needs no encoder."""
    from budgetscope.index.nearwords import NEAR_MAX, near_coverage
    from budgetscope.index.terms import term_groups

    party = _sast23_sections(corpus)["科技社团党建工作项目"]

    class NoEncoder:
        name = "none"

        def encode_documents(self, texts: list[str]) -> Any:
            raise AssertionError(f"encoded {texts}")

    assert near_coverage(term_groups("党员教育"), [party], NoEncoder()) == [1.0]  # type: ignore[arg-type]
    assert coverage(term_groups("党支部"), "党支部") == 1.0 > NEAR_MAX


def test_ranking_fuse_scores_the_near_coverage_when_given() -> None:
    """fuse counts a hit's ``near`` coverage (near words in part) in place of its exact one."""
    a = {"id": "a", "dense": 0.5, "lexical": 3.0, "coverage": 0.0, "near": 0.75}
    b = {"id": "0", "dense": 0.5, "lexical": 3.0, "coverage": 0.0}  # first of the tie by id
    fuse([a, b])
    assert a["score"] > b["score"]


def test_ranking_merged_hit_carries_the_projects_budget_whichever_half_ranked_first() -> None:
    """sast-2026 writes 市科协组织机构管理 as 152.43万元 in the narrative and 1,524,325 元 in the form: the one
    hit says the form's exact figure, first or second; a narrative with no budget read takes its form's."""
    from decimal import Decimal

    narrative = hit("n", "b.txt", "市科协组织机构管理", 0.05) | {
        "kind": "narrative",
        "budget_yuan": Decimal("1524300"),
    }
    form = hit("f", "t.txt", "市科协组织机构管理", 0.04) | {"kind": "form", "budget_yuan": Decimal("1524325")}
    partners = {"n": "f", "f": "n"}
    for order in ([narrative, form], [form, narrative]):
        (merged,) = merge_partners([dict(h) for h in order], partners)
        assert merged["budget_yuan"] == Decimal("1524325") and len(merged["sources"]) == 2
        assert all(set(s) == {"doc", "line", "page", "id", "name", "kind"} for s in merged["sources"])
    alone = hit("n", "b.txt", "上海市灾害防御协会工作经费", 0.05) | {"kind": "narrative", "budget_yuan": None}
    stored = {"f": {"doc": "t.txt", "line": 9, "page": None, "id": "f", "name": "上海市灾害防御协会工作经费",
                    "kind": "form", "budget_yuan": Decimal("150000")}}  # fmt: skip
    (merged,) = merge_partners([alone], {"n": "f"}, stored)
    assert merged["budget_yuan"] == Decimal("150000") and [s["id"] for s in merged["sources"]] == ["n", "f"]
