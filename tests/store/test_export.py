"""Export: every kind in every format re-reads to the same rows; datapackage.json validates."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budgetscope.pipeline.load import load
from budgetscope.store.export import (
    ExportError,
    ExportFormat,
    ExportKind,
    datapackage,
    export,
    export_rows,
    fields_of,
)
from budgetscope.store.sqlite import SQLiteStore, open_store


@pytest.fixture(scope="module")
def store(corpus_home: Path) -> Any:
    with open_store(corpus_home) as s:
        yield s


@pytest.fixture(scope="module")
def exported(store: SQLiteStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for fmt in ExportFormat:
        folder = tmp_path_factory.mktemp(fmt.value)
        export(store, [], fmt, folder)
        out[fmt.value] = folder
    return out


def _reread(folder: Path, kind: ExportKind, fmt: str) -> list[dict[str, Any]]:
    path = folder / f"{kind.value}.{fmt}"
    fields = fields_of(kind)
    if fmt == "jsonl":
        rows = [
            json.loads(line, parse_float=Decimal) for line in path.read_text(encoding="utf-8").splitlines()
        ]
        ratios = [f.name for f in fields if f.type == "number"]
        return [{k: float(v) if k in ratios and v is not None else v for k, v in r.items()} for r in rows]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
        for row in rows:
            for f in fields:
                if f.type == "date" and row[f.name] is not None:
                    row[f.name] = row[f.name].isoformat()
        return rows
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            typed: dict[str, Any] = {}
            for f in fields:
                v = row[f.name]
                if v == "":
                    typed[f.name] = None if f.type != "array" else []
                elif f.type == "integer":
                    typed[f.name] = int(v)
                elif f.exact:
                    typed[f.name] = Decimal(v)
                elif f.type == "number":
                    typed[f.name] = float(v)
                elif f.type == "boolean":
                    typed[f.name] = v == "true"
                elif f.type == "array":
                    typed[f.name] = json.loads(v)
                else:
                    typed[f.name] = v
            rows.append(typed)
    return rows


def _normal(rows: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]]:
    """Rows as comparable values: arrays of years come back as strings from Parquet's list<string>;
    in CSV an empty string and a missing value are both the empty cell; a ratio (not money) may be
    a Decimal or a float. Amounts stay Decimal: they must come back exactly."""
    out = []
    for r in rows:
        row = {k: [str(x) for x in v] if isinstance(v, list) else v for k, v in r.items()}
        row = {k: float(v) if isinstance(v, Decimal) and k == "change_percent" else v for k, v in row.items()}
        if fmt == "csv":
            row = {k: None if v == "" else v for k, v in row.items()}
        out.append(row)
    return out


@pytest.mark.parametrize("fmt", [f.value for f in ExportFormat])
@pytest.mark.parametrize("kind", list(ExportKind))
def test_export_round_trips(
    store: SQLiteStore, exported: dict[str, Path], kind: ExportKind, fmt: str
) -> None:
    expected = list(export_rows(store, kind))
    assert expected, f"the corpus gives no {kind.value}"
    assert _normal(_reread(exported[fmt], kind, fmt), fmt) == _normal(expected, fmt)


def test_export_counts_match_the_store(store: SQLiteStore) -> None:
    counts = store.counts()
    assert len(list(export_rows(store, "projects"))) == counts["projects"]
    assert len(list(export_rows(store, "citations"))) == counts["citations"]
    assert len(list(export_rows(store, "indicators"))) == counts["indicators"]
    assert len(list(export_rows(store, "findings"))) == counts["findings"]
    amounts = list(export_rows(store, "amounts"))
    assert sum(a["source"] == "narrative" for a in amounts) == counts["amounts"]
    assert sum(a["source"] == "table" for a in amounts) == counts["budget_lines"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_datapackage_validates_with_frictionless(exported: dict[str, Path], fmt: str) -> None:
    import frictionless

    report = frictionless.validate(exported[fmt] / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


def test_export_parquet_datapackage_descriptor_is_valid(exported: dict[str, Path]) -> None:
    import frictionless

    descriptor = json.loads((exported["parquet"] / "datapackage.json").read_text(encoding="utf-8"))
    assert frictionless.Package.validate_descriptor(descriptor).valid
    assert {r["path"] for r in descriptor["resources"]} == {f"{k.value}.parquet" for k in ExportKind}


def test_export_amounts_carry_fiscal_data_package_fields(
    store: SQLiteStore, exported: dict[str, Path]
) -> None:
    descriptor = json.loads((exported["csv"] / "datapackage.json").read_text(encoding="utf-8"))
    amounts = next(r for r in descriptor["resources"] if r["name"] == "amounts")
    column_types = {f["name"]: f.get("columnType") for f in amounts["schema"]["fields"]}
    assert column_types["amount"] == "value"
    assert column_types["fiscal_year"] == "date:fiscal-year"
    assert column_types["administrative_classification"].startswith("administrative-classification")
    assert column_types["functional_classification"].startswith("functional-classification")
    assert amounts["model"]["measures"]["amount"]["currency"] == "CNY"
    rows = list(export_rows(store, "amounts"))
    assert {r["currency"] for r in rows} == {"CNY"}
    science = [r for r in rows if r["functional_classification"] == "2060702" and r["fiscal_year"] == 2026]
    assert science and all(r["administrative_classification"] == "上海市科学技术协会" for r in science)
    assert {r["column_label"]: r["amount"] for r in science if r["section"] == "2026年部门收入预算总表"}[
        "合计"
    ] == 1106700
    wages = next(r for r in rows if r["economic_classification"] == "30101" and r["fiscal_year"] == 2025)
    assert wages["project"] == "基本工资"


@pytest.fixture(scope="module")
def forms_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Forms of three layouts: Shanghai's text form (年度资金总额), a PDF form (年度预算资金总额,
    Xi'an) and a goal-only PDF table (预算数, Hangzhou)."""
    from budgetscope.index.ingest import ingest

    root = Path(__file__).resolve().parents[2] / "corpus"
    files = [
        root / "sast-2026-performance-targets.txt",
        root / "excerpts" / "xian-audit-2026-p37-38.pdf",
        root / "excerpts" / "hangzhou-transport-2026-p39.pdf",
    ]
    home = tmp_path_factory.mktemp("forms-home")
    assert not ingest(files, home, workers=1).failed
    with open_store(home) as s:
        yield s


