"""Read the indicator rows of a wrapped-layout performance-target form (see :mod:`.forms_wrapped`).

The rows carry no tabs: a level-1 label ("产出目标") on its own line, then rows such as
"数量目标 科普资源共建共享 100%", "社会效益目标提升上海辖区内公民科学素养 有所提升" (the level-2
label glued to the level-3 name), or a level-2 label over a stack of level-3 names then a stack of
targets. Labels may be broken over lines ("投入和管理目" / "标").

Example:
    >>> [(i.level2, i.level3, i.target) for i in read_indicators(["产出目标", "数量目标", "活动次数", "3次"])]
    [('数量目标', '活动次数', '3次')]
"""

from __future__ import annotations

import re

from budgetscope.models import Indicator
from budgetscope.pipeline.form_labels import LEVEL1, LEVEL2, squash

LEVEL_LABELS = sorted(LEVEL1 | LEVEL2, key=len, reverse=True)
GENERIC_LEVEL2 = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:目标|指标))(?=\s|$)")
TRAILING_TARGET = re.compile(
    r"^(.*?[^\d.,\s])((?:[≥≤=<>＞＜]\s*)?\d+(?:\.\d+)?\s*(?:[%％]|[\u4e00-\u9fff]{1,2})?)$"
)
MERGED_LABEL = re.compile(r"^(?:绩效\s*指标|绩效|指标)(?:\s+|$)")
NUMBERED_TARGET = re.compile(r"(?<=[^\d\s.、．])1[.、．](?=\S)")
LEVEL_PATTERNS = [re.compile("\\s*".join(map(re.escape, label))) for label in LEVEL_LABELS]
TOP_LEVEL = LEVEL1 | {"影响力目标"}
"""Level-1 labels (影响力目标 is the 2019 form's level-1 cell over its 可持续 and 满意度 rows)."""
FAMILIES: dict[str, tuple[str, ...]] = {
    "投入和管理目标": (
        "人员投入",
        "资金投入",
        "设施投入",
        "设备投入",
        "管理目标",
        "项目管理",
        "财务管理",
        "资产管理",
    ),
    "产出目标": ("数量", "质量", "时效", "成本"),
    "效果目标": ("经济效益", "社会效益", "生态效益"),
    "影响力目标": ("可持续", "满意度", "长效管理", "人力资源", "档案管理", "信息共享"),
    "产出指标": ("数量", "质量", "时效"),
    "效益指标": ("经济效益", "社会效益", "生态效益", "可持续"),
    "满意度指标": ("满意度", "服务对象满意度"),
}
"""The level-2 labels each level-1 cell spans, by their start: a level-1 cell printed beside the middle
of its block claims the rows above it that are of its family."""


def is_indicator_header(t: str) -> bool:
    """True for the header row of the indicator table ("一级指标 二级指标 三级指标 …").

    >>> is_indicator_header("一级指标 二级指标 三级指标 指标值"), is_indicator_header("一级指标")
    (True, False)
    """
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


def read_indicators(items: list[str]) -> list[Indicator]:
    """Indicator rows from the lines after the 一级指标 header ("" marks a blank line).

    >>> rows = read_indicators(["产出目标", "数量目标 科普资源共建共享 100%", "社会效益目标提升公民科学素养 有所提升"])
    >>> [(i.level1, i.level2, i.level3, i.target) for i in rows]
    [('产出目标', '数量目标', '科普资源共建共享', '100%'), ('产出目标', '社会效益目标', '提升公民科学素养', '有所提升')]
    """
    items = _join_broken_labels(items)
    out: list[Indicator] = []
    level1: str | None = None
    level2: str | None = None
    n = block = 0
    while n < len(items):
        t = items[n]
        n += 1
        t = MERGED_LABEL.sub("", t)  # the merged "绩效 指标" cell before a row
        if not t:
            continue
        if squash(t) in TOP_LEVEL:
            block = _claim(out, block, level1, t)
            level1, level2 = t, None
            continue
        label, rest = _leading_level(t)
        if label is not None and squash(label) in TOP_LEVEL:
            block = _claim(out, block, level1, label)
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


def _in_family(level1: str | None, level2: str | None) -> bool:
    return bool(level1 and level2) and squash(level2 or "").startswith(
        FAMILIES.get(squash(level1 or ""), ("\0",))
    )


def _claim(out: list[Indicator], block: int, current: str | None, new: str) -> int:
    """Give the level-1 cell ``new`` the rows at the end of the current block that are of its family
    and not of the ``current`` level-1's; returns where ``new``'s block starts."""
    start = len(out)
    while (
        start > block
        and _in_family(new, out[start - 1].level2)
        and not _in_family(current, out[start - 1].level2)
    ):
        start -= 1
    for row in out[start:]:
        row.level1 = new
    return start


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


def _join_wrapped_names(names: list[str]) -> list[str]:
    """Join a level-3 cell wrapped over two lines ("民间学术交流人" / "员投入"): a name as wide as the
    column is followed by a short tail of at most three characters."""
    out: list[str] = []
    for name in names:
        if out and len(squash(out[-1])) >= 6 and len(squash(name)) <= 3:
            out[-1] += name.strip()
        else:
            out.append(name)
    return out


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
    names, targets = _join_wrapped_names(flat[:k]), flat[k:]
    rows: list[tuple[str | None, str | None]] = []
    for n, name in enumerate(names):
        if n == len(names) - 1 and len(targets) > len(names):
            rows.append((name, " ".join(targets[n:])))
        else:
            rows.append((name, targets[n] if n < len(targets) else None))
    return rows


__all__ = ["is_indicator_header", "read_indicators", "split_row"]
