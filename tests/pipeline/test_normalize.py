from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from budgetscope.pipeline.load import load
from budgetscope.pipeline.normalize import fold, normalize_text


def _lines(path: Path) -> list[str]:
    src = load(path)
    return [ln.text for ln in normalize_text(src.text, src.page_starts).lines]


def test_normalize_text_paragraph_per_line_is_untouched(corpus: Path) -> None:
    path = corpus / "sast-2026-department-budget.txt"
    raw = path.read_text(encoding="utf-8").split("\n")
    lines = _lines(path)
    assert len(lines) == len(raw)
    assert lines[403] == "科协大院日常修缮项目经费情况说明" == raw[403]


def test_normalize_text_joins_title_broken_over_lines(corpus: Path) -> None:
    lines = _lines(corpus / "sast-2019-performance-targets.txt")
    text = "\n".join(lines)
    # source: "推进《全民科学素质行动计划纲要\n》实施" and "（国\n办发[2016]10号）"
    assert "推进《全民科学素质行动计划纲要》实施" in text
    assert "的通知》（国办发[2016]10号）文件" in text


def test_normalize_text_maps_back_to_source_lines(corpus: Path) -> None:
    src = load(corpus / "sast-2019-performance-targets.txt")
    text = normalize_text(src.text)
    joined = next(ln for ln in text.lines if "推进《全民科学素质行动计划纲要》实施" in ln.text)
    i = joined.text.index("》实施")
    offset = joined.source_offset(i)
    assert src.text[offset : offset + 3] == "》实施"
    assert text.line_of(offset) == joined.line + 1


def test_normalize_text_keeps_centred_title_stripped() -> None:
    text = normalize_text("        上海市2026年市级部门预算\n正文")
    assert text.lines[0].text == "上海市2026年市级部门预算"
    assert text.source[text.lines[0].start :].startswith("上海市")


def test_normalize_pdf_drops_running_header_and_page_numbers(district_pdf: tuple[Path, Path]) -> None:
    lines = _lines(district_pdf[0])
    assert not any(line.strip() in {"- 3 -", "- 10 -"} for line in lines)
    assert sum(line == "上海市浦东新区2023年区级部门预算" for line in lines) <= 2


def test_normalize_pdf_rejoins_wrapped_paragraphs(district_pdf: tuple[Path, Path]) -> None:
    pdf, txt = district_pdf
    pdf_lines = set(_lines(pdf))
    # a long paragraph of the source comes out of the PDF as one logical line again
    paragraph = next(
        line for line in txt.read_text(encoding="utf-8").split("\n") if line.startswith("“上海科协”官方微信")
    )
    assert len(paragraph) > 150
    assert any(line.startswith(paragraph[:120]) for line in pdf_lines)


def test_fold_unifies_full_width() -> None:
    assert fold("２０２６年（一）") == "2026年(一)"


def test_normalize_pdf_drops_justification_gaps_and_keeps_offsets() -> None:
    # pypdfium2 renders the stretch of a justified line as runs of spaces between CJK characters
    src = "服务于上海脑中心的所有成员单位，乃至长三    角及整个南方地区\n第二行。\n"
    text = normalize_text(src, (0,))
    line = text.lines[0]
    assert line.text == "服务于上海脑中心的所有成员单位，乃至长三角及整个南方地区"
    assert all(src[line.source_offset(i)] == ch for i, ch in enumerate(line.text))
    # a text file keeps its spaces verbatim
    assert normalize_text(src).lines[0].text == src.split("\n")[0]


@given(st.lists(st.text(alphabet="甲乙丙。，一是（）1. 2", max_size=30), max_size=30))
def test_normalize_paragraphs_keep_every_character(lines: list[str]) -> None:
    # joining a PDF's wrapped lines drops line breaks (and blank lines) only, never a character
    text = normalize_text("\n".join(lines) + "\n", (0,))
    paragraphs = text.paragraphs(text.lines)
    assert re.sub(r"\s", "", paragraphs) == re.sub(r"\s", "", "".join(ln.text for ln in text.lines))
    assert "\n\n" not in paragraphs
