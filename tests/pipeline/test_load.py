from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetscope.pipeline.load import LoadError, decode, load

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAMPLE = "上海市2026年市级部门预算\n\n预算主管部门：上海市科学技术协会\n\n科协大院日常修缮项目经费情况说明"


def test_load_utf8_keeps_last_line_without_newline(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(SAMPLE, encoding="utf-8")
    assert load(f).text.endswith("科协大院日常修缮项目经费情况说明")


def test_load_corpus_last_line_without_newline(corpus: Path) -> None:
    # the corpus file ends inside 四、实施方案 with no trailing newline
    raw = (corpus / "sast-2026-department-budget.txt").read_bytes()
    assert not raw.endswith(b"\n")
    assert load(corpus / "sast-2026-department-budget.txt").text.rstrip() == raw.decode("utf-8").rstrip()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_load_detects_encoding(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(SAMPLE.encode(encoding))
    assert load(f).text == SAMPLE


def test_load_crlf_line_ends(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    assert load(f).text == SAMPLE


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\n  ", "no text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (
            "Hello world in Latin-1: café crème".encode("latin-1") + bytes(range(128, 256)),
            "unknown text encoding",
        ),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "not a readable PDF"),
    ],
)
def test_load_bad_input_names_file_and_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load(f)
    message = str(err.value)
    assert "bad.txt" in message and reason in message and "\n" not in message


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "nope.txt")


def test_load_scanned_pdf_asks_for_ocr(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")  # an image-like page with no text layer
    pdf.add_page()
    pdf.rect(20, 20, 80, 60, style="F")
    out = tmp_path / "scan.pdf"
    pdf.output(str(out))
    with pytest.raises(LoadError, match="OCR is needed"):
        load(out)


def test_load_truncated_pdf(tmp_path: Path, district_pdf: tuple[Path, Path]) -> None:
    data = district_pdf[0].read_bytes()
    out = tmp_path / "cut.pdf"
    out.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError, match=r"cut\.pdf"):
        load(out)


def test_load_huge_file_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import budgetscope.pipeline.load as mod

    monkeypatch.setattr(mod, "MAX_BYTES", 100)
    f = tmp_path / "big.txt"
    f.write_text(SAMPLE * 10, encoding="utf-8")
    with pytest.raises(LoadError, match="too large"):
        load(f)


def test_load_decode_rejects_nul_bytes() -> None:
    with pytest.raises(LoadError, match="binary"):
        decode(b"abc\x00def")


def test_load_pdf_pages(district_pdf: tuple[Path, Path]) -> None:
    src = load(district_pdf[0])
    assert src.pages is not None and src.pages > 5
    assert "学会改革与发展项目" in src.text


def test_load_partly_scanned_pdf_says_which_pages_were_not_read(tmp_path: Path) -> None:
    """Changsha's two pages of forms, the second printed as an image (rendered from the real page): the
    form on it is not read, and the document's coverage names the page instead of staying silent."""
    import pypdfium2 as pdfium

    from budgetscope.pipeline.document import read_document

    excerpt = (
        Path(__file__).resolve().parents[2]
        / "corpus"
        / "excerpts"
        / "changsha-letters-and-calls-2026-p22-23.pdf"
    )
    src = pdfium.PdfDocument(excerpt)
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [0])
    width, height = src[1].get_size()
    image = pdfium.PdfImage.new(out)
    image.set_bitmap(src[1].render(scale=1))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page = out.new_page(width, height)
    page.insert_obj(image)
    page.gen_content()
    out.save(tmp_path / "partly-scanned.pdf")

    assert load(tmp_path / "partly-scanned.pdf").image_pages == (2,)
    assert load(excerpt).image_pages == ()
    document = read_document(tmp_path / "partly-scanned.pdf")
    assert document.coverage is not None and document.coverage.short
    assert (
        "page 2 is an image without text (scanned?): what they print was not read"
        in document.coverage.problems
    )
    assert any("page 2 is an image" in w for w in document.warnings)


def test_load_damaged_utf8_says_so(tmp_path: Path, corpus: Path) -> None:
    """Real UTF-8 text with one bad byte, or cut inside its last character: the error says what is
    wrong with it, not "unknown text encoding"."""
    raw = (corpus / "sast-2023-department-budget.txt").read_bytes()
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(raw[:1000] + b"\xff" + raw[1000:])
    with pytest.raises(
        LoadError, match=r"UTF-8 text with 1 invalid byte, the first at offset 1000 \(damaged file\?\)"
    ):
        load(damaged)
    inside = raw.index("。".encode()) + 1  # three bad bytes inside a character: more bytes do not decode
    damaged.write_bytes(raw[:inside] + b"\xff\xfe\x80" + raw[inside:])
    with pytest.raises(LoadError, match=r"UTF-8 text with \d invalid bytes, the first at offset"):
        load(damaged)
    cut = tmp_path / "cut.txt"
    end = raw.rindex("。".encode()) + 2  # inside the last 。 (3 bytes in UTF-8)
    cut.write_bytes(raw[:end])
    with pytest.raises(LoadError, match=r"cut inside a character at its end \(truncated file\?\)"):
        load(cut)


