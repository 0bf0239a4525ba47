"""Classify a normalized document: its kind, department and budget year.

The title is looked for among the first short lines of the first page, one to three lines joined
(covers break titles: "国家信访局 / 2024年度部门决算", "2026年度 / 福州市医疗保障局 / 部门预算"),
including running headers that normalization drops. Kinds, across the country's naming:
department_budget (部门预算, 部门综合预算, 部门预算信息公开 and its 情况说明 / 报表 attachments),
unit_budget (单位预算), performance_targets (a file of target tables only), final_accounts (决算),
evaluation_report (绩效评价报告, 自评表), other (a notice, a report).

The department comes from the title ("XX局2026年部门预算", "2026年XX局部门预算") unless that is only
a place ("上海市2026年市级部门预算"), else from a labelled line (预算主管部门 / 部门名称 / 编制部门 /
预算单位 …), else from a notice's issuer ("XX办公厅文件"); （汇总）/（本级） and number codes are
dropped. A department never is a bare place name: a wrong department is worse than none. The year
is the budget (or accounts, or evaluated) year: the title's, else a labelled year, else one in the
file name, else the one most of the document's one-year periods and dates give. Never a year of a
cited title (《…（2021-2035年）的通知》: never a title's first line either), of a range (2021-2035年)
or of a name (a 项目名称 cell, or a line below a table's 项目名称 column head).

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> c = classify(normalize_text("上海市2026年市级部门预算\\n\\n预算主管部门：上海市科学技术协会\\n"))
    >>> (c.kind, c.department, c.year)
    ('department_budget', '上海市科学技术协会', 2026)
    >>> c = classify(normalize_text("西安市审计局（汇总）\\n2026年部门预算公开说明\\n目 录\\n"))
    >>> (c.kind, c.department, c.year)
    ('department_budget', '西安市审计局', 2026)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from budgetscope.models import DocumentKind
from budgetscope.pipeline.dates import find_periods
from budgetscope.pipeline.normalize import PAGE_NUMBER, Text, fold

HEAD_LINES = 40
TITLE_LINES = 12
MAX_TITLE_PIECE = 40
LABELS = (
    "预算主管部门|项目主管部门|主管部门|申报单位名称|申报单位|编制部门|编制单位|部门名称|预算单位名称|预算单位|单位名称"
    "|评价项目单位"
)
DEPARTMENT_LABEL = re.compile(rf"^(?:{LABELS})\s*(?:(?P<sep>[:：\t])|\s(?=\S))\s*(?P<name>.+?)\s*$")
NEXT_LABEL = re.compile(r"(?:\s+|\t)\S{0,6}[:：].*$|\t.*$")
"""What follows a labelled name on the same line: another label ("单位：万元") or another cell."""
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
DATE = re.compile(r"(?<!\d)20\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")
NAME_YEAR = re.compile(r"(?<![0-9])(20[0-4]\d)(?![0-9])")
DOC_NUMBER_YEAR = re.compile(r"[〔\[［(（](20\d{2})[〕\]］)）]\s*\d+\s*号")
CITED = re.compile(r"《[^》]*(?:》|$)|^[^《]*》")
"""A cited title, or the piece of one broken over lines: its years are the cited document's."""
CITATION_LINE = re.compile(r"^(?:根据|依据|按照|依照|落实|贯彻)?《")
YEAR_RANGE = re.compile(r"(?<!\d)20\d{2}\s*年?度?\s*(?:[-~—–―]{1,2}|至|到)\s*(?:20)?\d{2}(?!\d)\s*年?度?")
YEAR_ONLY = re.compile(r"20\d{2}\s*(?:年\s*)?(?:度|全年)?")
NAME_CELL = re.compile(r"(?<!评价项目)名称\s*(?:[(（][^)）]*[)）]?)?\s*[:：]?\s*\S*")
"""A 名称 label and the name after it ("项目名称：2025年…项目"): a name's year is not the document's (but
an evaluation report's 评价项目名称 "2020年度…专项资金绩效评价" dates what it evaluates)."""
NAME_COLUMN = re.compile(
    r"名称\s*(?:[(（][^)）]*[)）]?)?(?:\s*$|\s+(?:\S*名称|金额|预算数|绩效目标)(?:[(（]万元[)）])?(?=\s|$))"
)
"""A table's name column head ("项目名称（资金使", "单位名称 项目名称 金额"): the lines below are its cells."""
KINDS = r"部门(?:综合)?预算|单位预算|部门决算|单位决算|决算|绩效目标(?:申报|填报|汇总|申请)?表|绩效表"
TITLE = re.compile(
    rf"^(?P<pre>.*?)(?P<year>20\d{{2}})年度?(?P<mid>.*?)(?P<kind>{KINDS})"
    r"(?:信息公开|公开说明|情况说明|说明|公开|报表|表|汇总表)?(?:[(（][^)）]*[)）])?$"
)
KIND_PATTERNS: tuple[tuple[DocumentKind, re.Pattern[str]], ...] = (
    ("other", re.compile(r"关于.*(?:通知|意见|办法|批复|决定|公告|通报|函)$|^\S{2,30}(?:文件|公报)$")),
    ("evaluation_report", re.compile(r"绩效评价报告|评价报告$|自评报告|绩效自评表$")),
    ("final_accounts", re.compile(r"(?<!预)决算")),  # not 预决算 (budgets and accounts: a line of work)
    ("unit_budget", re.compile(r"单位预算")),
    ("department_budget", re.compile(r"部门(?:综合)?预算|^预算0?1表|^(?:部门)?收支(?:预算)?总表$")),
    ("performance_targets", re.compile(r"绩效目标(?:申报|填报|汇总|申请)?表|绩效目标表")),
)
"""Title patterns by kind, first match wins within one candidate title (a notice about 部门预算 is a notice)."""
PLACE = re.compile(
    r"^(?:中华人民共和国|中国|[^\s]{1,10}?(?:省|自治区|特别行政区|市|州|盟|地区|新区|区|县|旗|镇|乡|街道))+"
    r"(?:市级|区级|县级|省级|本级)?$"
)
"""A run of place names ("上海市", "上海市浦东新区"): where a budget is from, not who publishes it."""
ORG_SUFFIX = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|办|厅|院|中心|会|部|署|处|所|馆|站|队|学校|大学|学院|政府|公司|社|团|台|室|署|监狱|法院|检察院|集团)$"
)
QUALIFIER = re.compile(r"\s*[(（](?:汇总|本级|部门|单位|合并)[)）]\s*$")
CODE_PREFIX = re.compile(r"^\s*[\[［【]?\d{2,}[\]］】]?\s*[_\-－—:：\s]*")


