"""Checks of a project's own numbers: unit slips, sums that do not add up, periods outside the year.

Pure over records (plus the department totals read from the store by :func:`department_totals`):

- **magnitude** (``error``): a project's annual budget larger than its department's whole budget
  for the year, or about 1,000× / 10,000× off from the same project's form, from its own
  components, or (a ``warning``) from the same project in the nearest other year — the likely
  万元/元 slip is named in the message (``60000.00万元`` next to 5万元 a year later: 元 written as 万元);
- **sums** (``warning``): a form's parts (当年财政拨款 + 上年结转 + 其他资金, or 财政资金 + 其他资金)
  against its 年度资金总额 / 项目总额, and its split by budget level (市级支出 + 补助区县) against it too; a form's or a narrative's components (子项目) against the
  total; a narrative's 财政资金 + 自筹资金 against its stated total. Generic over form records:
  any template whose fields land in ``Form.amounts`` under these keys is checked alike;
- **period** (``warning``): an implementation period that lies wholly outside the budget year;
- **goal** (``warning``): a form's goal text giving one of its indicators another number (:mod:`.goal_checks`).

A sum is compared at the precision its amounts were written to (``rounded`` is not a finding).

Example:
    >>> near_power(Decimal(600000000), Decimal(50000))
    4
    >>> near_power(Decimal(1600000), Decimal(1400000)) is None
    True
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from budgetscope.messages import place
from budgetscope.models import Check, ProjectLink, Record, SeriesLink, stable_id
from budgetscope.pipeline.linking.annual_checks import annual_checks
from budgetscope.pipeline.linking.checks import compare, yuan_text
from budgetscope.pipeline.linking.goal_checks import goal_checks
from budgetscope.pipeline.statements import stated_precision

FORM_TOTAL_KEYS = ("annual_total", "project_total")
"""A form's totals, the annual one first."""

FORM_PART_KEYS = ("fiscal_current", "fiscal", "carryover", "other", "self_raised")
"""A form's amounts that add up to its total (当年财政拨款, 财政资金, 上年结转, 其他资金, 自筹)."""

FORM_LEVEL_KEYS = ("own_level", "to_lower_levels")
"""The same total split by budget level, where the money goes (市级支出 + 补助区县, 市本级使用资金 +
对下转移支付资金). Spent at the form's own level or passed to the levels below: there is nowhere else,
so one level alone (the other printed blank) is held against the total too."""

POWERS = (3, 4)
"""Unit slips looked for: 1,000× (元/千元) and 10,000× (元/万元)."""

SLIP_TOLERANCE = math.log10(2.5)
"""How far (in orders of magnitude) a ratio may be from 10³ or 10⁴ and still read as a slip."""


@dataclass(frozen=True)
class DepartmentTotal:
    """A department's whole budget for a year, and where it is stated."""

    yuan: Decimal
    label: str
    doc: str
    line: int | None
    page: int | None = None

    @property
    def where(self) -> str:
        return place(self.doc, None if self.page else self.line, self.page)


@dataclass(frozen=True)
class _Amount:
    """A project's annual budget, how it is written, and where."""

    record: Record
    yuan: Decimal
    text: str
    quantum: Decimal

    @property
    def where(self) -> str:
        return place(self.record.doc, self.record.line, self.record.page)


def near_power(a: Decimal, b: Decimal) -> int | None:
    """``k`` when ``a / b`` (either way round) is about 10^k for a ``k`` in :data:`POWERS`."""
    if a <= 0 or b <= 0:
        return None
    ratio = abs(math.log10(a / b))
    return next((k for k in POWERS if abs(ratio - k) <= SLIP_TOLERANCE), None)


def _annual(record: Record) -> _Amount | None:
    from budgetscope.pipeline.linking.findings import _total_precision

    if record.kind == "form" and record.form is not None:
        for key in FORM_TOTAL_KEYS:
            if key in record.form.amounts:
                value = record.form.amounts[key]
                return _Amount(record, value, yuan_text(value), Decimal("0.01"))
    if record.budget_total_yuan is None:
        return None
    text, quantum = _total_precision(record)
    return _Amount(record, record.budget_total_yuan, text or yuan_text(record.budget_total_yuan), quantum)


def _name(record: Record) -> str:
    return record.name or record.title


