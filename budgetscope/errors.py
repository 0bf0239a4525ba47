"""The root of budgetscope's own errors, which every layer may raise.

Each layer names its own errors (:class:`~budgetscope.pipeline.load.LoadError`,
:class:`~budgetscope.store.protocol.StoreError`, :class:`~budgetscope.vector.query.VectorIndexError`,
the application layer's in :mod:`budgetscope.api.errors` …); all of them are
:class:`BudgetscopeError`, so that ``except budgetscope.BudgetscopeError`` catches whatever a call of
the Python API raises about its input or its data home, and ``str(exc)`` is one line naming what and why.

Example:
    >>> from budgetscope.pipeline.load import LoadError
    >>> issubclass(LoadError, BudgetscopeError)
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class BudgetscopeError(Exception):
    """A request that cannot be answered; ``str(exc)`` is a one-line message naming what and why."""


class InvalidQuery(BudgetscopeError, ValueError):
    """A query or an argument the API does not take, as the CLI refuses its options (a usage mistake, exit 2
    there): an empty query, ``top_k`` below 1, a year that is not a whole number, an unknown check kind …"""


class InvalidFilter(InvalidQuery):
    """A search filter the API does not take (an unknown ``kind`` or ``section``, a ``year`` that is not a
    whole number): ``field: why``, as :class:`~budgetscope.models.SearchFilters` names the first bad field.

    >>> from budgetscope.models import SearchFilters
    >>> try:
    ...     SearchFilters(year="2026")
    ... except InvalidFilter as exc:
    ...     print(exc)
    year: Input should be a valid integer
    """


class Option(NamedTuple):
    """An option of the request that a message names: its name as the Python API and the web take it
    (``since``), and the value given, if any."""

    name: str
    value: object = None


Spelling = Callable[[str, object], str]
"""How a front end writes an option it names: :func:`cli_option` or :func:`web_parameter`."""


def cli_option(name: str, value: object = None) -> str:
    """An option as the command line takes it.

    >>> cli_option("since"), cli_option("since", 2026), cli_option("top_k", 5)
    ('--since', '--since 2026', '--top-k 5')
    """
    flag = "--" + name.replace("_", "-")
    return flag if value is None else f"{flag} {value}"


def web_parameter(name: str, value: object = None) -> str:
    """An option as a request to ``serve`` (its pages and JSON API) takes it: a query parameter.

    >>> web_parameter("since"), web_parameter("since", 2026)
    ('since=', 'since=2026')
    """
    return f"{name}=" if value is None else f"{name}={value}"


class NamesOptions(BudgetscopeError):
    """An error whose message names options of the request (give an earlier year with --since): each
    front end writes them its own way (:meth:`said`); ``str(exc)`` writes them as the command line does,
    which prints it as is (also when a ``serve`` answered for it).

    >>> exc = NamesOptions("give an earlier year with ", Option("since"))
    >>> str(exc), exc.said(web_parameter)
    ('give an earlier year with --since', 'give an earlier year with since=')
    """

    def __init__(self, *parts: str | Option) -> None:
        self.parts = parts
        super().__init__(self.said(cli_option))

    def said(self, spell: Spelling) -> str:
        """The message, each option it names written by ``spell``."""
        return "".join(spell(p.name, p.value) if isinstance(p, Option) else p for p in self.parts)


__all__ = [
    "BudgetscopeError",
    "InvalidFilter",
    "InvalidQuery",
    "NamesOptions",
    "Option",
    "Spelling",
    "cli_option",
    "web_parameter",
]
