"""How every check compares two amounts and writes one in a message.

Shared by :mod:`.findings`, :mod:`.table_checks` and :mod:`.audits` (each of which makes checks),
so that none of them imports another for it; the checks themselves are
:class:`budgetscope.models.Check`.

Example:
    >>> from decimal import Decimal
    >>> compare(Decimal("179500"), Decimal("179540"), Decimal("100")), yuan_text(Decimal("179540"))
    ('rounded', '179,540元')
"""

from __future__ import annotations

from decimal import Decimal


def compare(stated: Decimal, found: Decimal, quantum: Decimal) -> str:
    """``agree`` when equal, ``rounded`` when equal at the stated precision, else ``disagree``.

    >>> compare(Decimal("600000"), Decimal("600000.00"), Decimal("10000"))
    'agree'
    """
    difference = abs(found - stated)
    if difference == 0:
        return "agree"
    return "rounded" if difference * 2 <= quantum else "disagree"


def yuan_text(value: Decimal) -> str:
    """``179,540元`` / ``17.95元``: an amount for a message."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"