def slip_hint(amount: _Amount, bigger: bool, power: int) -> str:
    """The likely unit slip behind a 10^power difference, in words.

    >>> from budgetscope.models import Record
    >>> r = Record(id="x", kind="narrative", doc="a.txt", title="t")
    >>> slip_hint(_Amount(r, Decimal(600000000), "60000.00万元", Decimal(100)), True, 4)
    'likely 元 written as 万元 (60000.00万元 read as 元: 60,000元)'
    """
    scaled = yuan_text(amount.yuan / 10**power if bigger else amount.yuan * 10**power)
    if power == 4 and bigger and "万" in amount.text:
        return f"likely 元 written as 万元 ({amount.text} read as 元: {scaled})"
    if power == 4 and not bigger and "万" not in amount.text:
        return f"likely 万元 written as 元 ({amount.text} read as 万元: {scaled})"
    if power == 4:
        return f"likely a 万元/元 unit slip (10,000× {'too large' if bigger else 'too small'}: {scaled})"
    return f"likely a 千元/元 unit slip (1,000× {'too large' if bigger else 'too small'}: {scaled})"


def _magnitude(
    a: _Amount, other: _Amount | DepartmentTotal, what: str, severity: str, key: str
) -> Check | None:
    """A finding when ``a`` is about 10^k times ``other`` (or more than a department's total)."""
    r = a.record
    evidence: dict[str, Any] = {}
    if isinstance(other, DepartmentTotal):
        if a.yuan <= other.yuan:
            return None
        times = a.yuan / other.yuan
        message = (
            f"{_name(r)}: annual budget {a.text} ({yuan_text(a.yuan)}) is {times:,.1f}× the department's whole "
            f"{r.year} budget ({other.label} {yuan_text(other.yuan)}, {other.where}); "
            + slip_hint(a, True, 3 if "千" in a.text else 4)
        )
        evidence = {"found": f"{other.label} {yuan_text(other.yuan)}", "found_yuan": other.yuan,
                    "other_doc": other.doc, "other_line": None if other.page else other.line,
                    "other_page": other.page}  # fmt: skip
        other_id = None
    else:
        power = near_power(a.yuan, other.yuan)
        if power is None:
            return None
        bigger = a.yuan > other.yuan
        o = other.record
        ratio = a.yuan / other.yuan if bigger else other.yuan / a.yuan
        message = (
            f"{_name(r)}: annual budget {a.text} ({yuan_text(a.yuan)}) is {ratio:,.0f}× "
            f"{'larger' if bigger else 'smaller'} than {what} ({other.text}, {other.where}), near "
            f"{'1,000' if power == 3 else '10,000'}×; " + slip_hint(a, bigger, power)
        )
        evidence = {"found": f"{other.where} {other.text}", "found_yuan": other.yuan, "other_doc": o.doc,
                    "other_line": o.line, "other_page": o.page}  # fmt: skip
        other_id = o.id if o.id != r.id else None
    return Check(
        id="check:" + stable_id("magnitude", r.id, key), kind="magnitude", status="disagree", subject=_name(r),
        message=message, doc=r.doc, line=r.line, page=r.page, project_id=r.id, other_id=other_id, stated=a.text,
        stated_yuan=a.yuan, field="budget_total" if r.kind == "narrative" else "form.annual_total", severity=severity,
        **evidence,
    )  # fmt: skip


def _sum_check(r: Record, key: str, total: Decimal, total_text: str, parts: Sequence[tuple[str, Decimal, Decimal]],
               field: str, what: str) -> Check:  # fmt: skip
    """Compare a total with the sum of its parts ``(label, yuan, quantum)``."""
    found = sum((p[1] for p in parts), Decimal(0))
    quantum = max([stated_precision(total_text), *(p[2] for p in parts)]) * max(len(parts), 1)
    status = compare(total, found, quantum)
    listed = " + ".join(
        label if any(c.isdigit() for c in label) else f"{label} {yuan_text(y)}" for label, y, _ in parts
    )
    verb = {"agree": "=", "rounded": "≈ (rounded)", "disagree": "but"}[status]
    message = (
        f"{_name(r)}: {what} {total_text} {verb} {listed}"
        if status != "disagree"
        else f"{_name(r)}: {what} {total_text} but {listed} = {yuan_text(found)}"
    )
    return Check(
        id="check:" + stable_id("project_sum", r.id, key), kind="project_sum", status=status, subject=_name(r),
        message=message, doc=r.doc, line=r.line, page=r.page, project_id=r.id, stated=total_text, stated_yuan=total,
        found=listed, found_yuan=found, other_doc=r.doc, other_line=r.line, other_page=r.page, field=field,
    )  # fmt: skip


