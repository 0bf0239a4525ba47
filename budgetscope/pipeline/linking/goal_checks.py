"""A form's goal in words against its own indicator table: does the goal state the table's target?

A performance form states its year's goal as text (年度绩效目标, 年度总体目标) and its targets as
indicator rows. Where the text names a row's indicator and gives it a number, the two are one
target written twice: ``移民对后期扶持政策实施满意度不低于80%`` in the goal, ``≥90%`` in the row of
移民对后期扶持政策实施满意度, is a contradiction. Pure over records, and conservative — a pair is
compared only when a reader would see the same indicator twice:

- **the goal**: the form's free-text fields of a year's goal (年度绩效目标, 年度总体目标, 当年绩效目标,
  绩效目标); not a whole-period 项目总目标;
- **the name**: the row's 三级指标 (without a trailing remark in parentheses), at least
  :data:`MIN_NAME` characters, found in the goal as printed (white space and width folded), else
  — a clear containment — without a trailing 数量 / 个数 (项目覆盖区县数量: ``项目覆盖区县30个以上``).
  Not matched: a name two rows of the form share with different targets, a place in the goal that
  lies inside another row's longer name found there, a name found twice with different numbers;
- **the number**: the rest of the clause right after the name (up to ``，。；、`` or the end), after at
  most a linking word (达到, 为, 保持在, 控制在 …), read as a target by
  :func:`~budgetscope.pipeline.targets.parse_target` (a comparison — 不低于, 不少于, ≥, or 以上 /
  以下 after the unit — one number and its unit; words after the number, a range, a second number
  give no reading and no comparison);
- **the unit**: the goal's and the row's, equal once folded (``％`` is ``%``; a count written
  ``个数`` / ``次数`` is ``个`` / ``次``), or there is no comparison.

Equal numbers ``agree`` (a comparison written on one side only is no contradiction); different
numbers, or one number with opposite comparisons (≥ against ≤), ``disagree``: a warning.

Example:
    >>> from budgetscope.models import Form, Indicator, Record
    >>> from budgetscope.pipeline.targets import read_target
    >>> row = read_target(Indicator(level3="移民对后期扶持政策实施满意度", target="≥90%"))
    >>> form = Form(texts={"年度绩效目标": "移民对后期扶持政策实施满意度不低于80%。"}, indicators=[row])
    >>> [c.message for c in goal_checks(Record(id="f", kind="form", doc="a.pdf", title="t", form=form))]
    ['t: goal 移民对后期扶持政策实施满意度不低于80% but indicator 移民对后期扶持政策实施满意度 ≥90%']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from budgetscope.models import Check, Indicator, Record, Target, stable_id
from budgetscope.pipeline.cn_numerals import fold_chars
from budgetscope.pipeline.targets import parse_target

GOAL_KEY = re.compile(r"^(?:(?:年度|当年|本年度?)(?:绩效|总体)?|绩效)目标$")
"""The labels of a form's goal for the year (年度绩效目标, 年度总体目标, 当年绩效目标, 绩效目标)."""
MIN_NAME = 4
"""Fewest characters of an indicator name matched in a goal (满意度 alone may be anyone's)."""
SHOWN = 30
"""How much of the goal's clause before the name a finding quotes."""
_REMARK = re.compile(r"[(（][^()（）]*[)）]$")
_COUNT_TAIL = re.compile(r"(?:的?数量|个数)$")
_LINK = re.compile(
    r"[”\"」』]?均?(?:达到|达|为|保持在|保持|控制在|稳定在|维持在|提高到|提高至|提升到|提升至)?"
)
_CLAUSE_END = re.compile(r"[，。；;,、:：!！?？\n]")
_OPPOSITE = {("≥", "≤"), ("≥", "<"), (">", "≤"), (">", "<")}


@dataclass(frozen=True)
class _Stated:
    """A number the goal gives an indicator: the goal's clause holding the name, and the number's reading."""

    text: str
    target: Target
    start: int
    end: int


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold_chars(text))


def _name(indicator: Indicator) -> str:
    """The indicator's name as matched: folded, without white space or a trailing remark ``（%）``."""
    name = _squash(indicator.level3 or "")
    while _REMARK.search(name):
        name = _REMARK.sub("", name)
    return name


