"""Read a performance-target form in the table layout: one table row per line, cells split by tabs.

Field rows pair a label cell with the next non-empty cell to its right ("项目名称 | 机关服务费");
a header row of free-text labels ("项目总目标 | 年度总体目标") is followed by rows whose text sits
under one of them; the indicator table starts at the "一级指标 | 二级指标 | 三级指标 | 指标值" row.
Columns shift across page breaks and merged cells ("绩效 指标") split, so indicator rows are read
by content (level labels, then level-3 name and target) with the header's columns as tie-breaker.

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> src = "项目名称\\t机关服务费\\n\\t一级指标\\t二级指标\\t三级指标\\t年度(/项目)指标值\\n绩效 指标\\t产出指标\\t数量指标\\t司机位数\\t=4.00(人)\\n"
    >>> text = normalize_text(src)
    >>> parse = read_table_form([(ln, raw) for ln, raw in zip(text.lines, src.split("\\n"))])
    >>> parse.name, [(i.level2, i.level3, i.target) for i in parse.form.indicators]
    ('机关服务费', [('数量指标', '司机位数', '=4.00(人)')])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from budgetscope.models import Component, Form, Indicator
from budgetscope.pipeline.form_labels import (
    AMOUNT_LABELS,
    FIELD_LABELS,
    TEXT_LABELS,
    FormParse,
    choice,
    is_label,
    is_level_label,
    label_key,
    level_of,
    parse_date,
    parse_yuan,
    printed_label,
    repair_name,
    squash,
    unit_scale,
)
from budgetscope.pipeline.normalize import Line, fold

SEPARATOR = re.compile(r"^[-:|=\s]*$")
MERGED_LABELS = frozenset({"绩效指标", "绩效", "指标", "项目绩效指标"})
UNIT_NOTE = re.compile(r"(?<![\u4e00-\u9fff])(?:金额)?单位\s*[:：]\s*(万?元)(?![\u4e00-\u9fff])")
"""A unit note such as "单位：万元" / "金额单位: 元" that sets the unit of the form's amounts."""

UNIT_HEADERS = frozenset({"单位", "计量单位", "度量单位", "指标单位", "指标值单位"})
UNIT_CELL = re.compile(
    r"^(?:[%‰℃]|[\u4e00-\u9fff]{1,3}|[\u4e00-\u9fff]{1,2}/[\u4e00-\u9fff]{1,2}|[a-zA-Z]{1,4})$"
)
STOP_LABELS = ("备注", "填报人", "审核人", "单位负责人", "联系人", "联系电话", "填报日期")

Cell = tuple[int, str]


@dataclass
class _Header:
    """Columns of the indicator table header (-1 when the header lacks that column)."""

    level1: int = -1
    level2: int = -1
    level3: int = -1
    target: int = -1
    unit: int = -1


def note_scale(text: str) -> Decimal | None:
    """The unit scale a "单位：万元" note states (10000 or 1), None when ``text`` holds no note.

    >>> note_scale("(2026 年度)  单位：万元"), note_scale("金额单位: 元"), note_scale("实施单位：上海市科协")
    (Decimal('10000'), Decimal('1'), None)
    """
    m = UNIT_NOTE.search(fold(text))
    return unit_scale(m.group(1)) if m else None