@dataclass(frozen=True)
class Classification:
    """What a document is: kind, department and year (each None when the text does not say)."""

    kind: DocumentKind
    department: str | None
    year: int | None


def classify(text: Text, name: str | None = None) -> Classification:
    """Classify from the document's head: its title lines and labelled fields; ``name`` (the file
    name) only gives a year the text never states."""
    head = _head(text)
    squashed = [_squash(t) for t in head]
    kind, title = _kind(squashed)
    if kind == "other" and _has_narratives(text):
        kind = "department_budget"
    department = _title_department(title) if title else None
    department = department or _labelled_department(head) or _issuer(squashed, title)
    if department is None and kind in ("department_budget", "performance_targets", "final_accounts"):
        department = _labelled_department([ln.text for ln in text.lines], strict=True)
    year = _year(head, title, name, text)
    return Classification(kind=kind, department=department, year=year)


def _squash(line: str) -> str:
    return re.sub(r"\s+", "", fold(line))


def _head(text: Text) -> list[str]:
    """The first non-blank lines: the raw first page (running headers included), then the normalized ones."""
    end = text.page_starts[1] if text.page_starts and len(text.page_starts) > 1 else len(text.source)
    raw = [ln for ln in text.source[:end].splitlines() if ln.strip() and not PAGE_NUMBER.match(ln)][
        :HEAD_LINES
    ]
    normalized = [ln.text for ln in text.lines if ln.text.strip()][:HEAD_LINES]
    if not raw:
        return normalized
    return raw + [ln for ln in normalized if ln not in raw]


def _kind(squashed: list[str]) -> tuple[DocumentKind, str | None]:
    """The kind and the title it was read from: the first of one to three joined short lines that names a kind."""
    lines = squashed[:TITLE_LINES]
    for i, line in enumerate(lines):
        if (
            not line
            or len(line) > MAX_TITLE_PIECE * 2
            or line.startswith("-")
            or _toc_entry(line)
            or CITATION_LINE.match(line)  # a title never opens with a cited one
        ):
            continue
        windows, joined = [], ""
        for piece in lines[i : i + 3]:
            if len(piece) > MAX_TITLE_PIECE or _toc_entry(piece):
                break
            joined += piece
            windows.append(joined)
        # a notice about budgets ("关于做好2026年部门预算编制工作的通知") is a notice
        notice = next((w for w in windows if KIND_PATTERNS[0][1].search(w)), None)
        if notice is not None:
            return "other", notice
        for window in windows:
            for kind, pattern in KIND_PATTERNS[1:]:
                if pattern.search(window):
                    return kind, window
    return "other", None


def _toc_entry(line: str) -> bool:
    """A table-of-contents entry: a dot leader, or a numbered part ("第二部分 …", "十二、…表")."""
    return bool(
        re.search(r"[.…·]{3,}", line)
        or re.match(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)", line)
    )


