"""Load a source file: decode text (UTF-8, GB18030) or extract a PDF's text layer.

The only module of the pipeline that touches files. Every failure is a :class:`LoadError` whose
message is one line naming the file and the reason.

Example:
    >>> src = load("corpus/sast-2026-department-budget.txt")
    >>> src.encoding, src.pages
    ('utf-8', None)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 200 * 1024 * 1024
"""Files above this size are refused (a budget document is a few MB at most)."""

PDF_SUFFIXES = {".pdf"}


class LoadError(Exception):
    """A file could not be read as a budget document; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Source:
    """Decoded text of one file. For PDFs, ``page_starts[i]`` is the offset where page i+1 begins."""

    path: Path
    text: str
    encoding: str
    sha1: str
    page_starts: tuple[int, ...] | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def pages(self) -> int | None:
        return len(self.page_starts) if self.page_starts is not None else None

    def page_texts(self) -> list[str]:
        """The text of each page (PDF input); one text for other input."""
        if self.page_starts is None:
            return [self.text]
        ends = [*self.page_starts[1:], len(self.text)]
        return [self.text[a:b] for a, b in zip(self.page_starts, ends, strict=True)]


def load(path: Path | str) -> Source:
    """Read ``path`` as text or PDF.

    Raises :class:`LoadError` for a missing, empty, binary, undecodable, scanned or oversized file.
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(path, "no such file")
    if path.is_dir():
        raise LoadError(path, "is a directory")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(path, "empty file")
    if size > MAX_BYTES:
        raise LoadError(
            path, f"file too large ({size // (1024 * 1024)} MiB > {MAX_BYTES // (1024 * 1024)} MiB)"
        )
    data = path.read_bytes()
    sha1 = hashlib.sha1(data).hexdigest()
    if data.startswith(b"%PDF") or path.suffix.lower() in PDF_SUFFIXES:
        text, starts = _pdf_text(path, data)
        return Source(path, text, "pdf", sha1, starts)
    text, encoding = decode(data, path)
    if not text.strip():
        raise LoadError(path, "no text (only whitespace)")
    return Source(path, text, encoding, sha1)


def decode(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (a superset of GBK)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(path, "binary file, not text or PDF")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _clean(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise LoadError(path, f"invalid UTF-16 ({exc.reason})") from None
    try:
        return _clean(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise LoadError(path, "unknown text encoding (neither UTF-8 nor GB18030/GBK)") from None
    if _cjk_share(text) < 0.2:
        raise LoadError(path, "unknown text encoding (not UTF-8; as GB18030 it is not Chinese text)")
    return _clean(text), "gb18030"


def _clean(text: str) -> str:
    """Unify line ends; drop control characters other than tab and newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(ord(c) < 32 and c not in "\t\n\f" for c in text):
        text = "".join(c for c in text if ord(c) >= 32 or c in "\t\n\f")
    return text


def _cjk_share(text: str) -> float:
    sample = [c for c in text[:20000] if not c.isspace()]
    if not sample:
        return 0.0
    cjk = sum("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in sample)
    return cjk / len(sample)


def _pdf_text(path: Path, data: bytes) -> tuple[str, tuple[int, ...]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pypdfium2 raises PdfiumError for damaged files
        raise LoadError(
            path, f"not a readable PDF ({str(exc).splitlines()[0] if str(exc) else 'damaged'})"
        ) from None
    pages: list[str] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(_clean(textpage.get_text_range()))
            textpage.close()
            page.close()
    except Exception as exc:
        raise LoadError(path, f"PDF is truncated or damaged at page {len(pages) + 1} ({exc})") from None
    finally:
        pdf.close()
    if not pages:
        raise LoadError(path, "PDF has no pages")
    if sum(len(p.strip()) for p in pages) < 20 * len(pages) and sum(len(p.strip()) for p in pages) < 200:
        raise LoadError(path, "PDF has no text layer (scanned?); OCR is needed")
    starts: list[int] = []
    out: list[str] = []
    pos = 0
    for p in pages:
        starts.append(pos)
        chunk = p if p.endswith("\n") else p + "\n"
        chunk += "\f\n"
        out.append(chunk)
        pos += len(chunk)
    return "".join(out), tuple(starts)
