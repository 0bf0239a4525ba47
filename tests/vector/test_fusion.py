"""Rank fusion: pure functions, no Qdrant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.vector.fusion import RRF_K, min_max, rrf, weighted_sum

# Point ids as the dense and the sparse list of a query might return them (project line numbers).
DENSE = ["p591", "p1136", "p934", "p720"]
SPARSE = ["p720", "p591", "p860"]


def test_fusion_rrf_scores_are_weight_over_k_plus_rank() -> None:
    fused = dict(rrf([DENSE, SPARSE], k=60))
    assert fused["p591"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["p720"] == pytest.approx(1 / 64 + 1 / 61)
    assert fused["p860"] == pytest.approx(1 / 63)


def test_fusion_rrf_default_k_is_60() -> None:
    assert RRF_K == 60
    assert rrf([DENSE]) == rrf([DENSE], k=60)


def test_fusion_rrf_item_in_both_lists_wins() -> None:
    assert [item for item, _ in rrf([DENSE, SPARSE])][:2] == ["p591", "p720"]


@pytest.mark.parametrize(
    ("weights", "first"),
    [((1.0, 0.0), "p591"), ((0.0, 1.0), "p720"), ((1.0, 5.0), "p720"), ((5.0, 1.0), "p591")],
)
def test_fusion_rrf_weights_shift_the_winner(weights: tuple[float, float], first: str) -> None:
    assert rrf([DENSE, SPARSE], weights)[0][0] == first


def test_fusion_rrf_zero_weight_list_follows_the_weighted_order() -> None:
    fused = [item for item, _ in rrf([DENSE, SPARSE], [1.0, 0.0])]
    assert fused[: len(DENSE)] == DENSE
    assert fused[-1] == "p860"


def test_fusion_rrf_repeated_id_counts_at_best_rank_only() -> None:
    assert dict(rrf([["a", "b", "a"]], k=0)) == {"a": 1.0, "b": 0.5}


def test_fusion_rrf_ties_keep_first_seen_order() -> None:
    assert [item for item, _ in rrf([["x", "y"], ["y", "x"]])] == ["x", "y"]


@pytest.mark.parametrize(("weights", "k"), [([1.0], 60), ([1.0, -1.0], 60), (None, -1)])
def test_fusion_rrf_rejects_bad_arguments(weights: list[float] | None, k: int) -> None:
    with pytest.raises(ValueError):
        rrf([DENSE, SPARSE], weights, k=k)


def test_fusion_rrf_empty_input_is_empty() -> None:
    assert rrf([]) == []
    assert rrf([[], []]) == []


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([0.8, 0.5, 0.2], [1.0, 0.5, 0.0]), ([3.0], [1.0]), ([0.4, 0.4], [1.0, 1.0]), ([], [])],
)
def test_fusion_min_max_rescales_to_unit_interval(scores: list[float], expected: list[float]) -> None:
    assert min_max(scores) == pytest.approx(expected)


def test_fusion_weighted_sum_is_convex_combination_of_normalized_scores() -> None:
    dense = [("p591", 0.62), ("p1136", 0.41), ("p934", 0.20)]
    sparse = [("p720", 14.0), ("p591", 7.0), ("p860", 0.0)]
    fused = dict(weighted_sum([dense, sparse], [3.0, 1.0]))
    assert fused["p591"] == pytest.approx(0.75 * 1.0 + 0.25 * 0.5)
    assert fused["p1136"] == pytest.approx(0.75 * 0.5)
    assert fused["p720"] == pytest.approx(0.25)
    assert fused["p860"] == pytest.approx(0.0)
    assert next(iter(fused)) == "p591"


def test_fusion_weighted_sum_scale_of_raw_scores_does_not_matter() -> None:
    dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)]
    sparse = [("c", 30.0), ("a", 20.0), ("b", 10.0)]
    scaled = [("c", 3.0), ("a", 2.0), ("b", 1.0)]
    assert weighted_sum([dense, sparse]) == weighted_sum([dense, scaled])


def test_fusion_weighted_sum_rejects_all_zero_weights() -> None:
    with pytest.raises(ValueError):
        weighted_sum([[("a", 1.0)]], [0.0])


rankings = st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=8), max_size=4)


@given(rankings)
def test_fusion_rrf_never_crashes_and_sorts_best_first(lists: list[list[str]]) -> None:
    fused = rrf(lists)
    scores = [score for _, score in fused]
    assert scores == sorted(scores, reverse=True)
    assert {item for item, _ in fused} == {item for ranking in lists for item in ranking}


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from("abcdef"), st.floats(-1e6, 1e6)), max_size=6),
        min_size=1,
        max_size=3,
    )
)
def test_fusion_weighted_sum_scores_stay_in_unit_interval(lists: list[list[tuple[str, float]]]) -> None:
    for _, score in weighted_sum(lists):
        assert -1e-9 <= score <= 1 + 1e-9
