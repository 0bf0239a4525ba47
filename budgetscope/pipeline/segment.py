"""Segment a department budget into its parts and part 七 into project narratives with 7 sections.

A project heading is a short line that either ends in "(项目)经费情况说明" or is directly followed
by a section heading "一、项目概述/概况". Section headings are matched by their number and a name
close to one of the seven canonical names (one dropped or changed character allowed), so lines
inside a section that merely look like headings ("一、海智对接交流活动。…", "三、负责本市…",
"1. …") stay body text. The central template's headings ("1.…一级项目—X项目" / "情况", sections
（1）…（7）) are read the same way; entries of a table of contents never open a narrative or a part,
and the last narrative ends at the next part or at a form's title followed by its fields (a sentence
such as "详见单位的项目绩效目标表" ends nothing).

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> t = normalize_text("甲项目经费情况说明\\n一、项目概述\\n概述。\\n五、实施周期\\n2026年度\\n")
    >>> [(r.name, r.sections["overview"], r.sections["period"], r.sections["goals"]) for r in segment_narratives(t, doc="x.txt")]
    [('甲项目', '概述。', '2026年度', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from budgetscope.models import SECTION_KEYS, Part, Record, Section, stable_id
from budgetscope.pipeline.normalize import Line, Text, fold

SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "overview": ("项目概述", "项目概况", "项目简介", "项目基本情况"),
    "legal_basis": ("立项依据", "项目依据"),
    "implementing_body": ("实施主体", "实施单位"),
    "plan": ("实施方案", "实施计划"),
    "period": ("实施周期", "实施期限", "项目周期"),
    "budget": ("年度预算安排", "预算安排", "年度预算", "资金安排"),
    "goals": ("绩效目标", "年度绩效目标"),
}
"""The template's section names (first) and the variants other departments' templates use."""
SECTION_HEAD = re.compile(
    r"^\s*(?:[-•]\s*)?(?:(?P<num>[一二三四五六七])\s*[、.．，,]?|[(（](?P<pnum>[一二三四五六七1-7])[)）]|(?P<anum>[1-7])\s*[、.．])"
    r"\s*(?P<name>[^\s。；;，,：:]{2,8})\s*[:：]?\s*$"
)
"""A section heading: 一、…七、, （一）…（七）, （1）…（7）, 1.…7. (a number past 七 is never a section)."""
SUFFIX = re.compile(r"(?P<gap>\s*)(?P<xiang>项?)(?P<mu>目?)经费情况说明\s*$")
CENTRAL_SUFFIX = re.compile(r"(?<=项目)\s*情况\s*$")
"""The central template's heading: "1.报全国人大审议的一级项目—信息化运行维护项目情况"."""
CATEGORY_PREFIX = re.compile(r"^.{0,30}?(?:一级|二级|重点|其他)项目\s*[—－\-–―]+\s*")
ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[(（]\d{1,2}[)）])\s*")
PART_NUMBER = re.compile(r"^\s*(?:[-•]\s*)?(?:[一二三四五六七八九十]+\s*、|第[一二三四五六七八九十]+部分)")
"""A top-level part's number: a line starting with it is a part heading, never a project's."""
TOC_ENTRY = re.compile(
    r"^\s*(?:[-•]|[一二三四五六七八九十]+\s*、|第[一二三四五六七八九十]+部分|\d{1,2}\s*[.．、]|[(（][一二三四五六七八九十\d]{1,2}[)）])"
)
LEADERS = re.compile(r"(?:[.…·]{3,}|\s)\s*\d+$")
PART_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("functions", re.compile(r"主要职能$")),
    ("organization", re.compile(r"机构设置$")),
    ("glossary", re.compile(r"^(?:[一二三四五六七、]*)?名词解释$")),
    ("budget_notes", re.compile(r"预算编制说明$")),
    ("budget_tables", re.compile(r"^20\d{2}年.*(?:预算|收支).*表$")),
    ("other_notes", re.compile(r"^(?:[一二三四五六七、]*)?其他相关情况说明$")),
    ("projects", re.compile(r"^(?:[一二三四五六七、]*)?项目经费情况说明$")),
)
MAX_HEADING = 80
FORMS_TITLE = re.compile(r"绩效目标(?:申报|填报|汇总|申请)?表(?:[(（].*[)）])?$")
"""A title of the performance forms that may follow the narratives (ends the last one)."""
FORM_LABEL = re.compile(
    r"^(?:项目名称|项目单位|主管部门|预算单位|单位名称|部门名称|申报单位|实施单位|项目负责人|年度绩效目标|一级指标)"
)
MENTION = re.compile(r"^(?:详见|具体见|参见|见)|[见《》。；;，,]")
"""A line that refers to the forms or tables ("详见单位的项目绩效目标表", "…见附表") is a sentence, no title."""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def section_key(line: str) -> str | None:
    """The section key of a narrative section heading line, or None for any other line.

    >>> section_key("一、项目概况"), section_key("六、年度预算安"), section_key("一、海智对接交流活动。集聚")
    ('overview', 'budget', None)
    >>> section_key("三、项目实施主体"), section_key("（六）预算安排"), section_key("5. 实施期限")
    ('implementing_body', 'budget', 'period')
    """
    if len(line) > 20:
        return None
    m = SECTION_HEAD.match(fold(line))
    if not m:
        return None
    name = m.group("name")
    # "三、项目实施主体", "七、项目绩效目标": the template's names with a leading 项目 (not 项目概述 itself)
    forms = (name, name[2:]) if name.startswith("项目") and len(name) > 5 else (name,)
    for key, names in SECTION_NAMES.items():
        if any(_close(form, n) for form in forms for n in names):
            return key
    return None


