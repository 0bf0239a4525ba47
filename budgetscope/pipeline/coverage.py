"""Coverage: what a document shows it holds against what was read (never silently short).

A document carries its own evidence of how many projects it describes:

- statements: "涉及一级预算项目10个", "共计24个一级项目", "共17个项目纳入绩效目标管理",
  "设置并编报8个项目绩效目标", "编报绩效目标的项目共4个" — and the money stated with the count
  (…，涉及资金568,368.51万元: a ``stated_funds`` evidence, :mod:`.coverage_funds`), or alone (对项目支出
  全面实施绩效目标管理，涉及预算拨款39,560.87万元: ``stated_funds`` of count 0, which counts no forms);
- performance-form titles (…项目支出绩效目标表, 绩效目标申报表 / 填报表, …绩效表) followed by form
  content on their page, each with its 项目名称 cell: a titled form with a project name is one
  project (a page repeating it for another unit is another form); an empty 项目名称 is a blank
  template; a table without a 项目名称 row (a multi-project table, its title repeated on the
  following pages) is at least one;
- goal tables without a title: a header row naming 项目名称 and 绩效目标 columns;
- a stated 合计 of a forms table against the sum of the forms' amounts read;
- narrative headings: a 项目概述 / 项目概况 section heading in any numbering (一、 （1） 1.).

Statements count only where the document prints forms (a budget that merely says how many
projects have targets, and prints none, holds no forms: that is a note, not a gap). The read side
is the records segmented. ``problems`` also name a narrative section that swallowed thousands of
characters or hundreds of amounts (a missed heading), and a narrative with far fewer section headings
than its document's others (cut off, or headings missed: :mod:`.coverage_narratives`). Department-wide forms (部门整体…) and
self-evaluations (自评表) are not project forms.

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> text = normalize_text("本部门共计3个一级项目纳入绩效目标管理。\\n表11 项目支出绩效表\\n单位名称 项目名称 金额 绩效目标\\n")
    >>> c = assess(text, [])
    >>> (c.forms_expected, c.forms_read, c.short)
    (3, 0, True)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import accumulate

from budgetscope.models import Coverage, Evidence, Record
from budgetscope.pipeline.coverage_funds import funds_alone, funds_span
from budgetscope.pipeline.coverage_narratives import cut_short
from budgetscope.pipeline.normalize import Line, Text, fold
from budgetscope.pipeline.repeats import unrepeated

MAX_TITLE = 60
CONTENT_LINES = 8
FORM_TITLE = re.compile(r"(?:绩效目标(?:申报|填报|申请)?表|项目支出绩效表)(?:[(（][^)）]*[)）]?)?$")
NOT_PROJECT_FORM = re.compile(r"整体|自评|评价表|评分表|汇总表$")
FORM_CONTENT = re.compile(
    r"项目名称|资金名称|单位[:：]|金额单位|绩效指标|一级指标|三级指标|指标名称|年度目标|绩效目标|[(（]20\d{2}年度?[)）]"
)
NAME_LABEL = re.compile(r"^(?:项目名称|专项资金名称|资金名称|项目\(资金\)名称)[:：]?(?P<value>.*)$")
HEADER_WORDS = re.compile(
    r"^(?:[(（]|项目总额|项目类别|项目类型|合计|总计|预算数|金额|资金|单位|主管部门|实施单位|实施期限)"
)
GOAL_TABLE_HEADER = re.compile(r"项目名称.*(?:绩效目标|年度目标)")
STATEMENTS = (
    re.compile(r"涉及(?:一级|二级)?(?:预算)?项目(?P<n>\d{1,4})个"),
    re.compile(r"共计?(?P<n>\d{1,4})个(?:一级|二级)?(?:预算)?项目"),
    re.compile(r"(?P<n>\d{1,4})个(?:一级|二级)?(?:预算)?项目(?:的)?绩效目标"),
    re.compile(r"绩效目标的(?:预算)?项目共(?P<n>\d{1,4})个"),
)
STATEMENT_CONTEXT = 60
TOTAL_ROW = re.compile(r"^合\s*计[:：]?\s*(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,])")
NARRATIVE_HEADING = re.compile(
    r"^(?:[一1][、.．]?|[(（][一1][)）]|第一[节章部分]|[ⅠI][、.．])\s*项目(?:概述|概况|简介|基本情况)$"
)
LEGAL_BASIS_HEADING = re.compile(
    r"^(?:[二2][、.．]?|[(（][二2][)）]|第二[节章部分]|(?:II|Ⅱ)[、.．])\s*(?:项目)?立项依据$"
)
NARRATIVE_REACH = 200
"""A narrative heading counts when its 立项依据 heading follows within this many lines."""
UNIT = re.compile(r"单位[:：]\s*(?P<unit>万元|元)|[(（](?P<unit2>万元|元)[)）]")
SWALLOWED_CHARS = 5000
SWALLOWED_AMOUNTS = 60
AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元|元)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


@dataclass(frozen=True)
class _Occurrence:
    """A performance-form title (or an untitled goal table's header) with what follows it."""

    index: int
    title: str
    page: int | None
    line: int
    name: str | None
    labelled: bool
    shown: str
    """The title as printed (its lines joined)."""


def assess(text: Text, records: list[Record], repeated: Sequence[Record] = ()) -> Coverage:
    """The coverage of one document: its own evidence against ``records`` (pure). ``repeated``: projects
    printed again and read once (:mod:`.repeats`): the form title or heading of each shows nothing more."""
    lines = [ln for ln in text.lines if ln.text.strip()]
    squashed = [_squash(ln.text) for ln in lines]
    coverage = Coverage(
        forms_read=sum(r.kind == "form" for r in records),
        narratives_read=sum(r.kind == "narrative" for r in records),
    )
    occurrences = _form_occurrences(lines, squashed)
    # a table's title repeated on every page was dropped as a running header: look in the source
    if not occurrences and text.page_starts:
        raw = _raw_lines(text)
        raw_squashed = [_squash(ln.text) for ln in raw]
        occurrences = _form_occurrences(raw, raw_squashed)
        if occurrences:
            lines, squashed = raw, raw_squashed
    occurrences = unrepeated(occurrences, lambda o: lines[o.index], [r for r in repeated if r.kind == "form"])
    forms = _count_forms(occurrences, coverage)
    statements = _statements(lines, squashed)
    coverage.evidence += statements
    stated = max((e.count for e in statements), default=0)
    if occurrences:
        coverage.forms_expected = max(forms, stated)
    elif stated:
        coverage.notes.append(f"states {stated} projects with performance targets; prints no target forms")
    _stated_total(lines, squashed, occurrences, records, coverage)
    headings = [
        i
        for i, s in enumerate(squashed)
        if NARRATIVE_HEADING.match(s)
        and not _in_toc(squashed, i)
        and any(LEGAL_BASIS_HEADING.match(x) for x in squashed[i + 1 : i + NARRATIVE_REACH])
    ]
    headings = unrepeated(headings, lambda i: lines[i], [r for r in repeated if r.kind == "narrative"])
    for i in headings:
        coverage.evidence.append(
            Evidence(
                kind="narrative_heading", text=lines[i].text.strip(), page=lines[i].page, line=lines[i].line
            )
        )
    coverage.narratives_expected = len(headings)
    coverage.problems += _swallowed(records)
    coverage.problems += cut_short(records, text_end=len(text.source.rstrip()))
    if coverage.forms_expected and not coverage.forms_read:
        coverage.problems.append("performance forms in a layout that was not recognised (none read)")
    if coverage.narratives_expected and not coverage.narratives_read:
        coverage.problems.append(
            "project narratives under a heading scheme that was not recognised (none read)"
        )
    return coverage


def _in_toc(squashed: list[str], i: int) -> bool:
    """A table-of-contents entry: dot leaders with a page number, or a line among the 目录's first 60."""
    if re.search(r"[.…·]{3,}\d*$", squashed[i]):
        return True
    return any(s in ("目录", "目次") for s in squashed[max(0, i - 60) : i])


def _form_occurrences(lines: list[Line], squashed: list[str]) -> list[_Occurrence]:
    out: list[_Occurrence] = []
    i = 0
    while i < len(lines):
        s, title_end = squashed[i], i
        if not FORM_TITLE.search(s) and i + 1 < len(lines) and len(squashed[i + 1]) <= 12:
            joined = s + squashed[i + 1]  # a title wrapped over two lines ("…项目绩" / "效目标表")
            if FORM_TITLE.search(joined) and lines[i + 1].page == lines[i].page:
                s, title_end = joined, i + 1
        title = FORM_TITLE.search(s) is not None
        header = GOAL_TABLE_HEADER.search(s) is not None and len(s) <= MAX_TITLE
        if (title or header) and _is_occurrence(lines, squashed, i, title_end, s, title):
            name, labelled = _project_name(lines, squashed, title_end + 1 if title else i)
            if header and out and out[-1].page == lines[i].page and i - out[-1].index <= CONTENT_LINES:
                i = title_end + 1  # the header row of the table titled just above
                continue
            shown = "".join(ln.text.strip() for ln in lines[i : title_end + 1])
            out.append(_Occurrence(i, s, lines[i].page, lines[i].line, name, labelled, shown))
        i = title_end + 1
    return out


def _is_occurrence(lines: list[Line], squashed: list[str], i: int, end: int, s: str, title: bool) -> bool:
    if len(s) > MAX_TITLE or re.search(r"[，。；]|详见|见附", s) or NOT_PROJECT_FORM.search(s):
        return False
    if _in_toc(squashed, i) and re.search(r"[.…·]{3,}", s):
        return False
    if not title:
        return True
    after = [
        k for k in range(end + 1, min(len(lines), end + 1 + CONTENT_LINES)) if lines[k].page == lines[i].page
    ]
    if not after or FORM_TITLE.search(squashed[after[0]]):
        return False  # a group heading ("2.其他一级项目绩效目标表") or a list of titles
    return any(FORM_CONTENT.search(squashed[k]) for k in after)


def _project_name(lines: list[Line], squashed: list[str], start: int) -> tuple[str | None, bool]:
    """The 项目名称 cell after a form title: (value or None, whether the label is there)."""
    for k in range(start, min(len(lines), start + CONTENT_LINES)):
        cells = [c for c in re.split(r"\t+|\s{2,}", fold(lines[k].text).strip()) if c]
        first = re.sub(r"\s+", "", cells[0]) if cells else ""
        m = NAME_LABEL.match(first)
        if not m:
            continue
        value = m.group("value") or (re.sub(r"\s+", "", cells[1]) if len(cells) > 1 else "")
        if not value and " " in lines[k].text.strip():
            value = re.sub(r"\s+", "", fold(lines[k].text).strip().split(None, 1)[1])
        if not value and k + 1 < len(lines) and lines[k + 1].page == lines[k].page:
            nxt = squashed[k + 1]
            value = "" if HEADER_WORDS.match(nxt) or re.search(r"主管部门|实施单位|[:：]$", nxt) else nxt
        if value and HEADER_WORDS.match(value):
            return None, False  # a column header: a multi-project table
        return (value or None), True
    return None, False


def _count_forms(occurrences: list[_Occurrence], coverage: Coverage) -> int:
    """Named forms count one each; blank templates none; a table (its title repeated on the next
    pages) at least one."""
    count = 0
    previous: _Occurrence | None = None
    for o in occurrences:
        if o.labelled and o.name is None:
            previous = o
            continue  # a blank template (项目名称 with nothing in it)
        continued = (
            previous is not None
            and not o.labelled
            and not previous.labelled
            and previous.title == o.title
            and o.page is not None
            and previous.page is not None
            and 0 <= o.page - previous.page <= 1
        )
        if not continued:
            count += 1
            kind = "form_title" if o.labelled else "form_table"
            text = o.shown if o.name is None else f"{o.shown} 项目名称 {o.name}"
            coverage.evidence.append(Evidence(kind=kind, text=text, page=o.page, line=o.line))
        previous = o
    return count


def _statements(lines: list[Line], squashed: list[str]) -> list[Evidence]:
    """Statements of how many projects have performance targets (read across line breaks)."""
    starts = [0, *accumulate(len(s) for s in squashed)][:-1]
    joined = "".join(squashed)
    out: list[Evidence] = []
    seen: set[int] = set()
    said: set[tuple[str, str]] = set()
    taken: list[tuple[int, int]] = []
    for pattern in STATEMENTS:
        for m in pattern.finditer(joined):
            context = joined[max(0, m.start() - STATEMENT_CONTEXT) : m.end() + STATEMENT_CONTEXT]
            if "绩效" not in context or m.start() in seen:
                continue
            seen.add(m.start())
            span = funds_span(joined, m.start(), m.end())  # …，涉及资金568,368.51万元
            words = (m.group(0), joined[slice(*span)] if span else "")
            taken.append(m.span())
            if span is not None:
                taken.append(span)
            if words in said:  # the same statement printed again (a page repeated): one statement
                continue
            said.add(words)
            k = bisect_right(starts, m.start()) - 1
            out.append(
                Evidence(kind="statement", text=m.group(0), count=int(m.group("n")), page=lines[k].page,
                         line=lines[k].line)
            )  # fmt: skip
            if span is not None:
                out.append(out[-1].model_copy(update={"kind": "stated_funds", "text": words[1]}))
    for start, end in funds_alone(joined, taken):  # 对项目支出全面实施绩效目标管理，涉及预算拨款…: count 0
        if ("", joined[start:end]) in said:  # printed again: one statement
            continue
        said.add(("", joined[start:end]))
        k = bisect_right(starts, start) - 1
        out.append(Evidence(kind="stated_funds", text=joined[start:end], count=0, page=lines[k].page,
                            line=lines[k].line))  # fmt: skip
    return out


def _stated_total(
    lines: list[Line],
    squashed: list[str],
    occurrences: list[_Occurrence],
    records: list[Record],
    coverage: Coverage,
) -> None:
    """A multi-project table's 合计 row against the sum of the forms' amounts read."""
    tables = [o for o in occurrences if not o.labelled]
    if not tables:
        return
    start = tables[0].index
    for k in range(start, min(len(lines), start + 40)):
        m = TOTAL_ROW.match(fold(lines[k].text).strip())
        if not m:
            continue
        try:
            amount = Decimal(m.group("amount").replace(",", ""))
        except InvalidOperation:
            return
        scale = _unit_scale(squashed, start, k)
        if scale is None:
            return  # a total in an unknown unit is not compared
        coverage.stated_total_yuan = amount * scale
        read = [_form_total(r) for r in records if r.kind == "form"]
        coverage.read_total_yuan = sum((x for x in read if x is not None), Decimal(0))
        coverage.evidence.append(
            Evidence(
                kind="stated_total", text=lines[k].text.strip()[:80], page=lines[k].page, line=lines[k].line
            )
        )
        if coverage.read_total_yuan < coverage.stated_total_yuan:
            gap = coverage.stated_total_yuan - coverage.read_total_yuan
            coverage.problems.append(
                f"stated 合计 {coverage.stated_total_yuan:,.2f} yuan, forms read sum to "
                f"{coverage.read_total_yuan:,.2f} ({gap:,.2f} short)"
            )
        return


def _unit_scale(squashed: list[str], start: int, end: int) -> Decimal | None:
    """Yuan per unit of a table: its own 单位 statement, else the last one printed before it."""
    for k in [*range(max(0, start - 3), end + 1), *range(start - 4, -1, -1)]:
        m = UNIT.search(squashed[k])
        if m:
            return Decimal(10000) if "万元" in m.group(0) else Decimal(1)
    return None


def _raw_lines(text: Text) -> list[Line]:
    """The source's physical lines (running headers included), with their pages."""
    out, offset = [], 0
    for n, raw in enumerate(text.source.splitlines(keepends=True), start=1):
        if raw.strip():
            out.append(Line(text=raw.rstrip("\r\n"), line=n, page=text.page_of(offset), start=offset))
        offset += len(raw)
    return out


def _form_total(record: Record) -> Decimal | None:
    if record.form is None:
        return None
    for key in ("project_total", "annual_total", "fiscal_current"):
        if key in record.form.amounts:
            return record.form.amounts[key]
    return None


def _swallowed(records: list[Record]) -> list[str]:
    """Narrative sections far longer than any section is: a heading was probably not recognised."""
    out = []
    for r in records:
        if r.kind != "narrative":
            continue
        for key, body in r.sections.items():
            if not body:
                continue
            amounts = len(AMOUNT.findall(body))
            if len(body) > SWALLOWED_CHARS or amounts > SWALLOWED_AMOUNTS:
                where = f"line {r.line}" if r.line is not None else f"page {r.page}"
                out.append(
                    f"narrative '{r.name or r.title}' ({where}): section {key} runs {len(body)} characters "
                    f"and {amounts} amounts; a heading was probably not recognised"
                )
    return out


WARNING_PROBLEMS = 3
"""How many of a short document's problems its one-line warning names (the report keeps them all)."""


def warning(coverage: Coverage) -> str:
    """The one-line coverage warning of a short document (prefixed with the document's name where shown).

    >>> warning(Coverage(forms_expected=3, problems=["x"]))
    'coverage short: read 0 of 3 project forms the document shows; x'
    >>> warning(Coverage(problems=list("abcde")))  # doctest: +ELLIPSIS
    'coverage short: a; b; c; and 2 more (see ...)'
    """
    parts = []
    if coverage.forms_read < coverage.forms_expected:
        parts.append(f"read {coverage.forms_read} of {coverage.forms_expected} project forms")
    if coverage.narratives_read < coverage.narratives_expected:
        parts.append(f"read {coverage.narratives_read} of {coverage.narratives_expected} narratives")
    head = "coverage short: " + (" and ".join(parts) + " the document shows" if parts else "")
    shown = coverage.problems[:WARNING_PROBLEMS]
    more = len(coverage.problems) - len(shown)
    detail = "; ".join(shown) + (
        f"; and {more} more (see `budgetscope segment` or the coverage report)" if more else ""
    )
    return head + "; " + detail if parts and detail else head + detail
