"""Read a performance-target form in the wrapped layout (上海市财政支出项目绩效目标申报表, 2019).

Each label stands at the start of a line, alone ("项目概况") or before its value ("项目名称 百万市民共享科普"),
sometimes broken over lines ("项目设立的必" / "要性"). Check boxes mark the chosen option with ■.
Amounts follow their label, possibly lines later ("同名项目上年预算执行数" / "（元）" / "6234000").
Indicator rows carry no tabs: "数量目标 科普资源共建共享 100%", "社会效益目标提升上海辖区内公民科学素养 有所提升"
(the level-2 label glued to the level-3 name) or a level-2 label over a stack of names then targets.

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> text = normalize_text("项目名称 科协大讲坛\\n项目类型\\n结转项目□    其他一次性项目■\\n")
    >>> parse = read_wrapped_form(text.lines)
    >>> parse.name, parse.form.nature
    ('科协大讲坛', '其他一次性项目')
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetscope.models import Component, Form, Indicator
from budgetscope.pipeline.forms import (
    AMOUNT_LABELS,
    FIELD_LABELS,
    LEVEL1,
    LEVEL2,
    OTHER_LABELS,
    TEXT_LABELS,
    FormParse,
    choice,
    parse_date,
    parse_yuan,
    repair_name,
    squash,
    unit_scale,
)
from budgetscope.pipeline.normalize import Line, fold

CHOICE_FIELDS = ("nature", "category")
AMOUNT_RE = re.compile(
    "(?P<label>"
    + "|".join("[\\s:：]*".join(map(re.escape, k)) for k in sorted(AMOUNT_LABELS, key=len, reverse=True))
    + r")\s*(?:[（(]\s*(?P<unit>万?元)\s*[)）])?\s*[:：]?\s*(?P<num>[-−]?[\d,]+(?:\.\d+)?)?"
)
AMOUNTISH = re.compile(r"^[（(]?\s*万?元\s*[)）]?$|^[\d,.]+$")
COMPONENT = re.compile(r"^(?P<name>.*\S)\s+(?P<num>[\d,]+(?:\.\d+)?)$")
COMPONENT_LABEL = "项目当年投入资金构成"
LEVEL_LABELS = sorted(LEVEL1 | LEVEL2, key=len, reverse=True)
GENERIC_LEVEL2 = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:目标|指标))(?=\s|$)")
TRAILING_TARGET = re.compile(
    r"^(.*?[^\d.,\s])((?:[≥≤=<>＞＜]\s*)?\d+(?:\.\d+)?\s*(?:[%％]|[\u4e00-\u9fff]{1,2})?)$"
)
SEPARATOR = re.compile(r"^[-:|=]+(?:\s+[-:|=]+)*$")
MERGED_LABEL = re.compile(r"^(?:绩效\s*指标|绩效|指标)(?:\s+|$)")
NUMBERED_TARGET = re.compile(r"(?<=[^\d\s.、．])1[.、．](?=\S)")
LABELS: list[tuple[str, str]] = sorted(
    [(k, "field") for k in FIELD_LABELS]
    + [(k, "text") for k in TEXT_LABELS]
    + [(k, "other") for k in OTHER_LABELS if k != "分解目标"]
    + [("分解目标", "indicators")],
    key=lambda kv: len(kv[0]),
    reverse=True,
)
LABEL_PATTERNS = [
    (re.compile(r"(?:^|(?<=\s))" + "\\s*".join(map(re.escape, label)) + r"(?=$|[\s:：])"), label, kind)
    for label, kind in LABELS
]
LEVEL_PATTERNS = [re.compile("\\s*".join(map(re.escape, label))) for label in LEVEL_LABELS]


def read_wrapped_form(lines: list[Line]) -> FormParse:
    """Read one form from its logical lines (title line excluded)."""
    parse = FormParse()
    form = parse.form
    texts: dict[str, list[str]] = {}
    mode, key, pending = "", "", ""
    indicator_lines: list[str] = []
    amount_lines: list[str] = []
    i = 0
    while i < len(lines):
        t = lines[i].text.strip()
        if not t:
            if mode == "indicators":
                indicator_lines.append("")
            i += 1
            continue
        if SEPARATOR.match(t):
            i += 1
            continue  # a markdown table separator ("-- -----") left by a converter
        pairs, after = ([], i) if _is_amount_line(t) else _labels_at(lines, i, fields=not texts)
        if not pairs and mode == "indicators":
            if not _is_indicator_header(t):
                indicator_lines.append(t)
            i += 1
            continue
        if mode == "choice" and not pairs and not _is_amount_line(t) and not _is_dates(t):
            pending += " " + t
            i += 1
            continue
        if mode == "choice":
            setattr(form, key, choice(pending))
            mode = ""
        if pairs:
            for label, kind, value in pairs[:-1]:
                _apply_label(label, kind, value, parse, texts)
            label, kind, value = pairs[-1]
            mode, key = _apply_label(label, kind, value, parse, texts, last=True)
            pending = value if mode == "choice" else ""
            i = after
            if mode == "inline_next":  # "项目名称" alone: the value is the next line
                i = _skip_blank(lines, i)
                if i < len(lines):
                    _set_inline(key, lines[i].text.strip(), parse)
                    i += 1
                mode = ""
            continue
        if _is_dates(t):
            _read_dates(t, form)
        elif _is_amount_line(t) or (mode == "amounts" and AMOUNTISH.match(squash(t))):
            amount_lines.append(t)
            mode = "amounts"
        elif squash(t).startswith("子项目名称"):
            mode, pending = "components", ""
        elif _is_indicator_header(t):
            mode = "indicators"
        elif mode == "components":
            pending = _component_line(t, pending, form.components)
        elif mode == "text":
            texts[key].append(t)
        i += 1
    if mode == "choice":
        setattr(form, key, choice(pending))
    _read_amounts(" ".join(amount_lines), form)
    form.indicators = _indicators(indicator_lines)
    form.texts = {k: "\n".join(v) for k, v in texts.items() if v}
    return parse


def _labels_at(lines: list[Line], i: int, *, fields: bool) -> tuple[list[tuple[str, str, str]], int]:
    """The labels of line ``i`` with their values, when the line starts with a label (joined over up
    to four lines when the label is broken), and the index of the next line to read.

    ``fields=False`` ignores one-value field labels (inside the free texts, "实施单位：…" is prose).
    """
    text = lines[i].text.strip()
    pairs = split_labels(text)
    if pairs and (fields or pairs[0][1] != "field"):
        return pairs, i + 1
    head = squash(text)
    if len(head) < 2:
        return [], i
    for label, kind in LABELS:
        if label.startswith(head) and label != head and (fields or kind != "field"):
            joined, j = head, i + 1
            while j < len(lines) and j - i <= 4 and label.startswith(joined) and joined != label:
                joined += squash(lines[j].text)
                j += 1
            if joined == label:
                return [(label, kind, "")], j
    return [], i


def split_labels(text: str) -> list[tuple[str, str, str]]:
    """(label, kind, value) for each label of a line that starts with one; [] otherwise.

    >>> split_labels("项目性质 其他一次性项目 项目类别 特定目标类")
    [('项目性质', 'field', '其他一次性项目'), ('项目类别', 'field', '特定目标类')]
    """
    key = fold(text)
    src = text if len(key) == len(text) else key
    spans: list[tuple[int, int, str, str]] = []
    for pattern, label, kind in LABEL_PATTERNS:
        spans += [(m.start(), m.end(), label, kind) for m in pattern.finditer(key)]
    spans.sort(key=lambda s: (s[0], s[0] - s[1]))
    chosen: list[tuple[int, int, str, str]] = []
    for span in spans:
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    if not chosen or chosen[0][0] != 0:
        return []
    pairs: list[tuple[str, str, str]] = []
    for n, (_, end, label, kind) in enumerate(chosen):
        stop = chosen[n + 1][0] if n + 1 < len(chosen) else len(src)
        value = src[end:stop].strip(" \t:：\u3000")
        if kind == "text" and value:  # free text runs to the end of the line
            pairs.append((label, kind, src[end:].strip(" \t:：\u3000")))
            break
        pairs.append((label, kind, value))
    return pairs


def _apply_label(
    label: str, kind: str, value: str, parse: FormParse, texts: dict[str, list[str]], *, last: bool = False
) -> tuple[str, str]:
    """Apply one label and its value; returns the reading mode that follows and the key it fills."""
    if kind == "indicators":
        return "indicators", ""
    if kind == "other":
        return "", ""
    if kind == "text":
        texts.setdefault(label, [])
        if value:
            texts[label].append(value)
        return "text", label
    name = FIELD_LABELS[label]
    if name in ("start", "end"):
        if parse_date(value):
            setattr(parse.form, name, parse_date(value))
        return "", ""
    if name in CHOICE_FIELDS:
        if not last:
            setattr(parse.form, name, choice(value))
        return "choice", name
    if not value:
        return ("inline_next", name) if last else ("", "")
    _set_inline(name, value, parse)
    return "", ""


def _set_inline(name: str, value: str, parse: FormParse) -> None:
    if name == "name":
        parse.name = repair_name(value)
    elif name in ("department", "implementer"):
        setattr(parse.form, name, value.strip() or None)


def _skip_blank(lines: list[Line], i: int) -> int:
    while i < len(lines) and not lines[i].text.strip():
        i += 1
    return i


def _is_dates(t: str) -> bool:
    return bool(re.match(r"^(?:计划)?开始(?:时间|日期)", squash(t)))


def _read_dates(t: str, form: Form) -> None:
    """ "开始时间2019年1月1日结束时间2019年12月31日": the date before 结束/完成 starts, the one after ends."""
    s = fold(t)
    cut = re.search(r"(?:结束|完成)(?:时间|日期)", s)
    form.start = parse_date(s[: cut.start()] if cut else s) or form.start
    form.end = (parse_date(s[cut.start() :]) if cut else None) or form.end


def _is_amount_line(t: str) -> bool:
    """A line that starts with an amount label (or the 项目资金 row label before them)."""
    s = fold(t).strip()
    return AMOUNT_RE.match(s) is not None or squash(s).startswith("项目资金")


def _read_amounts(region: str, form: Form) -> None:
    for m in AMOUNT_RE.finditer(fold(region)):
        key = AMOUNT_LABELS.get(re.sub(r"[\s:：]", "", m.group("label")))
        yuan = parse_yuan(m.group("num")) if m.group("num") else None
        if key is not None and yuan is not None:
            scale = unit_scale(m.group("unit") or "") if m.group("unit") else Decimal(1)
            form.amounts[key] = yuan * scale


def _component_line(t: str, pending: str, out: list[Component]) -> str:
    """Read a "name amount" line of the 子项目 table; returns the pending start of a broken name."""
    if squash(t) in COMPONENT_LABEL:
        return pending  # a piece of the merged label cell 项目当年投入 / 资金构成
    m = COMPONENT.match(t)
    if m is None:
        return (pending + t).strip()
    name = (pending + m.group("name")).strip()
    if squash(name) not in ("合计", "总计", "小计"):
        out.append(Component(name=name, yuan=parse_yuan(m.group("num"))))
    return ""


def _is_indicator_header(t: str) -> bool:
    s = squash(t)
    return s.startswith("一级指标") and "三级指标" in s


def _leading_level(t: str) -> tuple[str | None, str]:
    """A level label at the start of ``t`` (known, glued or not; or generic, before a space) and the rest."""
    for pattern in LEVEL_PATTERNS:
        m = pattern.match(t)
        if m:
            return t[: m.end()], t[m.end() :].strip()
    m = GENERIC_LEVEL2.match(t)
    if m:
        return m.group(1), t[m.end() :].strip()
    return None, t


def _indicators(items: list[str]) -> list[Indicator]:
    """Indicator rows from the lines after the 一级指标 header ("" marks a blank line)."""
    items = _join_broken_labels(items)
    out: list[Indicator] = []
    level1: str | None = None
    level2: str | None = None
    n = 0
    while n < len(items):
        t = items[n]
        n += 1
        t = MERGED_LABEL.sub("", t)  # the merged "绩效 指标" cell before a row
        if not t:
            continue
        if squash(t) in LEVEL1:
            level1, level2 = t, None
            continue
        label, rest = _leading_level(t)
        if label is not None and squash(label) in LEVEL1:
            level1, level2 = label, None
            label, rest = _leading_level(rest)
        if label is not None:
            level2 = label
        if rest:
            level3, target = split_row(rest)
            out.append(Indicator(level1=level1, level2=level2, level3=level3, target=target))
            continue
        group: list[str] = []
        while n < len(items) and (not items[n] or _leading_level(items[n])[0] is None):
            group.append(items[n])
            n += 1
        for level3, target in _stacked(group):
            out.append(Indicator(level1=level1, level2=level2, level3=level3, target=target))
    return out


def _join_broken_labels(items: list[str]) -> list[str]:
    """Join a level label broken over lines: "投入和管理目" / "标" -> "投入和管理目标"."""
    out: list[str] = []
    n = 0
    while n < len(items):
        t = items[n]
        head = squash(t)
        if head and not any(head.startswith(x) for x in LEVEL_LABELS):
            for label in LEVEL_LABELS:
                if label.startswith(head):
                    j = n + 1
                    while j < len(items) and not items[j]:
                        j += 1
                    if j < len(items) and head + squash(items[j]) == label:
                        t, n = label, j
                        break
        out.append(t)
        n += 1
    return out


def split_row(rest: str) -> tuple[str | None, str | None]:
    """Split "level-3 name  target" of one indicator row.

    >>> split_row("科普资源共建共享 100%"), split_row("根据活动涉及的专业，跨部门协调效率100%")
    (('科普资源共建共享', '100%'), ('根据活动涉及的专业，跨部门协调效率', '100%'))
    """
    rest = rest.strip()
    m = NUMBERED_TARGET.search(rest)
    if m and re.search(r"\s2[.、．]", rest[m.start() :]):
        return rest[: m.start()].strip(), rest[m.start() :]
    m = re.match(r"^(.*?\S)\s+((?:19|20)\d{2}\s*年.*)$", rest)
    if m:
        return m.group(1), m.group(2)
    parts = re.split(r"\s+(?=\S+$)", rest)
    if len(parts) == 2:
        return parts[0].strip(), parts[1]
    m = TRAILING_TARGET.match(rest)
    if m and len(m.group(1)) >= 2:
        return m.group(1), m.group(2)
    return rest, None


def _name_like(t: str) -> bool:
    s = squash(t)
    return 0 < len(s) <= 10 and not re.search(r"[\d%％，。；;,：:]", s)


def _stacked(group: list[str]) -> list[tuple[str | None, str | None]]:
    """Pair a stack of level-3 names with the stack of targets under one level-2 label."""
    blocks: list[list[str]] = [[]]
    for t in group:
        if t:
            blocks[-1].append(t)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    for n in range(
        len(blocks) - 1, 0, -1
    ):  # a lone one- or two-character tail of a broken cell: "离岸基地工作体" / "系"
        if len(blocks[n]) == 1 and len(squash(blocks[n][0])) <= 2 and not re.search(r"\d", blocks[n][0]):
            blocks[n - 1][-1] += blocks.pop(n)[0]
    if not blocks:
        return []
    flat = [t for b in blocks for t in b]
    if len(flat) == 1:
        return [split_row(flat[0])]
    first = blocks[0]
    if len(first) >= 2 and all(_name_like(t) for t in first):
        k = len(first)
    else:
        k = 1
        while k < len(flat) - 1 and _name_like(flat[k]):
            k += 1
    names, targets = flat[:k], flat[k:]
    rows: list[tuple[str | None, str | None]] = []
    for n, name in enumerate(names):
        if n == len(names) - 1 and len(targets) > len(names):
            rows.append((name, " ".join(targets[n:])))
        else:
            rows.append((name, targets[n] if n < len(targets) else None))
    return rows