def clean_department(name: str | None) -> str | None:
    """A department name without its number code, （汇总）/（本级） and spaces; None for a bare place.

    >>> clean_department("229_烟台市信访局"), clean_department("西安市审计局（汇总）"), clean_department("上海市")
    ('烟台市信访局', '西安市审计局', None)
    """
    if not name:
        return None
    name = QUALIFIER.sub("", CODE_PREFIX.sub("", _squash(name)))
    name = name.strip("：:，,。；;、 ")
    if len(name) < 2 or len(name) > 40 or PLACE.match(name) or re.search(r"\d{3,}|[:：。；]", name):
        return None
    return name


def _title_department(title: str) -> str | None:
    m = TITLE.match(title)
    if not m:
        return None
    for part in (m.group("pre"), m.group("mid")):
        part = re.sub(r"(?:市级|区级|县级|省级|本级)$", "", part)
        name = clean_department(part)
        if name and ORG_SUFFIX.search(name):
            return name
    return None


def _labelled_department(lines: list[str], *, strict: bool = False) -> str | None:
    """The name on a labelled line; ``strict`` (lines past the head): only names ending like an organization."""
    for line in lines:
        folded = fold(line).strip()
        cells = [c.strip() for c in folded.split("\t")]
        candidates = [folded, cells[0]]
        candidates += [f"{a}\t{b}" for a, b in pairwise(cells) if b]
        for cell in candidates:
            m = DEPARTMENT_LABEL.match(cell)
            if not m:
                continue
            name = clean_department(NEXT_LABEL.sub("", m.group("name")))
            # a name after a bare space ("部门名称 北京市商务局") may be a table's header row: only an organization
            if name and ((m.group("sep") and not strict) or ORG_SUFFIX.search(name)):
                return name
    return None


def _issuer(squashed: list[str], title: str | None) -> str | None:
    """A notice's issuer: "XX办公厅文件" on its red header, or the title's "XX关于…的通知"."""
    for line in squashed[:TITLE_LINES]:
        m = re.match(r"^(?P<name>\S{2,30}?)文件$", line)
        if m and ORG_SUFFIX.search(m.group("name")):
            return clean_department(m.group("name"))
    if title:
        m = re.match(r"^(?P<name>\S{2,30}?)关于", title)
        if m and ORG_SUFFIX.search(m.group("name")):
            return clean_department(m.group("name"))
    return None


def _year(head: list[str], title: str | None, name: str | None, text: Text) -> int | None:
    if title and (year := _stated_year(title)):
        return year
    for line in head[:TITLE_LINES]:
        folded = fold(line)
        if NAME_COLUMN.search(folded):
            break  # a table's rows below: names and targets, not the document's year
        if not _toc_entry(_squash(folded)) and (year := _stated_year(_squash(NAME_CELL.sub("", folded)))):
            return year
    for ln in text.lines:  # a table attachment's only year: a "（2026年度）" line under a table title
        m = re.fullmatch(r"[（(](20\d{2})年度?[)）]", _squash(ln.text))
        if m:
            return int(m.group(1))
    if name:
        years = NAME_YEAR.findall(name)
        if len(set(years)) == 1:
            return int(years[0])
    return _dated_year(text) or _doc_number_year([_squash(t) for t in head[:HEAD_LINES]])


def _stated_year(line: str) -> int | None:
    """The year a squashed line states ("2026年", "（2026年度）"), not one cited, of a range or of a date."""
    line = YEAR_RANGE.sub("", CITED.sub("", DATE.sub("", line)))
    m = YEAR.search(line) or re.search(r"[（(](20\d{2})年?度?[)）]", line)
    return int(m.group(1)) if m else None


def _dated_year(text: Text) -> int | None:
    """The year most of the document's one-year periods ("2026年1月1日-12月31日") and dates give; a bare
    "2026年度" is not one (it opens project names: "2026年度广州12345热线平台运营项目")."""
    years: Counter[int] = Counter()
    for ln in text.lines:
        line = CITED.sub("", fold(ln.text))
        periods = [p for p in find_periods(line) if not YEAR_ONLY.fullmatch(p.text)]
        years.update(p.start.year for p in periods if p.start.year == p.end.year)
        years.update(int(m.group(0)[:4]) for m in DATE.finditer(YEAR_RANGE.sub("", line)))
    return years.most_common(1)[0][0] if years else None


def _doc_number_year(squashed: list[str]) -> int | None:
    for line in squashed:
        m = DOC_NUMBER_YEAR.search(line)
        if m:
            return int(m.group(1))
    return None


def _has_narratives(text: Text) -> bool:
    keys = [_squash(ln.text) for ln in text.lines]
    return sum(k in ("一、项目概述", "一、项目概况") for k in keys) >= 1 and any(
        k == "二、立项依据" for k in keys
    )