def read_table_form(rows: list[tuple[Line, str]]) -> FormParse:
    """Read one form from its rows (logical line, raw source line), title line excluded."""
    parse = FormParse()
    form = parse.form
    scale = Decimal(1)
    text_cols: dict[int, str] = {}
    texts: dict[str, list[str]] = {}
    header: _Header | None = None
    in_components = False
    wrap: dict[int, str] = {}
    state: dict[str, str | None] = {"level1": None, "level2": None}
    for ln, raw in rows:
        if not ln.text:
            continue
        cells = [c.strip() for c in raw.split("\t")] if "\t" in raw else [ln.text.strip()]
        if all(SEPARATOR.match(c) for c in cells):
            continue  # a markdown table separator ("--\t-----") left by the converter
        vals: list[Cell] = [(i, c) for i, c in enumerate(cells) if c]
        note = [c for _, c in vals if note_scale(c) is not None and not is_label(c)]
        if note:
            scale = note_scale(note[0]) or scale  # "单位：万元" beside the year or above the table
            vals = [(i, c) for i, c in vals if c not in note]
            if not vals:
                continue
        keys = [label_key(c) for _, c in vals]
        if "一级指标" in keys or ("三级指标" in keys and "二级指标" in keys):
            header = _header(vals)
            in_components = False
            continue
        if header is not None:
            if label_key(vals[0][1]).startswith(STOP_LABELS):
                break
            _indicator_row(vals, header, state, form.indicators)
            continue
        if "子项目名称" in keys:
            in_components = True
            continue
        if any(is_label(c) for _, c in vals):
            in_components = False
            scale = _field_row(vals, form, parse, scale) or scale
            wrap = _value_columns(vals)
            cols = {i: label_key(c) for i, c in vals if label_key(c) in TEXT_LABELS}
            if cols:
                text_cols = cols
            continue
        if in_components:
            _component_row(vals, form.components, scale)
            continue
        if wrap and _continue_fields(vals, "\t" not in raw, wrap, form, parse):
            continue
        wrap = {}
        for i, c in vals:
            if text_cols:
                label = text_cols[max((k for k in text_cols if k <= i), default=min(text_cols))]
                texts.setdefault(label, []).append(c)
    form.texts.update({k: "\n".join(v) for k, v in texts.items() if any(v)})
    return parse


def _field_row(vals: list[Cell], form: Form, parse: FormParse, scale: Decimal) -> Decimal | None:
    """Fill the fields labelled in one row; the last of two equal labels wins. Returns a new unit scale."""
    new_scale: Decimal | None = None
    for n, (_, cell) in enumerate(vals):
        if not is_label(cell):
            continue
        key = label_key(cell)
        if key == "项目资金" or key in AMOUNT_LABELS:
            new_scale = unit_scale(cell) if "元" in cell else new_scale
        value = vals[n + 1][1] if n + 1 < len(vals) and not is_label(vals[n + 1][1]) else None
        if key in AMOUNT_LABELS:
            target = AMOUNT_LABELS[key]
            if target is None:
                continue
            if any(label_key(c) == key for _, c in vals[n + 1 :]):
                continue  # the project-wide column; the annual column's label comes later in the row
            yuan = parse_yuan(value) if value else None
            if yuan is not None:
                form.amounts[target] = yuan * (new_scale or scale)
                form.amount_labels[target] = printed_label(cell)
            continue
        if value is not None and key in TEXT_LABELS:
            form.texts[key] = value
        if value is None or key not in FIELD_LABELS:
            continue
        _set_field(FIELD_LABELS[key], value, form, parse)
    return new_scale


def _value_columns(vals: list[Cell]) -> dict[int, str]:
    """Columns of a field row's one-value fields: {value column: field name, label column: ""}."""
    cols: dict[int, str] = {}
    for n, (i, cell) in enumerate(vals):
        if is_label(cell):
            cols[i] = ""
            key = label_key(cell)
            if key in FIELD_LABELS and n + 1 < len(vals) and not is_label(vals[n + 1][1]):
                cols[vals[n + 1][0]] = FIELD_LABELS[key]
    return cols


def _continue_fields(
    vals: list[Cell], tabless: bool, cols: dict[int, str], form: Form, parse: FormParse
) -> bool:
    """Append a label-less row under a field row to the values it continues ("创新服务与发" / "展项目").

    A cell continues the field whose value column is the nearest at or left of it; a line without
    tabs continues the project name. Returns False (nothing applied) when a cell sits under a label.
    """
    found: list[tuple[str, str]] = []
    for i, cell in vals:
        left = [k for k in cols if k <= i]
        name = "name" if tabless and "name" in cols.values() else (cols[max(left)] if left else "")
        if (
            name not in ("name", "department", "implementer")
            or parse_date(cell)
            or parse_yuan(cell) is not None
        ):
            return False
        found.append((name, cell))
    for name, cell in found:
        if name == "name":
            parse.name = repair_name(f"{parse.name or ''} {cell}")
        else:
            setattr(form, name, repair_name(f"{getattr(form, name) or ''} {cell}"))
    return bool(found)


