"""Read a performance-target form in the wrapped layout (上海市财政支出项目绩效目标申报表, 2019).

Each label stands at the start of a line, alone ("项目概况") or before its value ("项目名称 百万市民共享科普"),
sometimes broken over lines ("项目设立的必" / "要性"). Check boxes mark the chosen option with ■.
Amounts follow their label, possibly lines later ("同名项目上年预算执行数" / "（元）" / "6234000").
The indicator rows after the "一级指标 … 三级指标" header carry no tabs; :mod:`.forms_indicators` reads them.

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

from budgetscope.models import Component, Form
from budgetscope.pipeline.form_labels import (
    AMOUNT_LABELS,
    FIELD_LABELS,
    OTHER_LABELS,
    TEXT_LABELS,
    FormParse,
    choice,
    parse_date,
    parse_yuan,
    printed_label,
    repair_name,
    squash,
    unit_scale,
)
from budgetscope.pipeline.forms_indicators import is_indicator_header, read_indicators, split_row
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
SEPARATOR = re.compile(r"^[-:|=]+(?:\s+[-:|=]+)*$")
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
            if not is_indicator_header(t):
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
        elif is_indicator_header(t):
            mode = "indicators"
        elif mode == "components":
            pending = _component_line(t, pending, form.components)
        elif mode == "text":
            texts[key].append(t)
        i += 1
    if mode == "choice":
        setattr(form, key, choice(pending))
    _read_amounts(" ".join(amount_lines), form)
    form.indicators = read_indicators(indicator_lines)
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
            form.amount_labels[key] = printed_label(m.group("label"))


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


__all__ = ["read_wrapped_form", "split_labels", "split_row"]