def _close(a: str, b: str) -> bool:
    """Equal up to one dropped, added or changed character (for names of 4+ characters)."""
    if a == b:
        return True
    if len(b) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class _Heading:
    index: int
    title: str
    name: str | None


def _next_nonblank(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, min(len(lines), i + 6)):
        if lines[j].text.strip():
            return j
    return None


def project_name(title: str) -> str | None:
    """The project's name from its heading: the heading minus "经费情况说明" (keeping 项目, a year
    prefix and quotes as written), with a dropped 项 repaired and line-wrap spaces removed.
    Linking the same project across years ignores the year (:func:`budgetscope.pipeline.linking.series.series_key`).

    >>> project_name("科技社团创新发展赋能计划 目经费情况说明"), project_name("2023年度科协大院日常运行与维护项目经费情况说明")
    ('科技社团创新发展赋能计划项目', '2023年度科协大院日常运行与维护项目')
    >>> project_name("科普之窗专项经费情况说明"), project_name("2.其他一级项目—信访综合保障项目情况")
    ('科普之窗专项', '信访综合保障项目')
    """
    name = title.strip()
    m = SUFFIX.search(name)
    if m:
        head = re.sub(r"^[一二三四五六七八九十]+\s*[、.．]\s*", "", name[: m.start()])
        if not head.strip() or PART_NUMBER.match(head):
            return None  # a bare "(七、)项目经费情况说明" names no project
        if head.endswith("专") and m.group("xiang") and not m.group("mu"):
            head += "项"  # "…专项经费情况说明": the 项 belongs to 专项
        elif m.group("xiang") or m.group("mu"):
            head += "项目"  # keep 项目; repair "计划 目" (a dropped 项) as well
        name = head
    elif CENTRAL_SUFFIX.search(name):  # "1.报全国人大审议的一级项目—信息化运行维护项目情况"
        name = CATEGORY_PREFIX.sub("", ENUMERATOR.sub("", CENTRAL_SUFFIX.sub("", name)))
    name = re.sub(r"(?<=[\u4e00-\u9fff”》）])\s+(?=[\u4e00-\u9fff“《（])", "", name).strip()
    return name or None


def toc_lines(lines: list[Line]) -> set[int]:
    """Indexes of the table of contents' entries: the numbered, bulleted or page-numbered lines after
    目录; the contents end at the first other line or where an entry's words recur (the body's heading)."""
    out: set[int] = set()
    seen: set[str] = set()
    in_toc = False
    for i, ln in enumerate(lines):
        s = _squash(ln.text)
        if s in ("目录", "目次"):
            in_toc, seen = True, set()
            continue
        if not in_toc or not s:
            continue
        key = LEADERS.sub("", re.sub(r"^[-•]", "", s))
        leaders = re.search(r"[.…·]{3,}\s*\d+", s) is not None
        if any(key in entry for entry in seen) or not (
            leaders or (TOC_ENTRY.match(ln.text) and len(s) <= 40 and s[-1] not in "。；;")
        ):
            in_toc = False
            continue
        seen.add(key)
        out.add(i)
    return out


def _wrapped_heading(lines: list[Line], i: int, skip: set[int]) -> int:
    """The index where the heading ending at line ``i`` starts: the line before when the heading wraps
    ("1.报全国人大审议的一级项目—信息化运行维护项目" / "情况")."""
    text = lines[i].text.strip()
    if i == 0 or len(text) > 6 or i - 1 in skip:
        return i
    before = lines[i - 1].text.strip()
    joined = before + text
    if not before or before.endswith(("。", "；", "，", ";", ",", "：", ":")) or section_key(before):
        return i
    if len(joined) > MAX_HEADING or not any(
        p.search(joined) and not p.search(before) for p in (SUFFIX, CENTRAL_SUFFIX)
    ):
        return i
    return i - 1