_FORM_LABELS = {"annual_total": "年度资金总额", "project_total": "项目总额", "fiscal_current": "当年财政拨款",
                "fiscal": "财政资金", "carryover": "上年结转", "other": "其他资金", "self_raised": "自筹资金",
                "own_level": "本级支出", "to_lower_levels": "补助下级"}  # fmt: skip
_SPLITS = ((FORM_PART_KEYS, "form-parts", 2), (FORM_LEVEL_KEYS, "form-levels", 1))
"""A form's splits of its total: the keys, the check's key, how many parts are checked alone (one source
of funds alone may leave the rest unnamed; one budget level alone leaves the rest to the other level)."""
_CENT = Decimal("0.01")


def sum_checks(record: Record) -> list[Check]:
    """A record's parts against its totals (see the module's rules)."""
    out: list[Check] = []
    r = record
    if r.form is not None:
        amounts = r.form.amounts
        total_key = next((k for k in FORM_TOTAL_KEYS if k in amounts), None)
        printed = r.form.amount_labels  # what the form calls each (年度预算资金总额, 财政拨款, 补助区县)
        for keys, check_key, alone in _SPLITS:
            parts = [(printed.get(k) or _FORM_LABELS[k], amounts[k], _CENT) for k in keys if k in amounts]
            if total_key is None or not parts:
                continue
            total = amounts[total_key]
            if len(parts) >= alone or sum((p[1] for p in parts), Decimal(0)) > total:
                named = printed.get(total_key) or _FORM_LABELS[total_key]
                out.append(_sum_check(r, check_key, total, yuan_text(total), parts, f"form.{total_key}",
                                      f"form {named}"))  # fmt: skip
        components = [(c.name, c.yuan, _CENT) for c in r.form.components if c.yuan is not None]
        if total_key is not None and len(components) >= 2:
            sums = {amounts[k] for k in FORM_TOTAL_KEYS if k in amounts}
            found = sum((c[1] for c in components), Decimal(0))
            total = found if found in sums else amounts[total_key]
            key = next(k for k in FORM_TOTAL_KEYS if k in amounts and amounts[k] == total)
            if near_power(total, found) is None:
                out.append(_sum_check(r, "form-components", total, yuan_text(total), components, f"form.{key}",
                                      f"form {printed.get(key) or _FORM_LABELS[key]}"))  # fmt: skip
    stated = [a for a in r.amounts if a.section == "budget" and not a.approximate]
    totals = [a for a in stated if a.role == "total"]
    if totals:
        first = totals[0]
        funds = [
            (a.text, a.yuan, stated_precision(a.text)) for a in stated if a.role in ("fiscal", "self_raised")
        ]
        if len(funds) >= 2 or (funds and sum(f[1] for f in funds) > first.yuan):
            out.append(_sum_check(r, "funds", first.yuan, first.text, funds, "budget_total", "total"))
    components = [(a.text, a.yuan, stated_precision(a.text)) for a in stated if a.role == "component"]
    base = totals[0] if totals else next((a for a in stated if a.role == "fiscal"), None)
    if base is not None and len(components) >= 2:
        found = sum((c[1] for c in components), Decimal(0))
        if near_power(base.yuan, found) is None:
            out.append(_sum_check(r, "components", base.yuan, base.text, components, "budget_total",
                                  "total of the components"))  # fmt: skip
    return out


def period_checks(record: Record) -> list[Check]:
    """A period wholly before or after the record's budget year."""
    r, p = record, record.period
    if p is None or r.year is None:
        return []
    first, last = date(r.year, 1, 1), date(r.year, 12, 31)
    if first <= p.end and p.start <= last:
        return []
    side = "ends before" if p.end < first else "starts after"
    return [
        Check(
            id="check:" + stable_id("period_year", r.id), kind="period_year", status="disagree", subject=_name(r),
            message=f"{_name(r)}: period {p.start}–{p.end} ({p.text}) {side} the budget year {r.year}",
            doc=r.doc, line=r.line, page=r.page, project_id=r.id, stated=p.text, found=f"budget year {r.year}",
            other_doc=r.doc, other_line=r.line, field="period",
        )
    ]  # fmt: skip