def test_export_amounts_form_totals_have_role_total_in_text_and_pdf_forms(forms_store: SQLiteStore) -> None:
    projects = {p["id"]: p for p in export_rows(forms_store, "projects")}
    rows = [r for r in export_rows(forms_store, "amounts") if r["section"] == "form"]
    totals: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["role"] == "total":
            totals.setdefault(r["project_id"], []).append(r)
    # one total per project form, the one its budget is: 年度资金总额, else the only total it prints
    assert set(totals) == {pid for pid, p in projects.items() if p["kind"] == "form"}
    for pid, (total, *more) in totals.items():
        assert not more and total["amount"] == Decimal(projects[pid]["budget_total_yuan"])
    assert {projects[pid]["doc"].rsplit(".", 1)[1] for pid in totals} == {"txt", "pdf"}
    roles = {(r["column_label"], r["role"]) for r in rows}
    assert {("annual_total", "total"), ("project_total", "total"), ("fiscal_current", "fiscal")} <= roles


def test_export_amounts_of_a_pdf_name_their_page(forms_store: SQLiteStore) -> None:
    """A PDF's amounts say the page their project is printed on (its line means nothing to a reader of
    the PDF); a text document's have none. Xi'an's excerpt prints its form on its first two pages."""
    rows = list(export_rows(forms_store, "amounts"))
    pages = {r["doc"].rsplit(".", 1)[1]: set() for r in rows}
    for r in rows:
        pages[r["doc"].rsplit(".", 1)[1]].add(r["page"])
    assert pages["txt"] == {None}
    assert None not in pages["pdf"] and pages["pdf"] <= {1, 2}
    projects = {p["id"]: p["page"] for p in export_rows(forms_store, "projects")}
    assert all(r["page"] == projects[r["project_id"]] for r in rows if r["project_id"])


def test_export_amounts_name_the_label_a_form_prints(forms_store: SQLiteStore) -> None:
    """The key stays (project_total, annual_total …); ``label`` is what the form prints: Xi'an's total is
    its 实施期资金总额, Shanghai's text form its 年度资金申请总额, Hangzhou's goal table its 金额."""
    rows = [r for r in export_rows(forms_store, "amounts") if r["section"] == "form"]
    labels = {(r["doc"].split("-")[0], r["column_label"], r["label"]) for r in rows}
    assert ("xian", "project_total", "实施期资金总额") in labels
    assert ("xian", "fiscal_current", "财政拨款") in labels
    assert ("sast", "annual_total", "年度资金申请总额") in labels
    assert ("hangzhou", "project_total", "金额") in labels
    assert all(r["label"] for r in rows)
    narrative = [r for r in export_rows(forms_store, "amounts") if r["source"] == "narrative"]
    assert all(r["label"] is None for r in narrative)


