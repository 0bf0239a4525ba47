"""budgetscope: Chinese government budget disclosures as data.

``import budgetscope`` is light; the API loads on first use of one of its names.

Example:
    >>> import budgetscope
    >>> isinstance(budgetscope.__version__, str)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from budgetscope.api import (
        Budgetscope,
        BudgetscopeError,
        SearchFilters,
        extract,
        open,
        process,
        segment,
        to_frame,
    )

_API = (
    "Budgetscope",
    "BudgetscopeError",
    "SearchFilters",
    "extract",
    "open",
    "process",
    "segment",
    "to_frame",
)


def _version() -> str:
    """The installed version (importlib.metadata is imported only when asked: a CLI start does not pay for it)."""
    from importlib import metadata

    try:
        return metadata.version("budgetscope")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name in _API:
        from budgetscope import api

        return getattr(api, name)
    raise AttributeError(f"module 'budgetscope' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names too (they are loaded on first use): ``dir(budgetscope)`` and tab completion list them."""
    return sorted({*__all__, *(n for n in globals() if n.startswith("__"))})


__all__ = [
    "Budgetscope",
    "BudgetscopeError",
    "SearchFilters",
    "__version__",
    "extract",
    "open",
    "process",
    "segment",
    "to_frame",
]
