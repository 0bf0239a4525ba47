"""The read cache: a file read before by the same pipeline is not read again; a changed file is;
``--no-cache`` reads every file; entries are written whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.api import read_cache
from budgetscope.api.reading import read_documents
from budgetscope.search_cli.app import app

ROOT = Path(__file__).resolve().parents[2]
TEXT = ROOT / "corpus" / "sast-2026-performance-targets.txt"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(read_cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(read_cache.NO_CACHE_ENV, raising=False)
    return tmp_path / "cache"


def test_read_cache_second_read_comes_from_cache(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / TEXT.name
    shutil.copy(TEXT, path)
    (first,), _ = read_documents([path], workers=1)
    entries = list(cache_dir.glob("*/*.json"))
    assert len(entries) == 1 and not list(cache_dir.glob("*/.*.tmp"))  # written whole, no temporary left
    calls: list[Path] = []
    import budgetscope.pipeline.document as document

    real = document.read_document
    monkeypatch.setattr(document, "read_document", lambda p: calls.append(p) or real(p))
    (again,), _ = read_documents([path], workers=1)
    assert calls == [] and again == first  # from the cache, the same document (Decimal amounts exact)
    path.write_text(path.read_text(encoding="utf-8") + "\n附：修改\n", encoding="utf-8")
    read_documents([path], workers=1)
    assert calls == [path]  # changed content: read again
    read_documents([path], workers=1, cache=False)
    assert calls == [path, path]


def test_read_cache_broken_entry_is_read_again(tmp_path: Path, cache_dir: Path) -> None:
    (first,), _ = read_documents([TEXT], workers=1)
    (entry,) = cache_dir.glob("*/*.json")
    entry.write_text("{not json")
    (again,), errors = read_documents([TEXT], workers=1)
    assert again == first and errors == []
    assert json.loads(entry.read_text(encoding="utf-8"))["doc"] == TEXT.name  # rewritten whole


def test_read_cache_cli_no_cache_writes_nothing(cache_dir: Path) -> None:
    result = CliRunner().invoke(app, ["segment", str(TEXT), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["doc"] == TEXT.name
    assert not cache_dir.exists()
    result = CliRunner().invoke(app, ["extract", str(TEXT), "--format", "jsonl"])
    assert result.exit_code == 0 and len(list(cache_dir.glob("*/*.json"))) == 1
