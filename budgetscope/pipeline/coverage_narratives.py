"""Narratives read short of their sections: a text cut off after a project's overview, or headings missed.

A project narrative has up to seven numbered sections (一、项目概述 … 七、绩效目标). Real budgets drop some
(sast-2026 prints several narratives that stop after 四、实施方案), so a narrative is named short only
against its own document: when it has at most half the section headings its document's other
narratives typically have (their median, of two at least), and at least three fewer. A narrative
with no other to compare with is held against the seven of the template when the file ends inside it.
Either way the report says whether the file ends inside it (a truncated file) or not (missed headings).

Example:
    >>> from budgetscope.models import Record, Section
    >>> def narrative(name, keys, line):
    ...     spans = {k: Section(key=k, heading=k, text="x", line=line + i) for i, k in enumerate(keys)}
    ...     return Record(id=name, kind="narrative", doc="d.txt", title=name, name=name, line=line, section_spans=spans,
    ...                   start=line, end=line + 1)
    >>> full = ["overview", "legal_basis", "implementing_body", "plan", "period", "budget", "goals"]
    >>> records = [narrative("甲项目", full, 1), narrative("乙项目", full, 20), narrative("丙项目", ["overview"], 40)]
    >>> cut_short(records, text_end=41)  # doctest: +NORMALIZE_WHITESPACE
    ["narrative '丙项目' (line 40): only 1 of the 7 section headings its document's other narratives have
      (项目概述); the file ends inside it: the text may be cut off"]
"""

from __future__ import annotations

from statistics import median_high

from budgetscope.models import SECTION_KEYS, SECTION_TITLES, Record

MIN_SIBLINGS = 2
"""How many other narratives a document needs for their sections to set what is typical."""
MIN_MISSING = 3
"""How many fewer headings than typical a narrative has before it is named short."""


def cut_short(records: list[Record], *, text_end: int) -> list[str]:
    """One line per narrative of a document read short of the sections its document shows (see the
    module); ``text_end``: where the document's text ends (its last non-blank character)."""
    narratives = [r for r in records if r.kind == "narrative"]
    out = []
    for n, r in enumerate(narratives):
        count = len(r.section_spans)
        others = [len(o.section_spans) for k, o in enumerate(narratives) if k != n]
        ends_file = n == len(narratives) - 1 and r.end >= text_end
        if len(others) >= MIN_SIBLINGS:
            typical, against = median_high(others), "its document's other narratives have"
        elif ends_file:
            typical, against = len(SECTION_KEYS), "of the narrative template"
        else:
            continue
        if count * 2 > typical or typical - count < MIN_MISSING:
            continue
        where = f"line {r.line}" if r.line is not None else f"page {r.page}"
        read = "、".join(SECTION_TITLES[k] for k in SECTION_KEYS if k in r.section_spans) or "none"
        why = (
            "the file ends inside it: the text may be cut off"
            if ends_file
            else "headings were probably not recognised, or the text is cut off"
        )
        out.append(
            f"narrative '{r.name or r.title}' ({where}): only {count} of the {typical} section headings "
            f"{against} ({read}); {why}"
        )
    return out


__all__ = ["cut_short"]