def magnitude_checks(
    records: Sequence[Record],
    links: Sequence[ProjectLink],
    series: Sequence[SeriesLink],
    totals: dict[tuple[str, int], DepartmentTotal],
) -> list[Check]:
    """Unit slips: against the department's total, the project's form, its components and other years."""
    annual = {r.id: a for r in records if (a := _annual(r)) is not None}
    out: list[Check] = []
    flagged: set[str] = set()
    for pid, a in annual.items():
        r = a.record
        total = totals.get((r.department or "", r.year or 0))
        if total is not None and (c := _magnitude(a, total, "", "error", "department")) is not None:
            out.append(c)
            flagged.add(pid)
        parts = [c.yuan for c in (r.form.components if r.form else []) if c.yuan is not None]
        parts += [x.yuan for x in r.amounts if x.role == "component" and x.section == "budget"]
        if parts and (s := sum(parts, Decimal(0))) > 0 and near_power(a.yuan, s):
            own = _Amount(r, s, f"its components add up to {yuan_text(s)}", _CENT)
            if (c := _magnitude(a, own, "its own components", "error", "components")) is not None:
                out.append(c)
                flagged.add(pid)
    for link in links:
        n, f = annual.get(link.narrative_id), annual.get(link.form_id)
        if (
            n is not None
            and f is not None
            and (c := _magnitude(n, f, "its form", "error", "form:" + f.record.id))
        ):
            out.append(c)
            flagged.add(n.record.id)
    members: dict[str, list[_Amount]] = defaultdict(list)
    for m in series:
        if m.project_id in annual and annual[m.project_id].record.year is not None:
            members[m.series_id].append(annual[m.project_id])
    for group in members.values():
        out.extend(_year_checks(group, flagged))
    return sorted(out, key=lambda c: (c.doc or "", c.line or 0, c.id))


def _year_checks(group: list[_Amount], flagged: set[str]) -> Iterable[Check]:
    """Consecutive years of one series (narratives preferred) about 10^k apart: one finding per pair."""
    by_year: dict[int, _Amount] = {}
    for a in sorted(group, key=lambda a: (a.record.kind != "narrative", a.record.doc)):
        by_year.setdefault(a.record.year or 0, a)
    years = sorted(by_year)
    for y0, y1 in itertools.pairwise(years):
        a, b = by_year[y0], by_year[y1]
        if near_power(a.yuan, b.yuan) is None:
            continue
        # the suspect: one already flagged (larger than its department…), else the larger one
        suspect, other = (
            (a, b) if a.record.id in flagged or (b.record.id not in flagged and a.yuan > b.yuan) else (b, a)
        )
        what = f"the same project in {other.record.year}"
        level = "error" if suspect.record.id in flagged else "warning"
        check = _magnitude(suspect, other, what, level, "year:" + other.record.id)
        if check is not None:
            yield check


def department_totals(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, int], DepartmentTotal]:
    """Each department's whole budget per year from the store's ``department_totals`` view.

    Rows carry ``department``, ``year``, ``doc``, ``label``, ``yuan`` and ``line``; a table's
    支出总计 is preferred to a total stated in words (支出预算). Rows may carry ``page`` (PDF).
    """
    out: dict[tuple[str, int], DepartmentTotal] = {}
    # a 支出总计 row of several columns (合计, 基本支出, 项目支出 …): its largest cell is the whole
    for row in sorted(rows, key=lambda r: (r["label"] != "支出总计", -Decimal(r["yuan"] or 0))):
        if row["department"] is None or row["year"] is None or row["yuan"] is None:
            continue
        key = (row["department"], int(row["year"]))
        if key not in out and Decimal(row["yuan"]) > 0:
            out[key] = DepartmentTotal(
                Decimal(row["yuan"]), row["label"], row["doc"], row["line"], row.get("page")
            )
    return out


def project_checks(
    records: Sequence[Record],
    links: Sequence[ProjectLink],
    series: Sequence[SeriesLink],
    totals: dict[tuple[str, int], DepartmentTotal],
) -> list[Check]:
    """Every project-level check: magnitude, sums, periods, a form's goal text against its indicators, a
    narrative's annual budget its wording leaves unsure (:mod:`.annual_checks`)."""
    out = magnitude_checks(records, links, series, totals)
    for r in records:
        out.extend(sum_checks(r))
        out.extend(period_checks(r))
        out.extend(goal_checks(r))
        out.extend(annual_checks(r))
    return out


__all__ = [
    "FORM_LEVEL_KEYS",
    "FORM_PART_KEYS",
    "FORM_TOTAL_KEYS",
    "DepartmentTotal",
    "department_totals",
    "magnitude_checks",
    "near_power",
    "period_checks",
    "project_checks",
    "slip_hint",
    "sum_checks",
]
