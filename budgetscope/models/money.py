"""Money out exactly: an amount in fen, a contract amount, JSON whose numbers keep every digit.

No I/O here; nothing imported from the rest of the package.
"""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from typing import Any


def fen(value: Decimal | None) -> int | None:
    """The amount in fen (exact), None when there is none or it is finer than a fen (kept in ``yuan``).

    >>> fen(Decimal("179540.5")), fen(Decimal("60000.00E4")), fen(Decimal("0.125"))
    (17954050, 60000000000, None)
    """
    if value is None or not value.is_finite():
        return None
    cents = value * 100
    return int(cents) if cents == cents.to_integral_value() else None


def _num(value: Decimal) -> int | Decimal:
    """A contract amount: an int when whole, else the Decimal itself (exact; :func:`to_json` writes its digits).

    >>> _num(Decimal("600000.00")), _num(Decimal("1234567890123.45"))
    (600000, Decimal('1234567890123.45'))
    """
    return int(value) if value == value.to_integral_value() else value


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text in which every :class:`~decimal.Decimal` is a JSON number of its exact digits (never a float).

    >>> to_json({"yuan": Decimal("1234567890123.45"), "text": "12.3万元", "n": [Decimal("6.272E+6")]})
    '{"yuan": 1234567890123.45, "text": "12.3万元", "n": [6272000]}'
    """
    token = uuid.uuid4().hex  # a mark no document text can forge

    def marked(v: Any) -> Any:
        if isinstance(v, Decimal) and v.is_finite():
            return f"{token}{v:f}{token}"
        if isinstance(v, dict):
            return {k: marked(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [marked(x) for x in v]
        return v

    text = json.dumps(marked(value), ensure_ascii=False, indent=indent)
    return re.sub(f'"{token}(-?[0-9.]+){token}"', r"\1", text)


__all__ = ["fen", "to_json"]
