"""Money out exactly: an amount in fen, the one written form of an amount, JSON whose numbers keep every digit.

One rule writes every amount, in every output (JSON of the CLI, the web's ``/api``, ``contract()``
dicts, export JSONL and CSV, the store's decimal text): :func:`money_text`, an exact number in yuan with
two decimals (fen), more only when the amount has more, never rounded, never through float, no
exponent. A plain :class:`~decimal.Decimal` on its way to JSON is an amount; an exact number that is not
one (a target's number, a weight, a percentage) is a :class:`Number` and keeps its digits as they are.

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


def money_text(value: Decimal) -> str:
    """The written form of an amount in yuan: its exact digits without exponent, with two decimals (fen),
    more only when the amount has more (never rounded).

    >>> [money_text(Decimal(t)) for t in ("7150000", "6.272E+6", "1529928300", "1.5", "-260000.000")]
    ['7150000.00', '6272000.00', '1529928300.00', '1.50', '-260000.00']
    >>> money_text(Decimal("0.125")), money_text(Decimal("1234567890123456.78"))
    ('0.125', '1234567890123456.78')
    """
    text = format(value, "f")
    if not value.is_finite():
        return text
    whole, _, decimals = text.partition(".")
    if len(decimals.rstrip("0")) > 2:  # finer than a fen: every digit as it is
        return text
    return f"{whole}.{decimals.rstrip('0'):0<2}"


def money_grouped(value: Decimal | int | float | str) -> str:
    """:func:`money_text` with thousands separators, for people (tables, pages, messages); a float or
    text is read from its decimal text, never computed with.

    >>> money_grouped(Decimal("7150000")), money_grouped(Decimal("-599950000.00")), money_grouped("0.125")
    ('7,150,000.00', '-599,950,000.00', '0.125')
    """
    text = money_text(value if isinstance(value, Decimal) else Decimal(str(value)))
    whole, dot, decimals = text.partition(".")
    if not whole.lstrip("-").isdigit():  # not finite
        return text
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{decimals}"


def money_decimal(value: Decimal) -> Decimal:
    """An amount as it is written (:func:`money_text`): equal to ``value``, its digits those of every output.

    >>> money_decimal(Decimal("600000")), money_decimal(Decimal("1234567890123.45"))
    (Decimal('600000.00'), Decimal('1234567890123.45'))
    """
    return Decimal(money_text(value))


class Number(Decimal):
    """An exact number that is not an amount (a target's number, a weight, a change in percent): JSON and
    CSV write its digits as they are (``96``, ``1.8``, ``-41.2``), where a plain Decimal is money.

    >>> to_json({"value": Number("1.8"), "yuan": Decimal("1.8")})
    '{"value": 1.8, "yuan": 1.80}'
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Number('{self}')"


def number(value: Decimal) -> int | Number:
    """A number that is not an amount, for a contract: an int when whole, else a :class:`Number` (exact).

    >>> number(Decimal("96.0")), number(Decimal("1.8"))
    (96, Number('1.8'))
    """
    return int(value) if value == value.to_integral_value() else Number(value)


def decimal_text(value: Decimal) -> str:
    """How every output writes an exact number: a :class:`Number` as its digits, any other
    :class:`~decimal.Decimal` (an amount) by :func:`money_text`.

    >>> decimal_text(Decimal("7150000")), decimal_text(Number("7150000")), decimal_text(Number("6.272E+6"))
    ('7150000.00', '7150000', '6272000')
    """
    return format(value, "f") if isinstance(value, Number) else money_text(value)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text in which every :class:`~decimal.Decimal` is a JSON number of its exact digits (never a float,
    never a string): an amount as :func:`money_text` writes it, a :class:`Number` as it is.

    >>> to_json({"yuan": Decimal("1234567890123.45"), "text": "12.3万元", "n": [Decimal("6.272E+6")]})
    '{"yuan": 1234567890123.45, "text": "12.3万元", "n": [6272000.00]}'
    """
    token = uuid.uuid4().hex  # a mark no document text can forge

    def marked(v: Any) -> Any:
        if isinstance(v, Decimal) and v.is_finite():
            return f"{token}{decimal_text(v)}{token}"
        if isinstance(v, dict):
            return {k: marked(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [marked(x) for x in v]
        return v

    text = json.dumps(marked(value), ensure_ascii=False, indent=indent)
    return re.sub(f'"{token}(-?[0-9.]+){token}"', r"\1", text)


__all__ = [
    "Number",
    "decimal_text",
    "fen",
    "money_decimal",
    "money_grouped",
    "money_text",
    "number",
    "to_json",
]
