from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from budgetscope.pipeline.nlp import AMOUNTS, CITATIONS, DATES, nlp, split_tokens

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


# jieba glues a record's edge to the character beside it (60及榕劳, 9000元及, 2025年度预算): the span of each
# record is exactly its text, not the whole token (Fuzhou healthcare security 2026 p.35, Guangzhou data
# bureau 2026 project targets p.5, stcsm-2025 line 1514; the 预算法 sentence is a reviewer's)
FUZHOU_P35 = "根据闽人社文〔2009〕60及榕劳社保〔2010〕38号文件精神，预计市属困难国有集体企业在职职工119人，市财政需补助7.14万元。"
GUANGZHOU_P5 = (
    "4、4-成本指标；41-经济成本指标；专家评审成本控制数；实施周期指标值:9000元及以内；年度指标值:0元。"
)
STCSM_1514 = "上海科技宣传工作2025年度预算安排730.13万元。"
LISTED = "依据《中华人民共和国预算法》及国发〔2021〕9号文件。"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (FUZHOU_P35, CITATIONS, ["闽人社文〔2009〕60", "榕劳社保〔2010〕38号"]),
        (LISTED, CITATIONS, ["中华人民共和国预算法", "国发〔2021〕9号"]),
        (GUANGZHOU_P5, AMOUNTS, ["9000元", "0元"]),
        (STCSM_1514, DATES, ["2025年度"]),
    ],
    ids=["fuzhou-p35", "listed", "guangzhou-p5", "stcsm-1514"],
)
def test_nlp_span_is_exactly_the_record_s_text(
    pipeline: spacy.language.Language, text: str, name: str, expected: list[str]
) -> None:
    doc = pipeline(text)
    spans = doc.spans[name]
    assert [s.text for s in spans] == expected
    for s in spans:
        record = s._.get({AMOUNTS: "amount", DATES: "period", CITATIONS: "citation"}[name])
        start = record.offset if name == DATES else record.start
        assert (s.start_char, s.end_char) == (start, start + len(s.text))
    cites = [s._.citation for s in doc.spans[CITATIONS]]
    assert [s.text for s in doc.spans[CITATIONS]] == [c.wording.strip("《》") for c in cites]


def test_nlp_splitting_a_token_keeps_other_components_spans_and_sentences(
    pipeline: spacy.language.Language,
) -> None:
    text = BUDGET + FUZHOU_P35 + PERIOD
    doc = pipeline(text)  # amounts and dates are set before the citations split 及榕劳
    with pipeline.select_pipes(disable=[CITATIONS]):
        unsplit = pipeline(text)
    assert "及榕劳" in [t.text for t in unsplit]
    assert [t.text for t in doc if t.text in ("及", "榕劳", "及榕劳")] == ["及", "榕劳"]
    for name in (AMOUNTS, DATES):
        assert [(s.text, s.start_char, s.end_char) for s in doc.spans[name]] == [
            (s.text, s.start_char, s.end_char) for s in unsplit.spans[name]
        ]
    assert doc.spans[AMOUNTS][-1].text == "7.14万元"
    assert doc.spans[AMOUNTS][-1]._.amount.yuan == Decimal("71400")
    assert [s.text for s in doc.sents] == [s.text for s in unsplit.sents]
    again = pipeline.get_pipe(CITATIONS)(doc)  # nothing left to split: the same doc
    assert [t.text for t in again] == [t.text for t in doc]
    assert [s.text for s in again.spans[CITATIONS]] == ["闽人社文〔2009〕60", "榕劳社保〔2010〕38号"]


def test_nlp_split_tokens_keeps_a_parse() -> None:
    vocab = spacy.blank("zh").vocab
    doc = Doc(vocab, words=["根据", "60及榕劳", "社保", "。"], spaces=[False] * 4, heads=[0, 0, 1, 0],
              deps=["ROOT", "obj", "nmod", "punct"], pos=["VERB", "NOUN", "NOUN", "PUNCT"])  # fmt: skip
    split_tokens(doc, [5, 5, 7])  # inside 60及榕劳 (twice), and an edge between two tokens
    assert [(t.text, t.head.text, t.dep_, t.pos_) for t in doc] == [
        ("根据", "根据", "ROOT", "VERB"),
        ("60及", "榕劳", "obj", "NOUN"),  # the pieces before the last attach to it
        ("榕劳", "根据", "obj", "NOUN"),  # the last keeps the token's head
        ("社保", "60及", "nmod", "NOUN"),
        ("。", "根据", "punct", "PUNCT"),
    ]
