"""A table or a project printed twice in one document is read once, said, and checked once (review 29
#1: Yantai's 支出总体情况表 p. 11 printed again at the end stopped the whole ingest on two checks of
one id). Pages of real PDFs repeated with pypdfium2; texts of the bundled corpus with a part repeated."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.index.processing import process_file
from budgetscope.models import BudgetLine, BudgetTable
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.linking.table_checks import table_sum_checks
from budgetscope.pipeline.repeats import distinct_tables

ROOT = Path(__file__).resolve().parents[2]
EXCERPTS = ROOT / "corpus" / "excerpts"
SAST_2026 = ROOT / "corpus" / "sast-2026-department-budget.txt"
YANTAI = ROOT.parent / "shared" / "corpus-national" / "yantai-civil-affairs-2026-department-budget.pdf"
needs_yantai = pytest.mark.skipif(not YANTAI.exists(), reason="../shared/corpus-national is absent")


def pages(source: Path, out: Path, order: list[int] | None = None) -> Path:
    """A PDF of ``source``'s pages in ``order`` (0-based; default: every page, then every page again)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(source)
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(src, order if order is not None else [*range(len(src)), *range(len(src))])
    pdf.save(out)
    pdf.close()
    src.close()
    return out


def same_name(source: Path, folder: Path, content: bytes | str) -> Path:
    """``content`` under ``source``'s file name (ids are made from the name): the two compare."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / source.name
    if isinstance(content, str):
        out.write_text(content, encoding="utf-8")
    else:
        out.write_bytes(content)
    return out


@needs_yantai
def test_repeats_a_table_page_printed_again_is_checked_once(tmp_path: Path) -> None:
    once = process_file(YANTAI)
    twice = process_file(pages(YANTAI, tmp_path / YANTAI.name, [*range(56), 10]))  # p. 11 again as p. 57
    assert twice.error is None and twice.document is not None
    ids = Counter(c.id for c in twice.checks)
    assert [i for i, n in ids.items() if n > 1] == []  # before: 20 ids twice, the ingest stopped
    assert sorted(c.message for c in twice.checks) == sorted(c.message for c in once.checks)
    assert [(t.title, t.page) for t in twice.tables] == [(t.title, t.page) for t in once.tables]
    assert "a table printed again, read once: 支出总体情况表 p. 57 (as p. 11)" in twice.document.warnings


@needs_yantai
def test_repeats_a_whole_pdf_printed_twice_reads_as_once(tmp_path: Path) -> None:
    once = process_file(YANTAI)
    twice = process_file(pages(YANTAI, tmp_path / YANTAI.name))
    assert once.document is not None and twice.document is not None
    assert [r.name for r in twice.document.records] == [r.name for r in once.document.records]  # 21, not 42
    assert [r.budget_total_yuan for r in twice.document.records] == [
        r.budget_total_yuan for r in once.document.records
    ]
    assert sorted(c.message for c in twice.checks) == sorted(c.message for c in once.checks)
    assert twice.document.coverage is not None and not twice.document.coverage.short
    notes = [w for w in twice.document.warnings if "printed again" in w]
    assert notes[0].startswith("21 projects printed again, read once: 惠民殡葬补助资金 p. 89 (as p. 33), ")
    assert notes[1].startswith("5 tables printed again, read once: 收支总体情况表 p. 63 (as p. 7), ")


def test_repeats_a_form_printed_again_is_one_project(tmp_path: Path) -> None:
    # Xi'an's form (excerpt pp. 1-2) printed twice: one project, the coverage whole
    source = EXCERPTS / "xian-audit-2026-p37-38.pdf"
    once = read_document(source)
    twice = read_document(pages(source, tmp_path / source.name))
    [form] = [r for r in once.records if r.kind == "form"]
    [again] = [r for r in twice.records if r.kind == "form"]
    assert (again.id, again.name, again.budget_total_yuan, again.form) == (form.id, form.name,
            form.budget_total_yuan, form.form)  # fmt: skip
    assert again.form is not None and again.form.amounts["project_total"] == Decimal("3500000")  # 350.00万
    assert twice.coverage is not None and not twice.coverage.short
    assert twice.warnings == [f"a project printed again, read once: {form.name} p. 3 (as p. 1)"]


def test_repeats_a_narrative_printed_again_in_a_text_is_one_project(tmp_path: Path) -> None:
    text = SAST_2026.read_text(encoding="utf-8")
    once = read_document(SAST_2026)
    first = next(r for r in once.records if r.kind == "narrative")
    head = text.rstrip("\n") + "\n\n"
    twice = read_document(same_name(SAST_2026, tmp_path, head + text[first.start : first.end]))
    assert [r.id for r in twice.records] == [r.id for r in once.records]
    assert once.coverage is not None and twice.coverage is not None
    assert twice.coverage.narratives_expected == once.coverage.narratives_expected
    assert [w for w in twice.warnings if w not in once.warnings] == [
        f"a project printed again, read once: {first.name} line {head.count(chr(10)) + 1} (as line {first.line})"
    ]


def test_repeats_a_table_printed_again_in_a_text_is_checked_once(tmp_path: Path) -> None:
    # 2026年部门支出预算总表 (lines 150-189) printed again after the narratives
    lines = SAST_2026.read_text(encoding="utf-8").split("\n")
    again = "\n".join(lines).rstrip("\n") + "\n\n" + "\n".join(lines[149:189]) + "\n"
    once, twice = process_file(SAST_2026), process_file(same_name(SAST_2026, tmp_path, again))
    assert twice.document is not None
    assert [(t.title, t.line) for t in twice.tables] == [(t.title, t.line) for t in once.tables]
    assert sorted(c.id for c in twice.checks) == sorted(c.id for c in once.checks)
    line = len(again.rstrip("\n").split("\n")) - 39
    assert f"a table printed again, read once: 2026年部门支出预算总表 line {line} (as line 150)" in (
        twice.document.warnings
    )


def _table(page: int, rows: list[tuple[str, str, str]]) -> BudgetTable:
    """A PDF table (line 0) of Yantai's 支出总体情况表 rows: (name, 合计, 基本支出); 项目支出 0."""
    cells = tuple(
        BudgetLine("支出总体情况表", n, name, column, Decimal(value), value, "元", page=page)
        for n, (name, total, basic) in enumerate(rows, start=3)
        for column, value in (("合计", total), ("基本支出", basic), ("项目支出", "0"))
    )
    return BudgetTable("支出总体情况表", 0, "元", cells, page=page)


def test_repeats_two_tables_of_one_title_are_both_kept_with_their_own_check_ids() -> None:
    # two tables titled alike (a department's and a unit's) with other cells: both kept, both checked
    department = _table(11, [("教育支出", "160000", "160000"), ("进修及培训", "160000", "160000")])
    unit = _table(40, [("教育支出", "90000", "90000"), ("进修及培训", "90000", "90000")])
    distinct = distinct_tables([department, unit])
    assert distinct.kept == [department, unit] and distinct.note is None
    checks = table_sum_checks("yantai.pdf", distinct.kept)
    assert len(checks) == len({c.id for c in checks}) == 4  # before: the unit's two ids were the department's
    assert [c.id for c in checks[:2]] == [c.id for c in table_sum_checks("yantai.pdf", [department])]
