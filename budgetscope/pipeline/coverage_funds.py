"""The money a document's count of its project forms comes with: 共计24个一级项目，涉及资金568,368.51万元.

A department budget's 绩效目标 / 情况说明 section that counts its projects with performance targets
often states their money in the same sentence, after the count or just before it:

- ``共计24个一级项目，涉及资金568,368.51万元`` · ``编报绩效目标的项目共4个，涉及项目预算资金2,912.55万元`` ·
  ``共17个项目纳入绩效目标管理，涉及财政性资金合计12,796.25万元`` · ``涉及一级预算项目10个，预算资金2385.28万元``
  (the first amount after the count, within the sentence, no other number between);
- ``涉及预算资金26,361.57万元，设置并编报8个项目绩效目标`` (涉及 … an amount, then the count in the
  next clause);
- the money alone, no count: ``对项目支出全面实施绩效目标管理，涉及预算拨款39,560.87万元`` (国家信访局),
  ``2026年项目支出均实行了绩效目标管理，涉及一般公共预算财政拨款94823.35万元`` (Chongqing): the
  sentence names the projects (项目), not the department as a whole (本部门整体支出…: its
  department-wide form) nor all of it (本部门绩效目标管理全覆盖: projects and basic spending alike).

The label before the amount ends in 资金, 金额, 预算 or 拨款 and is not a part (其中…). Read over the
text with line breaks and white space removed (a PDF's lines break anywhere), width folded.
:mod:`budgetscope.pipeline.coverage` keeps the phrase as a ``stated_funds`` evidence;
:mod:`budgetscope.pipeline.linking.stated_forms` holds it against the forms read.

Example:
    >>> text = "共计24个一级项目,涉及资金568,368.51万元(一级项目绩效目标表,详见表11)。"
    >>> start, end = funds_span(text, 0, len("共计24个一级项目"))
    >>> text[start:end]
    '共计24个一级项目,涉及资金568,368.51万元'
    >>> stated_funds(text[start:end])
    StatedFunds(label='资金', amount='568,368.51万元', yuan=Decimal('5683685100.00'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_LABEL = r"(?P<label>[^,，。;；:：\d]{0,10}?(?:资金|金额|预算|拨款))"
_AMOUNT = (
    r"(?:合计|总额|总计|共计|共)?(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>亿元|万元|元)"
)
AFTER = re.compile(rf"[^。;；\d]{{0,16}}?[,，]?(?:共|合计|总计)?(?:涉及)?{_LABEL}{_AMOUNT}")
"""The money after a count: within the sentence, no number between."""
BEFORE = re.compile(rf"涉及{_LABEL}{_AMOUNT}[,，](?P<gap>[^,，。;；\d]{{0,10}})$")
"""The money before a count: 涉及 … an amount, then the count in the very next clause."""
FUNDS = re.compile(rf"{_LABEL}{_AMOUNT}")
REACH = 60
"""How far before a count a 涉及 … amount may begin."""
ALONE = re.compile(rf"绩效目标管理[^。;；\d]{{0,8}}?[,，]?涉及{_LABEL}{_AMOUNT}")
"""The money of the projects under performance targets, stated without a count."""
_SCALE = {"亿元": Decimal(100_000_000), "万元": Decimal(10_000), "元": Decimal(1)}


@dataclass(frozen=True)
class StatedFunds:
    """The amount a count statement gives its projects: its label (资金, 预算资金 …), as printed, in yuan."""

    label: str
    amount: str
    yuan: Decimal

    @property
    def fiscal(self) -> bool:
        """Whether it is the projects' fiscal money only (财政性资金, 财政拨款, 预算拨款), not all of it."""
        return "财政" in self.label or "拨款" in self.label


def funds_span(joined: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the count statement at ``joined[start:end]`` with the money it comes with, if any."""
    after = AFTER.match(joined, end)
    if after is not None and "其中" not in after["label"]:
        return start, after.end()
    window = joined[max(0, start - REACH) : start]
    before = BEFORE.search(window)
    if before is not None and "其中" not in before["label"]:
        return start - len(window) + before.start(), end
    return None


def funds_alone(joined: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of the money stated for the projects under performance targets without a count (see the
    module), outside ``taken`` (the spans of the count statements and their money)."""
    out = []
    for m in ALONE.finditer(joined):
        lead = joined[max(joined.rfind(ch, 0, m.start()) for ch in "。;；") + 1 : m.start()]
        if "其中" in m["label"] or "项目" not in lead or "整体" in lead:
            continue
        if not any(start < m.end() and m.start() < end for start, end in taken):
            out.append((m.start(), m.end()))
    return out


def stated_funds(phrase: str) -> StatedFunds | None:
    """The money of a ``stated_funds`` phrase (a count and the amount its projects come to).

    >>> stated_funds("涉及预算资金26,361.57万元,设置并编报8个项目绩效目标").yuan
    Decimal('263615700.00')
    """
    m = FUNDS.search(phrase)
    if m is None:
        return None
    label = re.sub(r"^(?:,|，)?(?:共|合计|总计)?(?:涉及)?", "", m["label"])
    return StatedFunds(
        label, m["amount"] + m["unit"], Decimal(m["amount"].replace(",", "")) * _SCALE[m["unit"]]
    )


__all__ = ["AFTER", "ALONE", "BEFORE", "StatedFunds", "funds_alone", "funds_span", "stated_funds"]
