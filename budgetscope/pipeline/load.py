"""Load a source file: decode text (UTF-8, GB18030, Big5, UTF-16) or extract a PDF's text layer.

The only module of the pipeline that touches files. Every failure is a :class:`LoadError` whose
message is one line naming the file and the reason.

Example:
    >>> src = load("corpus/sast-2026-department-budget.txt")
    >>> src.encoding, src.pages
    ('utf-8', None)
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budgetscope.errors import BudgetscopeError
from budgetscope.messages import quoted
from budgetscope.pipeline.pdf_upright import read_upright
from budgetscope.pipeline.pdfium_lock import PDFIUM

MAX_TEXT_BYTES = 20 * 1024 * 1024
"""Text files above this size are refused: a department budget is well under 1 MB of text, and a
20 MB file already takes minutes through the pipeline."""
MAX_PDF_BYTES = 100 * 1024 * 1024
"""PDF files above this size are refused (budget PDFs with scanned seals are a few MB to tens of MB)."""
MAX_BYTES = MAX_PDF_BYTES
"""The largest file of any kind that is read at all."""
MAX_LINE_CHARS = 100_000
"""A text line longer than this is refused: no budget document has one (the longest corpus line is a
few thousand characters), and a single 10 MB line makes every later stage slow."""

PDF_SUFFIXES = {".pdf"}


class LoadError(BudgetscopeError):
    """A file could not be read as a budget document; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{quoted(path)}: {reason}")


