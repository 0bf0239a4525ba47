from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import spacy

from budgetscope.pipeline.nlp import AMOUNTS, CITATIONS, DATES, nlp

BUDGET = "根据项目的实际情况安排项目执行，该项目总资金为627.2万元。子项目1大院日常运维 351.6万元；"
PERIOD = "项目实施周期：2026年1月1日-12月31日。"
BASIS = "依据《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）和《上海市科学技术普及条例》。"


@pytest.fixture(scope="module")
def pipeline() -> spacy.language.Language:
    return nlp(budget_dates={"year": 2026})


def test_nlp_components_find_typed_spans(pipeline: spacy.language.Language) -> None:
    doc = pipeline(BUDGET + PERIOD + BASIS)
    amounts = doc.spans[AMOUNTS]
    assert [s._.amount.yuan for s in amounts] == [Decimal("6272000"), Decimal("3516000")]
    assert [s._.amount.role for s in amounts] == ["total", "component"]
    period = doc.spans[DATES][0]._.period
    assert (period.start.isoformat(), period.end.isoformat()) == ("2026-01-01", "2026-12-31")
    cites = [s._.citation for s in doc.spans[CITATIONS]]
    assert [c.doc_number for c in cites] == ["国发〔2021〕9号", None]
    assert cites[1].title == "上海市科学技术普及条例"


def test_nlp_running_twice_gives_same_doc(pipeline: spacy.language.Language) -> None:
    doc = pipeline(BUDGET)
    before = [(s.start_char, s.end_char) for s in doc.spans[AMOUNTS]]
    again = pipeline.get_pipe(AMOUNTS)(doc)
    assert [(s.start_char, s.end_char) for s in again.spans[AMOUNTS]] == before


def test_nlp_add_pipe_in_any_pipeline() -> None:
    # the factories are registered through the spacy_factories entry point
    other = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    other.add_pipe("budget_amounts", config={"roles": False})
    doc = other("预算金额30.5万元")
    assert [s._.amount.yuan for s in doc.spans["budget_amounts"]] == [Decimal("305000")]


def test_nlp_to_disk_round_trip(tmp_path: Path, pipeline: spacy.language.Language) -> None:
    pipeline.get_pipe(AMOUNTS).unit = "元"
    pipeline.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == pipeline.pipe_names
    assert loaded.get_pipe(DATES).year == 2026
    assert loaded.get_pipe(AMOUNTS).unit == "元"
    text = BUDGET + PERIOD + BASIS
    got, want = loaded(text), pipeline(text)
    for name in (AMOUNTS, DATES, CITATIONS):
        assert [(s.start_char, s.end_char) for s in got.spans[name]] == [
            (s.start_char, s.end_char) for s in want.spans[name]
        ]
        assert got.spans[name]
    pipeline.get_pipe(AMOUNTS).unit = None
