"""Names and texts inside one-line messages: control characters escaped, odd names quoted.

File names and document text are untrusted: a newline in a file name would split a one-line error
(and could fake an ``error:`` line), an ESC sequence would reach the terminal.

Example:
    >>> print(quoted("预算.txt"), quoted("bad\\nname.txt"))
    预算.txt 'bad\\nname.txt'
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(message: str) -> str:
    """A message as one printable line: control characters (newline, ESC, bidi overrides) as escapes.

    >>> one_line("a\\nerror: fake\\x1b[31m")
    'a\\\\nerror: fake\\\\x1b[31m'
    """

    def shown(m: re.Match[str]) -> str:
        c = m.group()
        return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _CONTROL.sub(shown, message)


def quoted(name: object) -> str:
    """A file name for a message: as is when plain, else in quotes with control characters escaped.

    >>> quoted("a.txt"), quoted(" a.txt"), quoted("")
    ('a.txt', "' a.txt'", "''")
    """
    text = str(name)
    if _CONTROL.search(text) or text != text.strip() or not text:
        return "'" + one_line(text).replace("'", "\\'") + "'"
    return text


__all__ = ["one_line", "quoted"]
