"""Segment performance-target forms (绩效目标申报表) into fields and indicator rows.

Two layouts occur. The table layout (``财政项目支出绩效目标申报表``) has one table row per line
with tab-separated cells whose columns shift across page breaks; :mod:`.forms_table` reads it.
The older wrapped layout (``上海市财政支出项目绩效目标申报表``) has one label per line, □/■
check boxes, labels broken over lines and indicator rows without tabs; :mod:`.forms_wrapped`
reads it. Both give a :class:`~budgetscope.models.Form`; this module finds the forms, picks the
layout and builds one ``Record(kind="form")`` per form.

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> text = normalize_text("财政项目支出绩效目标申报表\\n(2026 年度)\\n项目名称\\t机关服务费\\t项目性质\\t其他一次性项目\\n")
    >>> [(r.line, r.name, r.year, r.form.nature) for r in segment_forms(text, doc="t.txt", department=None, year=None)]
    [(1, '机关服务费', 2026, '其他一次性项目')]
"""

from __future__ import annotations

import re
from itertools import pairwise

from budgetscope.models import Record, stable_id
from budgetscope.pipeline.form_labels import (
    AMOUNT_LABELS,
    FIELD_LABELS,
    LEVEL1,
    LEVEL2,
    OTHER_LABELS,
    TEXT_LABELS,
    TITLE,
    YEAR,
    FormParse,
    squash,
    title_text,
)
from budgetscope.pipeline.normalize import Line, Text, fold


def is_form_title(line: str) -> bool:
    """True for a form's title line such as 财政项目支出绩效目标申报表.

    >>> is_form_title("上海市财政支出项目绩效目标申报表"), is_form_title("上海市科学技术协会 2026 年度项目绩效目标汇总表")
    (True, False)
    """
    return bool(TITLE.match(squash(line)))


def form_starts(lines: list[Line]) -> list[int]:
    """Indexes of title lines followed by a 项目名称 within 8 lines with no other title between them."""
    starts: list[int] = []
    for i, ln in enumerate(lines):
        if not ln.text or not is_form_title(ln.text):
            continue
        following = [x.text for x in lines[i + 1 : i + 40] if x.text][:8]
        name_at = next((k for k, t in enumerate(following) if squash(t).startswith("项目名称")), None)
        if name_at is not None and not any(is_form_title(t) for t in following[:name_at]):
            starts.append(i)
    return starts


def _label_start_re() -> re.Pattern[str]:
    labels = [*FIELD_LABELS, *AMOUNT_LABELS, *TEXT_LABELS, *OTHER_LABELS, "子项目名称", "一级指标"]
    alternatives = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(labels, key=len, reverse=True))
    levels = "|".join(map(re.escape, sorted(LEVEL1 | LEVEL2, key=len, reverse=True)))
    return re.compile(rf"^(?:(?:{alternatives})(?=$|[\s:：(（])|{levels})")


LABEL_START = _label_start_re()
BROKEN_LABELS = (*TEXT_LABELS, *LEVEL1)
"""Labels that a narrow cell breaks over two lines ("项目设立的必" / "要性", "投入和管理目" / "标")."""


def _label_pieces(pieces: list[str]) -> list[bool]:
    """Which pieces of a joined line start a label (or a title), or are half of a broken label."""
    keys = [squash(p) for p in pieces]
    flags = [is_form_title(p) or bool(LABEL_START.match(fold(p).strip())) for p in pieces]
    for n in range(len(keys) - 1):
        if keys[n] and keys[n + 1] and keys[n] + keys[n + 1] in BROKEN_LABELS:
            flags[n] = flags[n + 1] = True
    if len(keys[-1]) >= 4 and any(k.startswith(keys[-1]) and k != keys[-1] for k in BROKEN_LABELS):
        flags[-1] = True
    if len(keys[0]) >= 2 and any(k.endswith(keys[0]) and k != keys[0] for k in TEXT_LABELS):
        flags[0] = True
    return flags


def unjoin_labels(text: Text) -> list[Line]:
    """``text.lines`` with joined lines cut again where a joined piece is a form label or title.

    A fixed-width PDF layout makes the normalizer join a cell's last line with the label below it
    ("…赋予科协组织的重要任务，也" + "立项依据"); the form needs the label on its own line.
    """
    out: list[Line] = []
    for ln in text.lines:
        if not ln.pieces:
            out.append(ln)
            continue
        bounds = [p[0] for p in ln.pieces] + [len(ln.text)]
        flags = _label_pieces([ln.text[a:b] for a, b in pairwise(bounds)])
        cuts = [0] + [bounds[n] for n in range(1, len(flags)) if flags[n] or flags[n - 1]] + [len(ln.text)]
        if len(cuts) == 2:
            out.append(ln)
            continue
        for a, b in pairwise(cuts):
            pieces = tuple((p - a, src) for p, src in ln.pieces if a <= p < b)
            src = pieces[0][1]
            page = text.page_of(src) if ln.page is not None else None
            out.append(Line(ln.text[a:b], text.line_of(src), page, src, pieces if len(pieces) > 1 else ()))
    return out


def is_form_document(text: Text) -> bool:
    """True when the text holds at least one performance-target form (a cheap check).

    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> is_form_document(normalize_text("上海市财政支出项目绩效目标申报表\\n(2019年 )\\n项目名称 百万市民共享科普\\n"))
    True
    """
    return bool(form_starts(unjoin_labels(text)))


def segment_forms(text: Text, *, doc: str, department: str | None, year: int | None) -> list[Record]:
    """One ``Record(kind="form")`` per performance-target form in ``text``, in document order.

    ``department`` and ``year`` (from the classifier) fill in what a form does not print.
    Returns [] for a text without forms (a department budget, an empty text).

    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> segment_forms(normalize_text("一、项目概述\\n"), doc="x.txt", department=None, year=2026)
    []
    """
    from budgetscope.pipeline.forms_table import read_table_form
    from budgetscope.pipeline.forms_wrapped import read_wrapped_form

    lines = unjoin_labels(text)
    starts = form_starts(lines)
    raw = text.source.split("\n")
    records: list[Record] = []
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        stop = next((j for j in range(i + 1, stop) if lines[j].text and is_form_title(lines[j].text)), stop)
        block = lines[i:stop]
        title = block[0]
        body = block[1:]
        rows = [(ln, raw[ln.line - 1] if 0 < ln.line <= len(raw) else ln.text) for ln in body]
        tabbed = sum("\t" in r for ln, r in rows if ln.text)
        filled = sum(1 for ln in body if ln.text)
        parse = read_table_form(rows) if filled and tabbed >= 0.4 * filled else read_wrapped_form(body)
        form = parse.form
        last = next((ln for ln in reversed(block) if ln.text), title)
        records.append(
            Record(
                id=stable_id(doc, "form", title.line),
                kind="form",
                doc=doc,
                line=title.line,
                page=title.page,
                department=form.department or department,
                year=_year_of(title, body) or parse.year or year,
                title=title_text(title.text),
                name=parse.name,
                form=form,
                start=title.start,
                end=last.source_offset(len(last.text)),
            )
        )
    return records


def _year_of(title: Line, body: list[Line]) -> int | None:
    """The year printed in the title or in the lines before 项目名称: "(2026 年度)", "(2019年 )"."""
    for ln in [title, *body[:6]]:
        if squash(ln.text).startswith("项目名称"):
            break
        m = YEAR.search(fold(ln.text))
        if m:
            return int(m.group(1))
    return None


__all__ = ["FormParse", "is_form_document", "is_form_title", "segment_forms", "unjoin_labels"]