def find_project_headings(lines: list[Line], start: int = 0) -> list[_Heading]:
    """Project headings among ``lines[start:]`` (never an entry of the table of contents)."""
    out: list[_Heading] = []
    toc = toc_lines(lines)
    for i in range(start, len(lines)):
        text = lines[i].text.strip()
        if not text or len(text) > MAX_HEADING or "\t" in text or section_key(text) or i in toc:
            continue
        if text.startswith(("-", "•")) or text.endswith(("。", "；", "，", ";", ",")):
            continue
        nxt = _next_nonblank(lines, i)
        next_key = section_key(lines[nxt].text) if nxt is not None else None
        sectioned, followed = next_key is not None, next_key == "overview"
        suffixed = SUFFIX.search(text) is not None
        part = PART_NUMBER.match(fold(text)) or "三公" in text or project_name(text) is None
        if part and not (suffixed and sectioned):
            continue  # a part heading ("四、“三公”经费情况说明", "一、基本情况"), not a project
        if followed or (suffixed and sectioned):
            first = _wrapped_heading(lines, i, toc)
            if first != i:
                text = lines[first].text.strip() + text
            out.append(_Heading(first, text, project_name(text)))
        elif suffixed:
            # a narrative whose sections are all missing still names a project
            out.append(_Heading(i, text, project_name(text)))
    return out


def segment_parts(text: Text) -> list[Part]:
    """The top-level parts of a department budget, ignoring the table of contents."""
    lines = text.lines
    parts: list[Part] = []
    seen: set[str] = set()
    toc = toc_lines(lines)
    for i, ln in enumerate(lines):
        s = _squash(ln.text)
        if not s or i in toc or len(s) > 40 or MENTION.search(s):
            continue
        for key, pattern in PART_PATTERNS:
            if key not in seen and pattern.search(s):
                seen.add(key)
                parts.append(Part(key=key, title=ln.text.strip(), line=ln.line, start=ln.start))
                break
    heads = find_project_headings(lines)
    if heads and "projects" not in seen:
        first = lines[heads[0].index]
        parts.append(Part(key="projects", title=first.text.strip(), line=first.line, start=first.start))
    parts.sort(key=lambda p: p.start)
    for a, b in pairwise(parts):
        a.end = b.start
    if parts:
        parts[-1].end = len(text.source)
    return parts


def segment_narratives(
    text: Text, *, doc: str, department: str | None = None, year: int | None = None
) -> list[Record]:
    """Split part 七 into project narratives, each with all 7 section keys (None = heading absent)."""
    lines = text.lines
    heads = find_project_headings(lines)
    records: list[Record] = []
    for n, head in enumerate(heads):
        end = heads[n + 1].index if n + 1 < len(heads) else _part_end(lines, head.index)
        sections, spans = _sections(text, head.index + 1, end)
        first = lines[head.index]
        records.append(
            Record(
                id=stable_id(doc, "narrative", first.line, head.title),
                kind="narrative",
                doc=doc,
                line=first.line,
                page=first.page,
                department=department,
                year=year,
                title=head.title,
                name=head.name,
                sections=sections,
                section_spans=spans,
                start=first.start,
                end=lines[end - 1].start + len(lines[end - 1].text) if end > head.index + 1 else first.start,
            )
        )
    return records


def _part_end(lines: list[Line], start: int) -> int:
    """Where the last narrative ends: the end of the document, the next top-level part, or the
    first performance form (绩效目标申报表) printed after the narratives."""
    from budgetscope.pipeline.forms import is_form_title

    for i in range(start + 1, len(lines)):
        s = _squash(lines[i].text)
        if not s or len(s) > 40 or MENTION.search(s) or section_key(lines[i].text):
            continue  # "详见单位的项目绩效目标表", "（7）项目绩效目标表": a sentence or a section, no part
        if any(p.search(s) for k, p in PART_PATTERNS if k != "projects"):
            return i
        if (is_form_title(s) or FORMS_TITLE.search(s)) and _form_follows(lines, i):
            return i
    return len(lines)


def _form_follows(lines: list[Line], i: int) -> bool:
    """Whether a form's fields (项目名称 …) follow the title at ``lines[i]`` within a few lines."""
    following = [_squash(ln.text) for ln in lines[i + 1 : i + 30] if ln.text.strip()][:8]
    return any(FORM_LABEL.match(t) for t in following)


def _sections(text: Text, start: int, end: int) -> tuple[dict[str, str | None], dict[str, Section]]:
    """The seven sections of the narrative in ``text.lines[start:end]``; a PDF's body text as paragraphs."""
    lines = text.lines
    marks: list[tuple[int, str]] = []
    last = -1
    for i in range(start, end):
        key = section_key(lines[i].text)
        if key is None:
            continue
        order = SECTION_KEYS.index(key)
        if order > last:
            marks.append((i, key))
            last = order
    sections: dict[str, str | None] = dict.fromkeys(SECTION_KEYS)
    spans: dict[str, Section] = {}
    for m, (i, key) in enumerate(marks):
        stop = marks[m + 1][0] if m + 1 < len(marks) else end
        body = lines[i + 1 : stop]
        content = text.paragraphs(body)
        first = next((ln for ln in body if ln.text.strip()), None)
        sections[key] = content
        spans[key] = Section(
            key=key,
            heading=lines[i].text.strip(),
            text=content,
            line=first.line if first else lines[i].line,
            start=first.start if first else lines[i].start,
            end=(first.start if first else lines[i].start) + len(content),
        )
    return sections, spans