@pytest.mark.parametrize("fmt", [f.value for f in ExportFormat])
def test_export_indicators_carry_the_targets_reading(
    forms_store: SQLiteStore, tmp_path: Path, fmt: str
) -> None:
    """Xi'an's 中介机构 rates (≤1200, ≤800) and Shanghai's ≥100.00(人) come back with the target verbatim
    and its comparison, exact number and unit, in every format."""
    export(forms_store, ["indicators"], fmt, tmp_path)
    rows = {(r["project"], r["level3"]): r for r in _reread(tmp_path, ExportKind.indicators, fmt)}
    rate = rows[("购买中介机构审计服务", "注册会计师、高级会计师（元/人/天）")]
    assert (rate["target"], rate["comparison"], rate["value"], rate["unit"]) == (
        "≤1200",
        "≤",
        Decimal(1200),
        None,
    )
    experts = rows[("创新服务与发展项目", "专家参与人数")]
    assert (experts["target"], experts["comparison"], experts["value"], experts["unit"], experts["qualitative"]) == (
        "≥100.00(人)", "≥", Decimal("100.00"), "人", False
    )  # fmt: skip
    assert isinstance(experts["value"], Decimal)
    date = next(r for r in rows.values() if r["target"] == "2026 年 12 月 31 日前完成")
    assert (date["comparison"], date["value"], date["unit"], date["qualitative"]) == (None, None, None, None)


def test_export_projects_carry_series_and_links(store: SQLiteStore) -> None:
    rows = {(r["doc"], r["line"]): r for r in export_rows(store, "projects")}
    old = rows[("sast-2023-department-budget.txt", 402)]
    new = rows[("sast-2026-department-budget.txt", 404)]
    assert old["series_id"] == new["series_id"] and 0 < new["series_confidence"] < 1
    assert new["period_start"] == date(2026, 1, 1).isoformat() and new["budget_total_yuan"] == 6272000
    meeting = rows[("sast-2026-department-budget.txt", 1172)]
    form = rows[("sast-2026-performance-targets.txt", 206)]
    assert meeting["linked_project_id"] == form["id"] and form["linked_project_id"] == meeting["id"]
    assert meeting["findings"] == 1 and form["implementing_bodies"] == ["上海市科学技术协会"]
    # the form states the project's exact budget (179,540元; its narrative rounds it to 179,500元): counted
    # there, the narrative is the same project, not counted again
    assert form["budget_counted"] and not meeting["budget_counted"]
    assert new["budget_counted"] and all(
        not r["budget_counted"] for r in rows.values() if r["budget_total_yuan"] is None
    )


def test_export_budget_counted_counts_each_project_once(store: SQLiteStore) -> None:
    """Summed over `budget_counted`, a year's budgets count a project read as narrative and form once: the
    sum of sast-2026's forms' budgets plus those of narratives whose form states none (or that have none),
    the budgets search and cites show."""
    rows = list(export_rows(store, "projects"))
    year = [r for r in rows if r["year"] == 2026 and r["department"] == "上海市科学技术协会"]
    counted = sum(r["budget_total_yuan"] for r in year if r["budget_counted"])
    stated = {r["id"] for r in year if r["budget_total_yuan"] is not None}
    forms = sum(r["budget_total_yuan"] for r in year if r["kind"] == "form" and r["id"] in stated)
    alone = sum(r["budget_total_yuan"] for r in year
                if r["kind"] == "narrative" and r["id"] in stated and r["linked_project_id"] not in stated)  # fmt: skip
    assert counted == forms + alone < sum(r["budget_total_yuan"] for r in year if r["id"] in stated)


def test_export_csv_bom_for_excel(store: SQLiteStore, tmp_path: Path) -> None:
    export(store, ["findings"], "csv", tmp_path, bom=True)
    raw = (tmp_path / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,kind,status")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["resources"][0]["encoding"] == "utf-8-sig"


def test_export_to_stdout(store: SQLiteStore, capsys: pytest.CaptureFixture[str]) -> None:
    result = export(store, ["citations"], "jsonl", "-")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == result.files[0][2] == store.counts()["citations"]
    assert json.loads(lines[0])["canonical"]


@pytest.mark.parametrize(("what", "fmt"), [(["citations"], "parquet"), (["citations", "projects"], "csv")])
def test_export_to_stdout_takes_one_kind_in_text(store: SQLiteStore, what: list[str], fmt: str) -> None:
    with pytest.raises(ExportError, match="one --what"):
        export(store, what, fmt, "-")


def test_export_unknown_kind_is_an_error(store: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export 'budgets'"):
        export(store, ["budgets"], "csv", tmp_path)


def test_export_datapackage_lists_rows() -> None:
    package = datapackage([("findings", "findings.jsonl", 11)], "jsonl")
    [resource] = package["resources"]
    assert resource["stats"] == {"rows": 11} and resource["format"] == "jsonl"
    assert [f["name"] for f in resource["schema"]["fields"]] == [f.name for f in fields_of("findings")]


def test_export_csv_streams_from_the_store(store: SQLiteStore) -> None:
    from budgetscope.store.export import write_csv

    buffer = io.StringIO()
    n = write_csv(export_rows(store, "indicators"), fields_of("indicators"), buffer)
    assert n == store.counts()["indicators"] and buffer.getvalue().count("\n") == n + 1


def test_export_one_kind_at_a_time_merges_the_datapackage(store: SQLiteStore, tmp_path: Path) -> None:
    import frictionless

    export(store, ["projects"], "csv", tmp_path)
    export(store, ["citations"], "jsonl", tmp_path)
    export(store, ["findings"], "csv", tmp_path)
    export(store, ["citations"], "csv", tmp_path)  # the same name again: replaced, not added
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["path"]) for r in descriptor["resources"]] == [
        ("projects", "projects.csv"),
        ("citations", "citations.csv"),
        ("findings", "findings.csv"),
    ]
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


