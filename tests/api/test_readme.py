"""The README's Python API example runs as written, over a fresh data home."""

from __future__ import annotations

import doctest
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_api_example_runs() -> None:
    from decimal import Decimal

    result = doctest.testfile(
        str(README),
        module_relative=False,
        globs={"Decimal": Decimal},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert result.attempted >= 8
    assert result.failed == 0
