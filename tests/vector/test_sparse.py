"""BM25 sparse vectors over jieba terms, on sentences of corpus/sast-2026-*.txt."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.vector.sparse import (
    DEFAULT_AVGDL,
    K1,
    STOPWORDS,
    query_vector,
    sparse_vector,
    term_id,
    tokenize,
)

PARTY = "在上海市科协所属科技社团中开展党建工作，推动科技社团党组织发挥好政治引领作用，为建设具有全球影响力的科技创新中心提供政治保障。"
SALON = "活动将由学会秘书长沙龙、市科协学术年会（院士圆桌会议）两个内容构成。"
G60 = "做好长三角 G60 科创走廊 U30 榜单组织征集和遴选推荐工作, 举办发布和服务活动。"
CAR = "机关公务用车保障"
FIRE = "依据《中华人民共和国消防法》"
INDICATOR = "专家参与人数\t≥100.00(人)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CAR, ["机关", "公务", "用车", "公务用车", "保障"]),
        (FIRE, ["依据", "中华", "华人", "人民", "共和", "共和国", "中华人民共和国", "消防", "消防法"]),
        (INDICATOR, ["专家", "参与", "人数", "100.00", "人"]),
    ],
)
def test_sparse_tokenize_search_mode_terms(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize("term", ["秘书长", "秘书", "沙龙", "圆桌会议", "学术年会"])
def test_sparse_tokenize_keeps_whole_word_and_its_parts(term: str) -> None:
    assert term in tokenize(SALON)


def test_sparse_tokenize_lowercases_ascii_and_drops_punctuation() -> None:
    terms = tokenize(G60)
    assert "g60" in terms and "u30" in terms
    assert not {",", "。", " ", "G60"} & set(terms)


def test_sparse_tokenize_normalizes_fullwidth_letters() -> None:
    assert tokenize("ＡＩ＋科普") == ["ai", "科普"]


def test_sparse_tokenize_drops_stopwords() -> None:
    terms = tokenize(SALON + PARTY)
    assert not set(terms) & STOPWORDS
    assert "中" not in terms and "和" not in tokenize(G60)


def test_sparse_term_id_is_stable_across_processes() -> None:
    code = "from budgetscope.vector.sparse import term_id; print(term_id('党建'), term_id('g60'))"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert [int(x) for x in other] == [term_id("党建"), term_id("g60")]


def test_sparse_term_id_is_31_bit_and_distinguishes_terms() -> None:
    ids = {term_id(t) for t in tokenize(PARTY + SALON + G60)}
    assert all(0 <= i < 2**31 for i in ids)
    assert len(ids) == len(set(tokenize(PARTY + SALON + G60)))


def test_sparse_vector_saturates_repeated_terms() -> None:
    vec = dict(zip(*sparse_vector(PARTY), strict=True))
    once, thrice = vec[term_id("开展")], vec[term_id("科技")]  # 科技 occurs 3 times (科技社团 x2, 科技创新)
    assert thrice > once
    assert thrice < 3 * once
    assert max(vec.values()) < K1 + 1


def test_sparse_vector_values_follow_bm25_formula() -> None:
    terms = tokenize(CAR)
    norm = K1 * (1 - 0.75 + 0.75 * len(terms) / DEFAULT_AVGDL)
    assert sparse_vector(CAR).values == pytest.approx([(K1 + 1) / (1 + norm)] * len(terms))


def test_sparse_vector_longer_documents_weigh_a_term_less() -> None:
    short = dict(zip(*sparse_vector(SALON), strict=True))
    long = dict(zip(*sparse_vector(SALON + PARTY + G60), strict=True))
    assert long[term_id("沙龙")] < short[term_id("沙龙")]


def test_sparse_vector_avgdl_changes_normalization() -> None:
    assert sparse_vector(PARTY, avgdl=10).values != sparse_vector(PARTY, avgdl=1000).values
    with pytest.raises(ValueError):
        sparse_vector(PARTY, avgdl=0)


def test_sparse_vector_indices_sorted_unique() -> None:
    indices, values = sparse_vector(PARTY)
    assert indices == sorted(set(indices))
    assert len(values) == len(indices)


def test_sparse_query_vector_is_binary_per_distinct_term() -> None:
    vec = query_vector("学会秘书长沙龙 沙龙")
    assert set(vec.values) == {1.0}
    assert vec.indices == sorted({term_id(t) for t in ["学会", "秘书", "秘书长", "沙龙"]})


def test_sparse_query_matches_document_terms() -> None:
    assert set(query_vector("学会秘书长沙龙").indices) <= set(sparse_vector(SALON).indices)


@given(st.text(max_size=200))
def test_sparse_vector_never_crashes(text: str) -> None:
    indices, values = sparse_vector(text)
    assert len(indices) == len(values)
    assert all(v > 0 for v in values)
    assert query_vector(text).indices == indices
