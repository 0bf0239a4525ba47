"""文号 written as a list whose last member alone carries 号: each member is cited, its 号 added.

The sentence is the goal of 市属困难企业在职职工财政补助 in the Fuzhou healthcare-security 2026 budget
(p.35), as the form's cell reads and as pdftotext -layout prints it; the other strings are that
sentence edited into the variant a rule is about.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.pipeline.citations import find_citations
from budgetscope.pipeline.docnumbers import find_doc_number_lists, find_doc_numbers

FUZHOU_P35 = "根据闽人社文〔2009〕60及榕劳社保〔2010〕38号文件精神，预计市属困难国有集体企业在职职工119人，市财政需补助7.14万元。"
FUZHOU_P35_LAYOUT = (
    "根据闽人社文〔2009〕60 及榕劳社保〔2010〕38 号文件精神，预计市属困难国有集体企业在职职工119人，"
)


def _cited(text: str) -> list[tuple[str, str | None, bool, str | None]]:
    return [
        (c.title, c.doc_number, c.doc_number_inferred, c.wording)
        for c in find_citations(text, section="goals")
    ]


@pytest.mark.parametrize(
    ("text", "last_as_written"),
    [(FUZHOU_P35, "榕劳社保〔2010〕38号"), (FUZHOU_P35_LAYOUT, "榕劳社保〔2010〕38 号")],
)
def test_citations_number_list_sharing_one_hao_cites_each(text: str, last_as_written: str) -> None:
    assert _cited(text) == [
        ("闽人社文〔2009〕60号", "闽人社文〔2009〕60号", True, "闽人社文〔2009〕60"),
        ("榕劳社保〔2010〕38号", "榕劳社保〔2010〕38号", False, last_as_written),
    ]
    (first,) = [c for c in find_citations(text) if c.doc_number_inferred]
    assert text[first.start : first.end] == "闽人社文〔2009〕60"  # the offsets are the text's


@pytest.mark.parametrize("joiner", ["、", "和", "，", "以及"])
def test_citations_number_list_joined_by_any_joiner(joiner: str) -> None:
    text = FUZHOU_P35.replace("60及", f"60{joiner}")
    assert [(title, inferred) for title, _, inferred, _ in _cited(text)] == [
        ("闽人社文〔2009〕60号", True),
        ("榕劳社保〔2010〕38号", False),
    ]


def test_citations_number_list_whose_members_all_carry_hao() -> None:
    # each 文号 complete: both cited, none inferred (the verb before the first, 文件精神 after the last)
    text = FUZHOU_P35.replace("60及", "60号及")
    assert [(t, n, inferred) for t, n, inferred, _ in _cited(text)] == [
        ("闽人社文〔2009〕60号", "闽人社文〔2009〕60号", False),
        ("榕劳社保〔2010〕38号", "榕劳社保〔2010〕38号", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        FUZHOU_P35.replace("38号文件", "38文件"),  # no 号 at all: no 文号 to complete from
        FUZHOU_P35.replace("60及榕劳社保〔2010〕38号文件精神", "60，预计"),  # alone before a comma
        # a list, but nothing says it is cited (with 根据 before it, it is, whatever follows it)
        FUZHOU_P35.replace("根据", "").replace("38号文件精神", "38号，预计"),
        "预计市属困难国有集体企业在职职工119人、2010〔38〕号",  # numbers that are no 文号 are left alone
    ],
)
def test_citations_number_list_invents_no_doc_number(text: str) -> None:
    assert [c for c in find_citations(text) if c.doc_number_inferred] == []
    assert all(c.doc_number != "闽人社文〔2009〕60号" for c in find_citations(text))


def test_docnumbers_lists_group_what_find_doc_numbers_finds() -> None:
    runs = list(find_doc_number_lists(FUZHOU_P35))
    assert [[(d.number.key(), d.inferred) for d in run] for run in runs] == [
        [("闽人社文〔2009〕60号", True), ("榕劳社保〔2010〕38号", False)]
    ]
    assert [d.number.text for d in find_doc_numbers(FUZHOU_P35)] == ["榕劳社保〔2010〕38号"]  # unchanged


@given(st.text(alphabet="闽人社文榕劳社保〔〕()（）2009603810及和、，号文件根据精神 \n", max_size=60))
def test_docnumbers_lists_never_raise_and_keep_every_complete_number(text: str) -> None:
    runs = list(find_doc_number_lists(text))
    whole = [d for run in runs for d in run if not d.inferred]
    assert [d.start for d in whole] == [d.start for d in find_doc_numbers(text)]
    for run in runs:
        assert run and not run[-1].inferred  # a completed 文号 always has one with 号 after it
