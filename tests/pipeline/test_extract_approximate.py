"""An approximate amount is read and written as approximate, never as an exact figure.

From stcsm-2025-department-budget.txt: 博士后科研工作站建设项目 (line 809) states its budget as "预算人民币约27万元"
and its quarterly split as "约5.4万元"; 上海实验动物研究中心's project (line 1210) states its year's amount
in the overview only ("本项目2025年申请预算资金629万元"), edited to "约629万元" for the approximate case.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from budgetscope.models import Record, to_json
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents

STCSM = "stcsm-2025-department-budget.txt"


def _records(path: Path) -> dict[int | None, Record]:
    return {r.line: r for r in extract_documents([read_document(path)])[0].records}


def test_extract_approximate_budget_total_and_amounts(corpus: Path) -> None:
    records = _records(corpus / STCSM)
    station = records[809]
    assert station.name == "博士后科研工作站建设项目"
    assert "预算人民币约27万元" in (station.sections["budget"] or "")
    assert (station.budget_total_yuan, station.budget_total_approximate) == (Decimal("270000"), True)
    line = json.loads(to_json(station.contract(flags=[])), parse_float=Decimal)
    assert (line["budget_total_yuan"], line["budget_total_approximate"]) == (Decimal("270000.00"), True)
    assert [(a["text"], a["role"], a["approximate"]) for a in line["amounts"]][:2] == [
        ("27万元", "total", True),  # its text is the number: the 约 before it is what says it is not exact
        ("5.4万元", "other", True),
    ]
    exact = [r for r in records.values() if r.budget_total_yuan is not None and r.line != 809]
    assert exact and not any(r.budget_total_approximate for r in exact)
    written = [json.loads(to_json(r.contract(flags=[]))) for r in exact]
    assert {a["approximate"] for r in written for a in r["amounts"]} == {False}


def test_extract_approximate_total_stated_in_another_section(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / STCSM).read_text(encoding="utf-8")
    said = "本项目2025年申请预算资金629万元"
    assert said in text
    assert _records(corpus / STCSM)[1210].budget_total_approximate is False
    (tmp_path / STCSM).write_text(
        text.replace(said, "本项目2025年申请预算资金约629万元", 1), encoding="utf-8"
    )
    animals = _records(tmp_path / STCSM)[1210]
    assert (animals.budget_total_yuan, animals.budget_total_approximate) == (Decimal("6290000"), True)


def test_extract_approximate_contract_without_checks_says_so() -> None:
    r = Record(id="x", kind="narrative", doc="a.txt", title="t", budget_total_yuan=Decimal(5))
    unchecked = r.contract()
    assert (unchecked["budget_flagged"], unchecked["flags"]) == (None, None)  # not checked: not "fine"
    assert (r.contract(flags=[])["budget_flagged"], r.contract(flags=[])["flags"]) == (False, [])
    flagged = r.contract(flags=["magnitude", "annual_budget", "magnitude"])
    assert (flagged["budget_flagged"], flagged["flags"]) == (True, ["annual_budget", "magnitude"])