def unit_key(unit: str | None) -> str | None:
    """A unit folded for comparing: ``％`` is ``%``, a count's ``个数`` is ``个``.

    >>> unit_key("个数"), unit_key("％"), unit_key("人次"), unit_key(None)
    ('个', '%', '人次', None)
    """
    if unit is None:
        return None
    u = _squash(unit)
    return u[:-1] if len(u) == 2 and u.endswith("数") else u


def goal_text(record: Record) -> str:
    """The form's goal for the year, its fields joined (folded, without white space)."""
    if record.form is None:
        return ""
    return "。".join(_squash(v) for k, v in record.form.texts.items() if GOAL_KEY.match(_squash(k)) and v)


def _stated_after(goal: str, start: int, end: int) -> _Stated | None:
    """The target the goal states right after a name ending at ``end`` (None when it does not read)."""
    stop = _CLAUSE_END.search(goal, end)
    clause_end = stop.start() if stop else len(goal)
    link = _LINK.match(goal, end)
    target = parse_target(goal[link.end() if link else end : clause_end])
    if target is None or target.value is None:
        return None  # words after the number (提高5%, 86个项目), a range, no number
    lead = max(0, start - SHOWN)
    begun = max((m.end() for m in _CLAUSE_END.finditer(goal, lead, start)), default=lead)
    shown = ("…" if begun == lead > 0 else "") + goal[begun:clause_end]  # the clause, from its start
    return _Stated(shown, target, start, end)


def _found(goal: str, name: str) -> list[_Stated]:
    """Every place the goal gives ``name`` a number (the name as printed, else without its 数量 tail)."""
    for candidate in (name, _COUNT_TAIL.sub("", name)):
        if len(candidate) < MIN_NAME:
            continue
        spots = [m.start() for m in re.finditer(re.escape(candidate), goal)]
        if spots:
            return [s for i in spots if (s := _stated_after(goal, i, i + len(candidate))) is not None]
    return []


def _agrees(stated: Target, row: Indicator) -> bool:
    """Same number, and no comparisons pointing opposite ways."""
    pair = (stated.comparison, row.comparison)
    return stated.value == row.value and pair not in _OPPOSITE and pair[::-1] not in _OPPOSITE


def _matches(record: Record) -> Iterable[tuple[int, Indicator, _Stated]]:
    """The rows the goal gives a number, each once, unambiguous (see the module's rules)."""
    assert record.form is not None
    goal = goal_text(record)
    if not goal:
        return
    rows = [(i, ind, _name(ind)) for i, ind in enumerate(record.form.indicators) if ind.value is not None]
    targets: dict[str, set[tuple[object, ...]]] = {}
    for _, ind, name in rows:
        targets.setdefault(name, set()).add((ind.comparison, ind.value, unit_key(ind.unit)))
    found = {i: _found(goal, name) for i, _, name in rows if len(targets[name]) == 1}
    spans = [(s.start, s.end) for places in found.values() for s in places]
    seen: set[str] = set()
    for i, ind, name in rows:
        places = [
            s
            for s in found.get(i, [])
            if not any(a <= s.start and s.end <= b and (a, b) != (s.start, s.end) for a, b in spans)
        ]
        readings = {(s.target.comparison, s.target.value) for s in places}
        if len(readings) != 1 or name in seen:
            continue  # not found, or found with two different numbers
        seen.add(name)
        stated = places[0]
        if unit_key(stated.target.unit) == unit_key(ind.unit):
            yield i, ind, stated


def goal_checks(record: Record) -> list[Check]:
    """A form's goal text against its indicator rows: one check per row the goal gives a number."""
    if record.form is None or not record.form.indicators:
        return []
    subject = record.name or record.title
    out = []
    for i, ind, stated in _matches(record):
        status = "agree" if _agrees(stated.target, ind) else "disagree"
        row = f"indicator {_name(ind)} {ind.target.strip() if ind.target else ''}".rstrip()
        verb = "agrees with" if status == "agree" else "but"
        out.append(
            Check(
                id="check:" + stable_id("goal_indicator", record.id, i), kind="goal_indicator", status=status,
                subject=subject, message=f"{subject}: goal {stated.text} {verb} {row}", doc=record.doc,
                line=record.line, page=record.page, project_id=record.id, stated=stated.text, found=row,
                other_doc=record.doc, other_line=record.line, other_page=record.page, field=f"form.indicators.{i}",
            )
        )  # fmt: skip
    return out


__all__ = ["GOAL_KEY", "MIN_NAME", "goal_checks", "goal_text", "unit_key"]
