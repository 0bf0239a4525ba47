"""A department budget's own tables (部门财务收支预算总表 …) and the totals its 编制说明 states.

Pure: text in, typed values out. A table is a title line ending in 表, a ``单位：元`` / ``单位：万元``
line and tab-separated rows; each numeric cell becomes a :class:`BudgetLine` with its row name,
its column label and, where the table gives them, the classification code (类/款/项: functional
``2060702``, or economic ``30215``). The 编制说明 paragraph states totals in words
(``收入预算15,544万元``); each becomes a :class:`StatedTotal` with the precision it was written to.

Example:
    >>> text = "2026年部门财务收支预算总表\\n单位：元\\n项目\\t预算数\\n收入总计\\t168,829,035\\n"
    >>> [(b.name, b.column, b.yuan) for t in find_tables(text) for b in t.lines]
    [('收入总计', '预算数', Decimal('168829035'))]
    >>> [(s.label, s.yuan, s.quantum) for s in stated_totals("2026年，某部门收入预算15,544万元。")]
    [('收入预算', Decimal('155440000'), Decimal('10000'))]
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from budgetscope.models.statements import BudgetLine, BudgetTable, StatedTotal, row_key
from budgetscope.pipeline.money import find_amounts

UNIT_SCALE: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
"""Yuan per table unit."""

STATED_LABELS: tuple[str, ...] = (
    "收入预算",
    "支出预算",
    "财政拨款收入",
    "事业收入",
    "事业单位经营收入",
    "其他收入",
    "财政拨款支出预算",
    "一般公共预算拨款支出预算",
    "政府性基金拨款支出预算",
    "国有资本经营预算拨款支出预算",
)
"""What a 编制说明 states in words, longest match wins (一般公共预算拨款支出预算 over 支出预算)."""

STATED_ALIASES: dict[str, str] = {
    "收入预算总计": "收入预算",
    "收入预算合计": "收入预算",
    "支出预算总计": "支出预算",
    "支出预算合计": "支出预算",
}
"""Other words for a stated total (收入预算总计 50,616.94万元 is the 收入预算)."""

_TITLE = re.compile(r"^[^\t\-•·]{2,40}表$")
_UNIT = re.compile(r"^单位\s*[:：]\s*(?P<unit>元|万元|亿元)\s*$")
_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CODE = re.compile(r"^\d{2,3}$")
_EXPLANATION = re.compile(r"^(?:\d{4}年)?部门预算编制说明$")
_SUBJECT = re.compile(r"“(?P<subject>[^”]{2,20})”科目$")
_KEY_LABELS = {"类", "款", "项", "项目", "序号", "预算单位", "单位名称", "本年收入", "本年支出"}
_CLAUSE_BREAK = re.compile(r"[，。；：:,;\n（(]")


def stated_precision(text: str) -> Decimal:
    """The unit of the last written digit of an amount, in yuan.

    >>> stated_precision("17.95万元"), stated_precision("15,544万元"), stated_precision("179,540.00")
    (Decimal('100'), Decimal('10000'), Decimal('0.01'))
    """
    match = re.search(r"\d[\d,]*(?:\s?\.\s?(?P<frac>\d+))?", text)
    decimals = len(match["frac"]) if match and match["frac"] else 0
    exponent = 8 if "亿" in text else 4 if "万" in text else 0
    return Decimal(10) ** (exponent - decimals)


def cell_number(cell: str) -> Decimal | None:
    c = cell.strip().replace("−", "-")
    if not _NUMBER.match(c):
        return None
    try:
        return Decimal(c.replace(",", ""))
    except InvalidOperation:
        return None


def _scheme(header_text: str) -> str | None:
    if "功能分类" in header_text:
        return "functional"
    if "经济分类" in header_text:
        return "economic"
    return None


def _column_labels(headers: list[list[str]]) -> list[str]:
    width = max((len(h) for h in headers), default=0)
    labels = []
    for i in range(width):
        parts = [h[i].strip() for h in headers if i < len(h) and h[i].strip()]
        labels.append("/".join(re.sub(r"\s+", "", p) for p in parts))
    return labels


def _code_positions(labels: list[str]) -> set[int]:
    """Columns holding classification codes: headed 类, 款 or 项 (the last header level), or …编码."""
    return {i for i, lab in enumerate(labels) if lab.split("/")[-1] in ("类", "款", "项") or "编码" in lab}


def _is_value_label(cell: str) -> bool:
    c = re.sub(r"\s+", "", cell)
    return bool(c) and c not in _KEY_LABELS and not c.endswith(("编码", "名称"))


def _row_columns(headers: list[list[str]], rows: list[list[str]], skip: set[int]) -> list[dict[int, str]]:
    """The value-column label of each numeric position, row by row.

    By position when every numeric position sits under a value label; otherwise (PDF-converted
    tables shift header cells and drop trailing empty cells) the value labels of the richest header
    row are laid over each row's last cells, after its code and name cells.
    """
    positional = _column_labels(headers)
    numeric = {
        p for cells in rows for p, c in enumerate(cells) if p not in skip and cell_number(c) is not None
    }
    if all(p < len(positional) and _is_value_label(positional[p].split("/")[-1]) for p in numeric):
        return [{p: positional[p] for p in numeric} for _ in rows]
    best: list[str] = []
    for h in headers:
        labels = [re.sub(r"\s+", "", c) for c in h if _is_value_label(c)]
        if len(labels) >= len(best):
            best = labels
    out = []
    for cells in rows:
        keys = [p for p, c in enumerate(cells) if c.strip() and (p in skip or cell_number(c) is None)]
        start = max((keys[-1] + 1) if keys else 0, len(cells) - len(best))
        out.append({start + j: label for j, label in enumerate(best)})
    return out


def _row_lines(
    cells: list[str],
    number: int,
    title: str,
    unit: str,
    columns: dict[int, str],
    codes: set[int],
    scheme: str | None,
) -> tuple[list[str], list[BudgetLine]]:
    """The names in one table row (a summary row has two: 收入总计 … 支出总计) and its cells as budget lines."""
    code_cells = [cells[i].strip() for i in sorted(codes) if i < len(cells) and _CODE.match(cells[i].strip())]
    code = "".join(code_cells) if scheme and code_cells and len(code_cells[0]) == 3 else None
    names: list[str] = []
    current: str | None = None
    out: list[BudgetLine] = []
    for i, cell in enumerate(cells):
        text = cell.strip()
        if not text or (i in codes and _CODE.match(text)):
            continue
        value = cell_number(text)
        if value is None or i not in columns:
            current = text
            names.append(text)
            continue
        out.append(
            BudgetLine(
                table=title,
                line=number,
                name=current,
                column=columns[i],
                yuan=value * UNIT_SCALE[unit],
                text=text,
                unit=unit,
                code=code,
                scheme=scheme if code else None,
            )
        )
    return names, out


def named_by_code(tables: list[BudgetTable]) -> list[BudgetTable]:
    """Give rows that carry only a code the name another table of the document gives that code."""
    names = {(b.scheme, b.code): b.name for t in tables for b in t.lines if b.code and b.name}
    out = []
    for t in tables:
        lines = tuple(
            replace(b, name=names.get((b.scheme, b.code))) if b.code and b.name is None else b
            for b in t.lines
        )
        out.append(replace(t, lines=lines))
    return out


def find_tables(text: str) -> list[BudgetTable]:
    """Every titled, unit-bearing, tab-separated table of ``text``, in order.

    >>> t = find_tables("2026年部门收入预算总表\\n单位：元\\n功能分类科目编码\\t\\t\\t名称\\t合计\\n类\\t款\\t项\\n"
    ...                 "206\\t07\\t02\\t科普活动\\t1,106,700\\n")[0]
    >>> [(b.code, b.scheme, b.name, b.column, b.yuan) for b in t.lines]
    [('2060702', 'functional', '科普活动', '合计', Decimal('1106700'))]
    """
    lines = text.split("\n")
    tables: list[BudgetTable] = []
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        if not _TITLE.match(title):
            i += 1
            continue
        table, i = _read_table(lines, i, title)
        if table is not None:
            tables.append(table)
    return named_by_code(tables)


def _read_table(lines: list[str], start: int, title: str) -> tuple[BudgetTable | None, int]:
    """Read the table titled at ``lines[start]``; return it (None if empty) and the next line index."""
    unit: str | None = None
    headers: list[list[str]] = []
    rows: list[tuple[int, list[str]]] = []
    i = start + 1
    while i < len(lines):
        raw = lines[i].rstrip("\r")
        stripped = raw.strip()
        i += 1
        if "\t" not in raw:
            m = _UNIT.match(stripped)
            if not stripped or (m and unit is None) or (not rows and stripped.startswith("编制部门")):
                unit = m["unit"] if m and unit is None else unit
                continue
            i -= 1
            break
        cells = raw.split("\t")
        if not rows and not any(cell_number(c) is not None for c in cells):
            headers.append(cells)
        elif [c.strip() for c in cells] not in ([c.strip() for c in h] for h in headers):
            rows.append((i, cells))
    if unit is None or not rows:
        return None, max(i, start + 1)
    return table_from_rows(title, start + 1, unit, headers, rows), i


def table_from_rows(
    title: str,
    line: int,
    unit: str,
    headers: list[list[str]],
    rows: list[tuple[int, list[str]]],
    *,
    pages: dict[int, int] | None = None,
) -> BudgetTable | None:
    """A table from its header rows and its numbered rows of cells (None if no cell holds a number).

    ``pages`` (PDF tables) gives each row number's page; the table's page is its first row's.

    >>> t = table_from_rows("收支总表", 0, "万元", [["项目", "预算数"]], [(2, ["收入总计", "1.5"])], pages={2: 7})
    >>> [(b.name, b.column, b.yuan, b.page) for b in t.lines], t.page
    ([('收入总计', '预算数', Decimal('15000.0'), 7)], 7)
    """
    positional = _column_labels(headers)
    codes = _code_positions(positional)
    ordinals = {p for p, lab in enumerate(positional) if "序号" in lab}
    scheme = _scheme(" ".join(c for h in headers for c in h))
    columns = _row_columns(headers, [cells for _, cells in rows], codes | ordinals)
    found: list[BudgetLine] = []
    names: list[str] = []
    for (number, cells), row_columns in zip(rows, columns, strict=True):
        cells = [("" if p in ordinals and cell_number(c) is not None else c) for p, c in enumerate(cells)]
        row_names, row = _row_lines(cells, number, title, unit, row_columns, codes, scheme)
        names += row_names
        found.extend(replace(b, page=pages.get(number)) if pages else b for b in row)
    if not found:
        return None
    page = pages.get(rows[0][0]) if pages else None
    return BudgetTable(
        title=title, line=line, unit=unit, lines=tuple(found), row_names=tuple(names), page=page
    )


def explanation_text(text: str) -> tuple[int, str] | None:
    """The 部门预算编制说明 paragraphs of ``text`` and the 1-based line they start on, or None."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _EXPLANATION.match(re.sub(r"\s+", "", line)):
            body: list[str] = []
            for nxt in lines[i + 1 :]:
                if _TITLE.match(nxt.strip()) or "\t" in nxt:
                    break
                body.append(nxt)
            return i + 2, "\n".join(body)
    return None