def test_export_merge_keeps_what_was_added_to_the_datapackage(store: SQLiteStore, tmp_path: Path) -> None:
    export(store, ["findings"], "csv", tmp_path)
    path = tmp_path / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["licenses"] = [{"name": "CC-BY-4.0"}]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    export(store, ["findings"], "jsonl", tmp_path)
    merged = json.loads(path.read_text(encoding="utf-8"))
    assert merged["licenses"] == [{"name": "CC-BY-4.0"}]
    assert [r["path"] for r in merged["resources"]] == ["findings.jsonl"]


@pytest.mark.parametrize("content", ["{not json", '{"resources": {"a": 1}}', "[]"])
def test_export_unusable_datapackage_in_the_folder_is_an_error(
    store: SQLiteStore, tmp_path: Path, content: str
) -> None:
    (tmp_path / "datapackage.json").write_text(content, encoding="utf-8")
    with pytest.raises(ExportError, match=r"datapackage\.json"):
        export(store, ["findings"], "csv", tmp_path)
    assert (tmp_path / "datapackage.json").read_text(encoding="utf-8") == content


def test_export_citations_name_the_line_each_citation_is_on(store: SQLiteStore, corpus: Path) -> None:
    """`line` is the project's heading; `citation_line` the line of the text document the citation is on,
    so a reader goes from the row to the words (sast-2026's 科协大院日常修缮项目 cites 全民科学素质行动计划纲要
    on the first line of its 立项依据, not on its heading's)."""
    rows = [r for r in export_rows(store, "citations") if r["citation_line"] is not None]
    assert len(rows) > 300
    texts: dict[str, list[str]] = {}
    for r in rows:
        lines = texts.setdefault(r["doc"], load(corpus / r["doc"]).text.split("\n"))
        assert r["title"][:6] in lines[r["citation_line"] - 1] or (
            r["doc_number"] and r["doc_number"][:6] in lines[r["citation_line"] - 1]
        ), r
    lines = texts["sast-2026-department-budget.txt"]
    upkeep = next(r for r in rows if r["project"] == "科协大院日常修缮项目")
    assert upkeep["citation_line"] > upkeep["line"]
    assert lines[upkeep["citation_line"] - 1].startswith("1、全民科学素质行动计划纲要")


def test_department_totals_is_one_row_per_stated_total_and_table_rows_say_their_row(tmp_path: Path) -> None:
    """A 收支总表's 支出总计 row of several columns (合计, 人员经费, 公用经费, 项目支出: the Shanghai college's unit
    budget) is one department total, its 合计 (the largest cell; it gave four "totals"); export's amounts
    label a table's cell by its row and column."""
    from budgetscope.models import Document
    from budgetscope.models.statements import BudgetLine, BudgetTable
    from budgetscope.store.protocol import DocumentEntry

    title = "2026年预算单位财务收支预算总表"
    cells = [("本年支出/预算数/合计", "408696000"), ("本年支出/预算数/基本支出/人员经费", "229442320"),
             ("本年支出/预算数/基本支出/公用经费", "106868210"), ("本年支出/预算数/项目支出", "72385470")]  # fmt: skip
    table = BudgetTable(title=title, line=3, unit="元", lines=tuple(
        BudgetLine(table=title, line=16, name="支出总计", column=c, yuan=Decimal(v), text=v, unit="元")
        for c, v in cells))  # fmt: skip
    document = Document(doc="unit.txt", path=str(tmp_path / "unit.txt"), kind="department_budget",
                        department="上海交通职业技术学院", year=2026, sha1="1")  # fmt: skip
    with open_store(tmp_path, create=True) as store:
        store.write_documents([DocumentEntry(document, tables=[table])])
        totals = list(store.select("department_totals"))
        amounts = [a for a in export_rows(store, "amounts") if a["source"] == "table"]
    assert [(t["yuan"], t["column_label"]) for t in totals] == [("408696000.00", "本年支出/预算数/合计")]
    assert [a["label"] for a in amounts][:2] == [
        "支出总计 / 本年支出/预算数/合计",
        "支出总计 / 本年支出/预算数/基本支出/人员经费",
    ]
