"""Names and texts inside one-line messages: control characters escaped, odd names quoted.

File names and document text are untrusted: a newline in a file name would split a one-line error
(and could fake an ``error:`` line), an ESC sequence would reach the terminal.

Example:
    >>> print(quoted("预算.txt"), quoted("bad\\nname.txt"))
    预算.txt 'bad\\nname.txt'
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for one.

    >>> counted(1, "project"), counted(3, "project"), counted(2, "project series", "project series")
    ('1 project', '3 projects', '2 project series')
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (at most 200 characters), or its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def one_line(message: str) -> str:
    """A message as one printable line: control characters (newline, ESC, bidi overrides) as escapes.

    >>> one_line("a\\nerror: fake\\x1b[31m")
    'a\\\\nerror: fake\\\\x1b[31m'
    """

    def shown(m: re.Match[str]) -> str:
        c = m.group()
        return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _CONTROL.sub(shown, message)


def place(doc: object, line: object = None, page: object = None) -> str:
    """Where a record or a number stands, on one line: ``doc:line``, ``doc p.N`` (a PDF has pages, not
    lines) or both. The one form of every place a message, a check's ``found`` or a front end writes.

    >>> place("a.txt", 12), place("b.pdf", None, 3), place("c.pdf", 4, 2), place("d.pdf")
    ('a.txt:12', 'b.pdf p.3', 'c.pdf:4 p.2', 'd.pdf')
    """
    out = one_line(str(doc)) + (f":{line}" if line is not None else "")
    return out + (f" p.{page}" if page else "")


def quoted(name: object) -> str:
    """A file name for a message: as is when plain, else in quotes with control characters escaped.

    >>> quoted("a.txt"), quoted(" a.txt"), quoted("")
    ('a.txt', "' a.txt'", "''")
    """
    text = str(name)
    if _CONTROL.search(text) or text != text.strip() or not text:
        return "'" + one_line(text).replace("'", "\\'") + "'"
    return text


_SHELL_SAFE = re.compile(r"[^\s'\"\\$`!*?;&|<>(){}\[\]#~^]+")
_ANSI_C = {"\\": "\\\\", "'": "\\'"}


def shell_word(text: object) -> str:
    r"""``text`` as one word of a shell command a message suggests (``budgetscope remove …``): as is when
    no character needs quoting (国发〔2021〕9号), else single-quoted (``shlex.quote``); a name holding a
    control character (a newline, a tab, ESC) as bash's ``$'…'`` with the character escaped, so the
    command stays on one line, shows nothing raw and still names the file. A word starting with ``-``
    is left for the caller to put ``--`` before.

    >>> print(shell_word("a.txt"), shell_word("the Fire Law"), shell_word('we "q" <b>'))
    a.txt 'the Fire Law' 'we "q" <b>'
    >>> print(shell_word("tab\tname\x1b[31m.txt"), shell_word("b\\s 'q'\n"))
    $'tab\tname\x1b[31m.txt' $'b\\s \'q\'\n'
    """
    import shlex

    word = str(text)
    if _CONTROL.search(word):
        return "$'" + one_line("".join(_ANSI_C.get(c, c) for c in word)) + "'"
    return word if _SHELL_SAFE.fullmatch(word) else shlex.quote(word)


def remove_command(docs: list[str]) -> str:
    """The ``budgetscope remove`` command that takes these stored documents out, each name one shell
    word (:func:`shell_word`), after ``--`` when one starts with ``-``.

    >>> remove_command(["a.txt", "-b.txt", "c d.txt"])
    "budgetscope remove -- a.txt -b.txt 'c d.txt'"
    """
    dashes = "-- " if any(d.startswith("-") for d in docs) else ""
    return f"budgetscope remove {dashes}" + " ".join(shell_word(d) for d in docs)


NOT_BUDGET = "not a budget document: no narratives or forms segmented"
"""The warning a document of another kind carries (a notice, an evaluation report): nothing was read."""

DISK_LOW = 1 << 20
"""Free bytes below which an I/O error of SQLite on a file system is taken for a full disk."""


def disk_full(where: object = "") -> str:
    """The one line for a full disk, naming what could not be written.

    >>> disk_full("store /data/budgetscope.sqlite")
    'no space left on the device (store /data/budgetscope.sqlite); nothing stored was lost, free some space and run again'
    """
    named = f" ({one_line(str(where))})" if where else ""
    return f"no space left on the device{named}; nothing stored was lost, free some space and run again"


def is_disk_full(exc: BaseException, path: str | Path | None = None) -> bool:
    """Whether ``exc`` is a full disk: ENOSPC, SQLite's SQLITE_FULL, or another SQLite I/O error (or a
    file SQLite cannot open) on the file system of ``path`` when it has less than :data:`DISK_LOW` free
    (SQLite reports a shared-memory file it cannot grow as an I/O error)."""
    import shutil
    import sqlite3

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc):
        return True
    if path is None or str(path) == ":memory:" or code not in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
        return False
    folder = Path(path)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < DISK_LOW
    except OSError:
        return False


__all__ = [
    "DISK_LOW",
    "disk_full",
    "first_line",
    "is_disk_full",
    "one_line",
    "place",
    "quoted",
    "remove_command",
    "shell_word",
]
