"""Indicators written inline in one cell, with coded levels ("1-产出指标；11-数量指标；…").

Each item is "序号、一级；二级；三级；实施周期指标值:X；年度指标值:Y。": levels keep their text after
the numeric code, as printed; the target is the annual value (年度指标值), else the period's.

Example:
    >>> t = "1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:每年≥20场；年度指标值:每年≥20场。2、3-满意度指标；31-服务对象满意度；线下培训效果评价；实施周期指标值:≥4.5分；年度指标值:≥4.5分。"
    >>> [(i.level1, i.level2, i.level3, i.target) for i in inline_indicators(t)]
    [('产出指标', '数量指标', '会议活动保障次数', '每年≥20场'), ('满意度指标', '服务对象满意度', '线下培训效果评价', '≥4.5分')]
"""

from __future__ import annotations

import re

from budgetscope.models import Indicator

ITEM = re.compile(r"(?:^|(?<=[。；;]))\s*\d{1,3}\s*[、.．]\s*(?=\d{1,2}\s*-)")
CODED = re.compile(r"^\s*\d{1,3}\s*-\s*")
VALUE = re.compile(r"^(实施周期指标值|实施期指标值|年度指标值|指标值)\s*[:：]\s*")


def inline_indicators(text: str) -> list[Indicator]:
    """The indicators of an inline cell, in order; items without a name are skipped."""
    flat = re.sub(r"\s+", "", text)
    starts = [m.end() for m in ITEM.finditer(flat)]
    if not starts:
        return []
    items = [flat[a : (starts[i + 1] if i + 1 < len(starts) else len(flat))] for i, a in enumerate(starts)]
    out: list[Indicator] = []
    for item in items:
        item = re.sub(r"\d{1,3}[、.．]$", "", item).rstrip("。；;")
        parts = [p for p in re.split(r"[；;]", item)]
        levels: list[str] = []
        values: dict[str, str] = {}
        names: list[str] = []
        for p in parts:
            m = VALUE.match(p)
            if m:
                values[m.group(1)] = p[m.end() :].rstrip("。")
            elif CODED.match(p) and len(levels) < 2 and not names:
                levels.append(CODED.sub("", p))
            else:
                names.append(p)
        name = "；".join(names).strip()
        if not name:
            continue
        value = values.get("年度指标值") or values.get("指标值") or next(iter(values.values()), "")
        out.append(
            Indicator(
                level1=levels[0] if levels else None,
                level2=levels[1] if len(levels) > 1 else None,
                level3=name,
                target=value or None,
            )
        )
    return out


__all__ = ["inline_indicators"]
