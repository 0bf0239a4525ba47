"""Files read in parallel processes come back in input order, with one error line per bad file,
the same as read in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.api.reading import WORKERS_ENV, read_documents, workers_for

ROOT = Path(__file__).resolve().parents[2]
EXCERPTS = ROOT / "corpus" / "excerpts"
TEXT = ROOT / "corpus" / "sast-2026-performance-targets.txt"


def test_reading_parallel_keeps_order_and_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    paths = [
        EXCERPTS / "xian-audit-2026-p37-38.pdf",
        tmp_path / "missing.pdf",
        TEXT,
        empty,
        EXCERPTS / "yantai-civil-affairs-2026-p34.pdf",
    ]
    docs, errors = read_documents(paths, workers=2)
    assert [d.doc for d in docs] == [
        "xian-audit-2026-p37-38.pdf",
        TEXT.name,
        "yantai-civil-affairs-2026-p34.pdf",
    ]
    assert len(errors) == 2 and all("\n" not in e for e in errors)
    assert "missing.pdf" in errors[0] and "no such file" in errors[0]
    assert "empty.txt" in errors[1] and "empty file" in errors[1]
    one_docs, one_errors = read_documents(paths, workers=1)
    assert [d.contract() for d in docs] == [d.contract() for d in one_docs]
    assert errors == one_errors
    assert any(r.kind == "form" for r in docs[0].records)  # the PDF's forms were read in the worker


def test_reading_workers_by_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    texts = [TEXT, ROOT / "corpus" / "sast-2026-department-budget.txt"]
    assert workers_for(texts) == 1  # a few text files: starting a worker costs more than it saves
    assert workers_for([EXCERPTS / "xian-audit-2026-p37-38.pdf"]) == 1
    assert 1 <= workers_for([TEXT, EXCERPTS / "xian-audit-2026-p37-38.pdf"]) <= 2
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert workers_for(texts) == 2  # never more than the files
    monkeypatch.setenv(WORKERS_ENV, "1")
    assert workers_for([TEXT, EXCERPTS / "xian-audit-2026-p37-38.pdf"]) == 1