@pytest.mark.parametrize(("encoding", "name"), [("gb18030", "GB18030/GBK"), ("big5", "Big5")])
def test_load_damaged_gb18030_and_big5_say_so_as_utf8_does(
    tmp_path: Path, corpus: Path, encoding: str, name: str
) -> None:
    """Review 29 #9: a GBK budget cut inside its last character was "unknown text encoding" (the
    encoding is right, one byte is missing); now the diagnosis UTF-8 gets, for each Chinese encoding.
    (Big5: the corpus text's characters that Big5 has.)"""
    raw = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8").encode(encoding, "ignore")
    assert decode(raw)[1] == encoding
    cut = tmp_path / "cut.txt"
    end = raw.rindex("。".encode(encoding)) + 1  # inside the last 。 (2 bytes)
    cut.write_bytes(raw[:end])
    with pytest.raises(LoadError) as err:
        load(cut)
    assert str(err.value) == f"{cut}: {name} text cut inside a character at its end (truncated file?)"
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(raw[:1000] + b"\xff" + raw[1000:])
    with pytest.raises(
        LoadError, match=rf"{re.escape(name)} text with \d invalid bytes?, the first at offset"
    ):
        load(damaged)


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "euc-kr"])
def test_load_another_encoding_is_refused_not_stored_as_mojibake(
    tmp_path: Path, corpus: Path, encoding: str
) -> None:
    """Review 29 #5: Shift-JIS / EUC-KR bytes read as GB18030 (偙傟偼擔杮岅…) were accepted and stored.
    The corpus's text in those encodings (the characters they have) is refused as an unknown encoding."""
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_bytes(text.encode(encoding, "ignore"))
    with pytest.raises(LoadError) as err:
        load(other)
    assert str(err.value) == f"{other}: unknown text encoding (neither UTF-8, GB18030/GBK, Big5 nor UTF-16)"


def test_load_every_corpus_text_in_gb18030_and_big5_is_read(corpus: Path) -> None:
    """The threshold that refuses mojibake (:data:`~budgetscope.pipeline.load.MIN_COMMON_SHARE`) keeps
    every corpus text, in GB18030 and in Big5 (the characters Big5 has)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "excerpts" / "text").glob("*.text"))]
    assert len(texts) == 21
    for text in texts:
        assert decode(text.encode("gb18030")) == (decode(text.encode("utf-8"))[0], "gb18030")
        assert decode(text.encode("big5", "ignore"))[1] == "big5"


@pytest.mark.parametrize(
    "text",
    ["衢州市柯城区\n", "嵊泗县渔港疏浚\n岱山县衢山镇鳗鱼苗\n", "预算主管部门：上海市科学技术协会\n"],
)
def test_load_short_gbk_text_is_read(tmp_path: Path, text: str) -> None:
    """Review 29's code review #3: a short GBK text of place names has few common hanzi, so the share
    that refuses mojibake refused it ("UTF-8 text with 8 invalid bytes", "unknown text encoding").
    Below :data:`~budgetscope.pipeline.load.MIN_SHARE_SAMPLE` characters the share is not trusted."""
    f = tmp_path / "short.txt"
    f.write_bytes(text.encode("gbk"))
    source = load(f)
    assert (source.text, source.encoding) == (text, "gb18030")


LEAD = "上海市科学技术协会是中国共产党领导下的人民团体，是党和政府联系科学技术工作者的桥梁和纽带。\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("これは日本語のテキストです。予算の説明。" * 50, "shift_jis"),
        ("이것은 한국어 예산 문서입니다. 총 예산은 100만원입니다.\n" * 50, "euc-kr"),
        (LEAD, "shift_jis"),
        (LEAD, "euc_jp"),
    ],
)
def test_load_mojibake_of_enough_characters_is_refused(tmp_path: Path, text: str, encoding: str) -> None:
    """Review 29 #5's Shift-JIS and EUC-KR files (50 repetitions of a sentence), and a corpus
    sentence in Shift-JIS and EUC-JP (at least MIN_SHARE_SAMPLE characters read as GB18030) stay refused."""
    f = tmp_path / "other.txt"
    f.write_bytes(text.encode(encoding, "ignore"))  # the characters the encoding has
    assert len([c for c in f.read_bytes().decode("gb18030") if "\u4e00" <= c <= "\u9fff"]) >= 32
    with pytest.raises(LoadError, match=r"unknown text encoding \(neither UTF-8"):
        load(f)


def test_load_mostly_invalid_utf8_is_not_called_damaged_utf8(tmp_path: Path) -> None:
    """A short Latin-1 text (every non-ASCII byte invalid UTF-8) is an unknown encoding, not
    "UTF-8 text with 5 invalid bytes"."""
    f = tmp_path / "latin1.txt"
    f.write_bytes("Grüße aus Köln, café crème\n".encode("latin-1"))
    with pytest.raises(LoadError, match=r"unknown text encoding \(neither UTF-8"):
        load(f)
