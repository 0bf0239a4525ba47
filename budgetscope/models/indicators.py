"""A performance form's indicator row and what its printed target reads as (re-exported by :mod:`budgetscope.models`).

No I/O here. The target stays verbatim in :attr:`Indicator.target`; :class:`Target` is what
:func:`budgetscope.pipeline.targets.parse_target` reads from it (a comparison, an exact number and
its unit, or a qualitative target), copied onto the indicator's :attr:`~Indicator.comparison`,
:attr:`~Indicator.value`, :attr:`~Indicator.unit` and :attr:`~Indicator.qualitative`.

Example:
    >>> from decimal import Decimal
    >>> Target(comparison="≥", value=Decimal("96"), unit="天", qualitative=False).value
    Decimal('96')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from budgetscope.models.money import number

Comparison = Literal["≥", "≤", "=", ">", "<"]
"""A target's comparison, normalized from its printed forms (≧ >= ＞＝ 不少于 … → ≥; ＝ → = …)."""


class Target(BaseModel):
    """A printed target read: ``≥96天`` is ≥, 96, 天; ``良好`` is qualitative (no number).

    ``comparison`` is None when none is printed (``100%``); ``value`` is the number as printed
    (exact; a multiplier stays in the unit: ``≥1.8万人次`` is 1.8 万人次); ``unit`` is as printed,
    width-folded, without its parentheses (``=100.00(%)`` is %); ``qualitative`` is True for a
    target of words only (良好, 有效提升), False for a number.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    comparison: Comparison | None = None
    value: Decimal | None = None
    unit: str | None = None
    qualitative: bool = False


class Indicator(BaseModel):
    """One row of a performance form's three-level indicator table.

    ``target`` is the 指标值 verbatim; ``comparison``, ``value``, ``unit`` and ``qualitative`` are read
    from it (all None when it does not read surely: a range, a date, words around a number);
    ``weight`` is the row's 分值 / 权重 where the form prints one.
    """

    model_config = ConfigDict(extra="forbid")

    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    target: str | None = None
    comparison: Comparison | None = None
    value: Decimal | None = None
    unit: str | None = None
    qualitative: bool | None = None
    weight: Decimal | None = None

    def contract(self) -> dict[str, Any]:
        """The indicator as the record contract writes it (JSON-ready; numbers exact, not money: ints when whole,
        else :class:`~budgetscope.models.money.Number`).

        >>> Indicator(level3="天数", target="≥96天", comparison="≥", value=Decimal("96.0"), unit="天").contract()["value"]
        96
        """
        out = self.model_dump()
        for key in ("value", "weight"):
            out[key] = None if out[key] is None else number(out[key])
        return out


__all__ = ["Comparison", "Indicator", "Target"]