@dataclass(frozen=True)
class Source:
    """Decoded text of one file. For PDFs, ``page_starts[i]`` is the offset where page i+1 begins."""

    path: Path
    text: str
    encoding: str
    sha1: str
    page_starts: tuple[int, ...] | None = None
    image_pages: tuple[int, ...] = ()
    """PDF pages (1-based) that print no text but an image over much of the page: scanned, unread."""

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
    try:
        info = path.stat()
    except OSError as exc:
        raise LoadError(path, _os_reason(path, exc)) from None
    if stat.S_ISDIR(info.st_mode):
        if not os.access(path, os.R_OK | os.X_OK):
            raise LoadError(path, "folder not readable (permission denied)")
        raise LoadError(path, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(path, "not a regular file")
    size = info.st_size
    if size == 0:
        raise LoadError(path, "empty file")
    pdf = path.suffix.lower() in PDF_SUFFIXES
    limit = MAX_PDF_BYTES if pdf else MAX_TEXT_BYTES
    if size > MAX_BYTES or (not pdf and size > limit and not _starts_pdf(path)):
        raise LoadError(
            path,
            f"file too large ({_mib(size)} MiB; the limit is {_mib(limit)} MiB for {'PDF' if pdf else 'text'})",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, _os_reason(path, exc)) from None
    sha1 = hashlib.sha1(data).hexdigest()
    if data.startswith(b"%PDF") or pdf:
        text, starts, images = _pdf_text(path, data)
        return Source(path, text, "pdf", sha1, starts, images)
    text, encoding = decode(data, path)
    if not text.strip():
        raise LoadError(path, "no text (only whitespace)")
    longest = max(map(len, text.split("\n")))
    if longest > MAX_LINE_CHARS:
        raise LoadError(
            path, f"not a budget document: a line of {longest:,} characters (the limit is {MAX_LINE_CHARS:,})"
        )
    return Source(path, text, encoding, sha1)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _starts_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"%PDF"
    except OSError:
        return False


def _os_reason(path: Path, exc: OSError) -> str:
    """Why a file cannot be opened, in words (a symlink loop is not 'no such file')."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return f"broken symbolic link (to {quoted(os.readlink(path))})"
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return exc.strerror or type(exc).__name__


def decode(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with or without BOM), GB18030 (a superset
    of GBK) or Big5; GB18030 and Big5 overlap, so the one whose text is ordinary Chinese wins."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _clean(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise LoadError(path, f"invalid UTF-16 ({exc.reason})") from None
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise LoadError(path, "binary file, not text or PDF")
        return utf16
    try:
        return _clean(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    candidates = []
    damaged = []
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if _chinese(data.decode(encoding, errors="replace")):  # Chinese, but for a few bytes
                damaged.append((encoding, exc))
            continue
        if _chinese(text):
            candidates.append((_common_share(text), encoding, text))
    if not candidates:
        raise LoadError(
            path,
            _utf8_damage(data, utf8_error)
            or _legacy_damage(data, damaged)
            or "unknown text encoding (neither UTF-8, GB18030/GBK, Big5 nor UTF-16)",
        )
    _, encoding, text = max(candidates)
    return _clean(text), encoding


LEGACY_ENCODINGS = {"gb18030": "GB18030/GBK", "big5": "Big5"}
"""The Chinese encodings other than Unicode's that text is read in, with the names messages give them."""

MIN_COMMON_SHARE = 0.4
"""The least share of :data:`COMMON_HANZI` among the Chinese characters of a GB18030 or Big5 reading
for it to be taken as Chinese text. Measured on the 38 texts of the corpus (corpus/, corpus/excerpts/text/
and the text of ../shared/corpus-national's PDFs): 0.64–0.94 in GB18030, 0.53–0.82 in Big5 (made
traditional), while the Big5 bytes read as GB18030 or the GB18030 bytes as Big5 give 0.06–0.29, and
Shift-JIS, EUC-JP, EUC-KR, Cyrillic and Greek bytes read as either 0.00–0.25. Below it the bytes are
another encoding: refused as unknown, never stored as mojibake."""
MIN_SHARE_SAMPLE = 32
"""The share is trusted only on a reading of at least this many Chinese characters. Measured on windows of
the corpus texts above in GBK (real) and in Shift-JIS, EUC-JP, EUC-KR plus Japanese and Korean prose
(mojibake), by the reading's count: below 32 the two overlap (real place-name lines 0.0–0.4, mojibake up to
1.0); from 32 on real text gives ≥ 0.54 and mojibake ≤ 0.35. A shorter reading that decodes every byte is
taken (the better of GB18030 and Big5 by share), as before the threshold."""


def _chinese(text: str) -> bool:
    """Whether a GB18030 or Big5 reading is Chinese text: mostly CJK, of ordinary characters (when there
    are enough of them to tell, :data:`MIN_SHARE_SAMPLE`)."""
    if _cjk_share(text) < 0.2:
        return False
    return len(_hanzi(text)) < MIN_SHARE_SAMPLE or _common_share(text) >= MIN_COMMON_SHARE


def _legacy_damage(data: bytes, damaged: list[tuple[str, UnicodeDecodeError]]) -> str | None:
    """Why GB18030 or Big5 text (Chinese in all but a few bytes) does not decode, as :func:`_utf8_damage`
    says it of UTF-8; None when no such reading is Chinese.

    >>> cut = "预算说明".encode("gb18030")[:-1]
    >>> _legacy_damage(cut, [("gb18030", UnicodeDecodeError("gb18030", cut, 6, 7, "incomplete multibyte sequence"))])
    'GB18030/GBK text cut inside a character at its end (truncated file?)'
    """
    for encoding, exc in damaged:
        name = LEGACY_ENCODINGS[encoding]
        if exc.reason == "incomplete multibyte sequence" and exc.end >= len(data) - 3:
            return f"{name} text cut inside a character at its end (truncated file?)"
        bad = len(data.decode(encoding, errors="replace")) - len(data.decode(encoding, errors="ignore"))
        if bad <= max(8, len(data) // 2000):
            return f"{name} text with {bad} invalid byte{'s' if bad > 1 else ''}, the first at offset {exc.start} (damaged file?)"
    return None


def _utf8_damage(data: bytes, exc: UnicodeDecodeError) -> str | None:
    """Why UTF-8 text (all but a few bytes of it) does not decode: cut inside a character, or a few
    bad bytes (a damaged file); None when the bytes are not UTF-8 at all.

    >>> _utf8_damage("预算".encode()[:-1], UnicodeDecodeError("utf-8", b"", 3, 5, "unexpected end of data"))
    'UTF-8 text cut inside a character at its end (truncated file?)'
    """
    bad = len(data.decode("utf-8", errors="replace")) - len(data.decode("utf-8", errors="ignore"))
    if 2 * bad > sum(byte >= 0x80 for byte in data):
        return None  # most of the non-ASCII bytes are invalid UTF-8: another encoding, not damage
    if exc.reason == "unexpected end of data" and exc.end >= len(data) - 3:
        return "UTF-8 text cut inside a character at its end (truncated file?)"
    if bad <= max(8, len(data) // 2000):  # a few bad bytes; another encoding gives thousands
        return f"UTF-8 text with {bad} invalid byte{'s' if bad > 1 else ''}, the first at offset {exc.start} (damaged file?)"
    return None


COMMON_HANZI = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
    "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还"
    "因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结"
    "解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级"
    "少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领"
    "七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每"
    "目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影"
    "算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准"
    "精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听"
    "该铁价严项预经费财"
)
"""The most frequent simplified Chinese characters (plus budget words): ordinary text is mostly these;
Big5 bytes read as GB18030, or the reverse, give rare characters instead."""


def _hanzi(text: str) -> list[str]:
    return [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff"]


def _common_share(text: str) -> float:
    sample = _hanzi(text)
    if not sample:
        return 0.0
    traditional = set("們這個會國時來說對發門過經還與現當學點業應開進體實動員長問關題開區務團當續報")
    return sum(c in COMMON_HANZI or c in traditional for c in sample) / len(sample)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte-order mark (zero bytes at every other position), or None."""
    zeros = [i % 2 for i, byte in enumerate(data[:4096]) if byte == 0]
    if len(data) % 2 or len(data) < 32 or 0.1 < sum(zeros) / len(zeros) < 0.9:
        return None  # UTF-16 text has its zero bytes (ASCII characters) on one side of the pairs
    best = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(c.isprintable() or c in "\n\r\t\f" for c in text[:20000]) / max(1, len(text[:20000]))
        if printable > 0.95 and "\n" in text and (best is None or printable > best[0]):
            best = (printable, encoding, text)
    return None if best is None else (_clean(best[2]), "utf-16")


_DROPPED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters other than tab, newline and form feed (ESC, BEL, DEL, C1), and the bidirectional
controls (U+202E RIGHT-TO-LEFT OVERRIDE and kin, which make a terminal or a page show a name or an amount
reversed): no budget means them, and document text is untrusted."""


def _clean(text: str) -> str:
    r"""Unify line ends; drop :data:`_DROPPED` characters.

    >>> _clean("a\r\nb\x1b[31m\u202e000,01\x85")
    'a\nb[31m000,01'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _DROPPED.sub("", text)


def _cjk_share(text: str) -> float:
    sample = [c for c in text[:20000] if not c.isspace()]
    if not sample:
        return 0.0
    cjk = sum("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in sample)
    return cjk / len(sample)


IMAGE_PAGE_SHARE = 0.3
"""A page without text whose images cover this share of it is a scanned page (text not read)."""


def _image_share(page: Any) -> float:
    """How much of a page its images cover (0 to 1, overlaps counted twice)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    area = 0.0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        area += max(0.0, right - left) * max(0.0, top - bottom)
    return area / (width * height) if width and height else 0.0


def _pdf_pages(path: Path, data: bytes) -> tuple[list[str], list[int]]:
    """Each page's text and the scanned pages of a PDF, read by pdfium (the caller holds
    :data:`.pdfium_lock.PDFIUM`); every pdfium object is closed before returning."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pypdfium2 raises PdfiumError for damaged files
        raise LoadError(
            path, f"not a readable PDF ({str(exc).splitlines()[0] if str(exc) else 'damaged'})"
        ) from None
    pages: list[str] = []
    images: list[int] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            with read_upright(page) as (textpage, _):  # as printed upright, whatever its /Rotate
                pages.append(_clean(textpage.get_text_range()))
            if len(pages[-1].strip()) < 20 and _image_share(page) >= IMAGE_PAGE_SHARE:
                images.append(i + 1)
            page.close()
    except Exception as exc:
        raise LoadError(path, f"PDF is truncated or damaged at page {len(pages) + 1} ({exc})") from None
    finally:
        pdf.close()
    return pages, images


def _pdf_text(path: Path, data: bytes) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The text of a PDF with a form feed after each page, each page's start, and its scanned pages."""
    with PDFIUM:  # pdfium is not thread-safe: one thread at a time in it (:mod:`.pdfium_lock`)
        pages, images = _pdf_pages(path, data)
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
    return "".join(out), tuple(starts), tuple(images)
