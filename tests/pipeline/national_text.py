"""Bundled page excerpts of the national PDFs (corpus/excerpts/text/, listed in corpus/README.md)."""

from __future__ import annotations

from pathlib import Path

from budgetscope.pipeline.normalize import Text, normalize_text

NATIONAL = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "text"


def national(stem: str) -> tuple[Text, str]:
    """The excerpt of ``stem``.pdf as the PDF loader gives its pages (each ending in a form feed),
    normalized, and the PDF's file name."""
    (path,) = NATIONAL.glob(f"{stem}.p*.text")
    source = path.read_text(encoding="utf-8")
    breaks = [i + 2 for i in range(len(source)) if source.startswith("\f\n", i)]
    starts = (0, *breaks[:-1])
    return normalize_text(source, starts), f"{stem}.pdf"
