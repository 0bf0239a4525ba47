"""A project list (项目支出预算表) in the store and its exports: each project's cells are budget lines,
exported as amounts of source 'table'; its checks are stored with the document's."""

from __future__ import annotations

from pathlib import Path

from budgetscope.models import Document
from budgetscope.pipeline.linking.findings import department_checks
from budgetscope.pipeline.pdf_statements import pdf_statements
from budgetscope.store.protocol import DocumentEntry
from budgetscope.store.sqlite import SQLiteStore

HANGZHOU = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "hangzhou-transport-2026-p37-39.pdf"
SCHOOL = "杭州技师学院（杭州交通高级技工学校） / 校园校舍建设"


def test_store_project_list_lines_exported_and_checked(tmp_path: Path) -> None:
    tables, stated = pdf_statements(HANGZHOU, year=2026)
    doc = Document(
        doc=HANGZHOU.name,
        path=str(HANGZHOU),
        kind="department_budget",
        department="杭州市交通运输局",
        year=2026,
    )
    checks = department_checks(doc, tables, stated)
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        store.write_documents([DocumentEntry(doc, tables, stated, checks)])
        [line] = [r for r in store.select("budget_lines", {"name": SCHOOL}) if r["column_label"] == "总计"]
        assert (line["yuan"], line["fen"], line["text"], line["unit"], line["page"]) == (
            "67000000.00",
            6700000000,
            "6,700.00",
            "万元",
            1,
        )
        amounts = [a for a in store.select("export_amounts") if a["project"] == SCHOOL]
        assert {(a["source"], a["column_label"], a["amount"]) for a in amounts} == {
            ("table", "总计", "67000000.00"),
            ("table", "财政拨款收入/一般公共预算", "67000000.00"),
        }
        assert {a["label"] for a in amounts} == {f"{SCHOOL} / 总计", f"{SCHOOL} / 财政拨款收入/一般公共预算"}
        stored = [c for c in store.select("checks") if (c["field"] or "").startswith("list-")]
        assert len(stored) == 32 and {c["status"] for c in stored} == {"agree", "rounded"}
        assert not [f for f in store.select("findings") if (f["field"] or "").startswith("list-")]