def _set_field(name: str, value: str, form: Form, parse: FormParse) -> None:
    if name == "name":
        parse.name = repair_name(value)
    elif name in ("nature", "category"):
        setattr(form, name, choice(value))
    elif name in ("department", "implementer"):
        setattr(form, name, value.strip())
    elif name in ("start", "end"):
        setattr(form, name, parse_date(value))


def _component_row(vals: list[Cell], components: list[Component], scale: Decimal) -> None:
    """A 子项目 row: a name cell and an amount cell ("合计" rows are totals, not components)."""
    amounts = [parse_yuan(c) for _, c in vals]
    names = [c for (_, c), a in zip(vals, amounts, strict=True) if a is None]
    yuan = next((a for a in reversed(amounts) if a is not None), None)
    if names and squash(names[0]) not in ("合计", "总计", "小计"):
        components.append(Component(name=names[0], yuan=yuan * scale if yuan is not None else None))


def _header(vals: list[Cell]) -> _Header:
    h = _Header()
    for i, c in vals:
        key = label_key(c)
        if key == "一级指标":
            h.level1 = i
        elif key == "二级指标":
            h.level2 = i
        elif key == "三级指标":
            h.level3 = i
        elif "指标值" in key or "目标值" in key:
            h.target = i
        elif key in UNIT_HEADERS:
            h.unit = i
    return h


def _indicator_row(
    vals: list[Cell], header: _Header, state: dict[str, str | None], out: list[Indicator]
) -> None:
    """Read one indicator row into ``out``; level-1/level-2 labels carry over to the rows below."""
    if vals and squash(vals[0][1]) in MERGED_LABELS:
        vals = vals[1:]  # the merged "绩效 指标" cell, whole or split by a page break
    n = 0
    while n < len(vals) and n < 2 and is_level_label(vals[n][1]):
        if level_of(vals[n][1]) is None and len(vals) - (n + 1) < 2:
            break  # an unknown "…指标" with too few cells after it is the level-3 name
        n += 1
    labels, rest = vals[:n], vals[n:]
    if len(labels) == 2:
        state["level1"], state["level2"] = labels[0][1], labels[1][1]
    elif labels:
        col, label = labels[0]
        level = level_of(label)
        if level is None:
            level = 1 if header.level1 >= 0 and abs(col - header.level1) < abs(col - header.level2) else 2
        if level == 1:
            state["level1"], state["level2"] = label, None
        else:
            state["level2"] = label
    if not rest:
        return
    rest = _join_unit(rest, header)
    if len(rest) == 1:
        col, cell = rest[0]
        is_target = header.target >= 0 and abs(col - header.target) < abs(col - header.level3)
        if is_target and out and not labels and out[-1].target:
            out[-1].target = f"{out[-1].target} {cell}"  # a target wrapped onto the next row
            return
        level3, target = (None, cell) if is_target else (cell, None)
    else:
        level3 = " ".join(c for _, c in rest[:-1])
        target = rest[-1][1]
    out.append(Indicator(level1=state["level1"], level2=state["level2"], level3=level3, target=target))


def _join_unit(rest: list[Cell], header: _Header) -> list[Cell]:
    """Join a unit cell to the value before it ("≥100.00" | "人" -> "≥100.00人").

    The last cell is a unit when it sits in the header's unit column, or (without such a column)
    when it is a short unit word after a numeric value and a level-3 name.
    """
    if len(rest) < 2:
        return rest
    (col, unit), (vcol, value) = rest[-1], rest[-2]
    if header.unit >= 0:
        is_unit = abs(col - header.unit) < abs(col - header.target) and bool(UNIT_CELL.match(squash(unit)))
        if is_unit and len(rest) == 2 and abs(vcol - header.level3) <= abs(vcol - header.target):
            return rest[:1]  # a name with a unit but no value: keep the name, drop the unit
    else:
        is_unit = len(rest) >= 3 and bool(UNIT_CELL.match(squash(unit))) and bool(re.search(r"\d", value))
    if not is_unit:
        return rest
    return [*rest[:-2], (vcol, f"{value}{unit}")]
