"""Every error the Python API raises about its input or its data home is a ``budgetscope.BudgetscopeError``
with a one-line message naming what and why (README: "Errors are budgetscope.BudgetscopeError subclasses")."""

from __future__ import annotations

from pathlib import Path

import pytest

import budgetscope


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.txt", b""), ("binary.txt", bytes(range(256)) * 8), ("truncated.pdf", b"%PDF-1.7\n1 0 obj\n<<")],
)
def test_errors_root_bad_files_raise_budgetscope_errors(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for read in (budgetscope.extract, budgetscope.segment):
        with pytest.raises(budgetscope.BudgetscopeError) as caught:
            read(path)
        assert name in str(caught.value) and "\n" not in str(caught.value)


def test_errors_root_missing_file_and_unusable_home(tmp_path: Path) -> None:
    with pytest.raises(budgetscope.BudgetscopeError, match=r"missing\.txt"):
        budgetscope.extract(tmp_path / "missing.txt")
    (tmp_path / "home").write_text("a file where the data home should be", encoding="utf-8")
    with pytest.raises(budgetscope.BudgetscopeError):
        budgetscope.open(tmp_path / "home").projects()


def test_errors_root_each_layers_errors_share_the_root() -> None:
    from budgetscope.api.errors import InvalidQuery
    from budgetscope.index.encoders import EncoderError
    from budgetscope.pipeline.load import LoadError
    from budgetscope.store.export_fields import ExportError
    from budgetscope.store.protocol import StoreError
    from budgetscope.vector.query import VectorIndexError

    for error in (InvalidQuery, EncoderError, LoadError, ExportError, StoreError, VectorIndexError):
        assert issubclass(error, budgetscope.BudgetscopeError)