def stated_totals(text: str, *, first_line: int = 1) -> list[StatedTotal]:
    """Totals stated in words: ``收入预算15,544万元``, ``“科学技术支出”科目7,645万元``.

    Only an amount right after one of :data:`STATED_LABELS` (optionally followed by 为) or after a
    quoted 科目 counts; comparisons such as ``比2025年预算减少1,877万元`` do not.

    >>> [(s.label, s.text) for s in stated_totals("其中：财政拨款收入13,331万元，比2025年预算减少1,877万元")]
    [('财政拨款收入', '13,331万元')]
    >>> [s.label for s in stated_totals("“科学技术支出”科目7,645万元，主要用于科普")]
    ['科学技术支出']
    """
    out: list[StatedTotal] = []
    for amount in find_amounts(text, section="explanation"):
        before = text[: amount.start]
        clause = _CLAUSE_BREAK.split(before[-40:])[-1].strip()
        clause = re.sub(r"为$", "", clause)
        subject = _SUBJECT.search(clause)
        label = subject["subject"] if subject else None
        if label is None:
            label = max((lab for lab in (*STATED_LABELS, *STATED_ALIASES) if clause.endswith(lab)), key=len,
                        default=None)  # fmt: skip
            label = STATED_ALIASES.get(label, label) if label else None
        if label is None:
            continue
        line = first_line + before.count("\n")
        out.append(
            StatedTotal(
                label=label,
                text=amount.text,
                yuan=amount.yuan,
                line=line,
                quantum=stated_precision(amount.text),
            )
        )
    return out


def department_statements(text: str) -> tuple[list[BudgetTable], list[StatedTotal]]:
    """The tables and the stated totals of one department budget's text.

    >>> department_statements("没有表格的文字")
    ([], [])
    """
    explanation = explanation_text(text)
    stated = stated_totals(explanation[1], first_line=explanation[0]) if explanation else []
    return find_tables(text), stated


__all__ = [
    "STATED_ALIASES",
    "STATED_LABELS",
    "UNIT_SCALE",
    "BudgetLine",
    "BudgetTable",
    "StatedTotal",
    "cell_number",
    "department_statements",
    "explanation_text",
    "find_tables",
    "named_by_code",
    "row_key",
    "stated_precision",
    "stated_totals",
    "table_from_rows",
]
