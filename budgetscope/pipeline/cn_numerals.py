"""Chinese numerals and length-preserving width folding, shared by the money and date parsers.

Two jobs:
- :func:`fold_chars` applies NFKC to the full-width forms only (``１２３``, ``，：（``, ``￥``), one
  character at a time, so offsets in the folded text are offsets in the source text; ``①``, ``²``
  or ``…`` stay as they are (NFKC would turn ``①5万元`` into ``15万元``).
- :func:`parse_cn_integer` and :func:`parse_cn_money` read Chinese numerals, both the financial
  capitals (大写 ``壹拾万``) and the ordinary forms (``三十五``), into exact integers / Decimals.

Example:
    >>> parse_cn_money("叁佰伍拾万元")
    Decimal('3500000')
    >>> fold_chars("２０２６年１月")
    '2026年1月'
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

DIGITS: dict[str, int] = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二贰貳两兩", 2),
    **dict.fromkeys("三叁參", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆陸", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
SMALL_UNITS: dict[str, int] = {
    **dict.fromkeys("十拾", 10),
    **dict.fromkeys("百佰", 100),
    **dict.fromkeys("千仟", 1000),
}
BIG_UNITS: dict[str, int] = {**dict.fromkeys("万萬", 10_000), **dict.fromkeys("亿億", 100_000_000)}

CAPITAL_CHARS = "零壹贰貳叁參肆伍陆陸柒捌玖拾佰仟万萬亿億"
"""Characters of financial-capital (大写) numerals, as a regex character-class body."""
ORDINARY_CHARS = "零〇一二两三四五六七八九十百千万亿"
"""Characters of ordinary Chinese numerals, as a regex character-class body."""
MULTIPLIER_CHARS = "十拾百佰千仟万萬亿億"


def fold_chars(text: str) -> str:
    """NFKC of the full-width forms, one character each; the ideographic space becomes a space.

    >>> fold_chars("３５０，０００元（约）")
    '350,000元(约)'
    >>> len(fold_chars("预算…①")) == len("预算…①")
    True
    """
    out = []
    for ch in text:
        if "\uff00" <= ch <= "\uffef":
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if len(folded) == 1 else ch)
        else:
            out.append(" " if ch == "\u3000" else ch)
    return "".join(out)


def parse_cn_integer(text: str) -> int | None:
    """A Chinese numeral as an int; None when ``text`` is not one.

    Accepts positional digit strings (``二〇二六`` -> 2026) and unit forms, ordinary or 大写
    (``三十五``, ``壹佰贰拾叁万肆仟``, ``十二``).

    >>> parse_cn_integer("壹佰贰拾叁万肆仟伍佰陆拾柒")
    1234567
    >>> parse_cn_integer("二〇二六")
    2026
    >>> parse_cn_integer("万") is None
    True
    """
    if not text or any(ch not in DIGITS and ch not in SMALL_UNITS and ch not in BIG_UNITS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = section = 0
    number: int | None = None
    seen_value = False
    for ch in text:
        if ch in DIGITS:
            if number is not None and number != 0 and DIGITS[ch] != 0:
                return None  # two digits in a row inside a unit form ("一二十")
            number = DIGITS[ch]
            seen_value = seen_value or number != 0
        elif ch in SMALL_UNITS:
            if number == 0:
                return None
            section += (1 if number is None else number) * SMALL_UNITS[ch]
            number = None
            seen_value = True
        else:
            if not seen_value:
                return None
            unit = BIG_UNITS[ch]
            value = section + (number or 0)
            if unit > 10_000:
                total = (total + value) * unit
            else:
                total += value * unit
            section, number = 0, None
    return total + section + (number or 0) if seen_value else None


def parse_cn_money(text: str) -> Decimal | None:
    """A Chinese-numeral money expression (``壹拾万元整``, ``叁佰元伍角``, ``三十万元``) in yuan.

    The integer part ends with 元 (or 圆); 角 and 分 may follow; a trailing 整/正 is ignored.

    >>> parse_cn_money("壹拾万元整")
    Decimal('100000')
    >>> parse_cn_money("壹佰贰拾叁元肆角伍分")
    Decimal('123.45')
    >>> parse_cn_money("元") is None
    True
    """
    body = text.strip().removesuffix("整").removesuffix("正")
    for mark in "元圆":
        if mark in body:
            head, _, tail = body.partition(mark)
            break
    else:
        return None
    yuan = parse_cn_integer(head)
    if yuan is None:
        return None
    value = Decimal(yuan)
    for unit, scale in (("角", Decimal("0.1")), ("分", Decimal("0.01"))):
        if unit not in tail:
            continue
        digit, _, rest = tail.partition(unit)
        digit = digit.removeprefix("零")
        if len(digit) != 1 or digit not in DIGITS:
            return None
        value += DIGITS[digit] * scale
        tail = rest
    return value if not tail else None


__all__ = [
    "CAPITAL_CHARS",
    "MULTIPLIER_CHARS",
    "ORDINARY_CHARS",
    "fold_chars",
    "parse_cn_integer",
    "parse_cn_money",
]
