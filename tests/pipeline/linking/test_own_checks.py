"""The checks a document's records need nothing else for flag the budgets ingest's same checks flag.

No bundled document trips one (they are checked below), so two passages are edited minimally:
sast-2026-department-budget.txt's 科技创新后备人才培养项目 (line 522) also states a programme total
("…218万元，项目总预算654万元，", as tests/pipeline/test_money_annual.py does), and sast-2023-department-budget.txt's
2023年度科协大院日常运行与维护项目 (line 402) writes its total in 元 with 万元 left after it
("该项目总资金为1067.5万元" → "10675000万元"): 10,000× its own 子项目 448.3万元 + 231.7万元 + ….
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.models import Record
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents
from budgetscope.pipeline.linking.annual_checks import annual_checks
from budgetscope.pipeline.linking.own_checks import budget_flags, own_checks, own_flags

EDITS = {
    "sast-2026-department-budget.txt": (
        "本年度安排项目预算资金218万元，完成举办",
        "本年度安排项目预算资金218万元，项目总预算654万元，完成举办",
    ),
    "sast-2023-department-budget.txt": ("该项目总资金为1067.5万元。", "该项目总资金为10675000万元。"),
}


def edited(corpus: Path, folder: Path) -> list[Path]:
    """The two documents with their one edit each (:data:`EDITS`), written into ``folder``."""
    out = []
    for name, (old, new) in EDITS.items():
        text = (corpus / name).read_text(encoding="utf-8")
        assert text.count(old) == 1
        (folder / name).write_text(text.replace(old, new), encoding="utf-8")
        out.append(folder / name)
    return out


def _records(path: Path) -> list[Record]:
    return extract_documents([read_document(path)])[0].records


def test_own_checks_flag_nothing_in_the_bundled_documents(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        assert own_flags(_records(path)) == {}, path.name


@pytest.mark.parametrize(
    ("name", "line", "kind"),
    [
        ("sast-2026-department-budget.txt", 522, "annual_budget"),
        ("sast-2023-department-budget.txt", 402, "magnitude"),
    ],
)
def test_own_checks_flag_an_unsure_budget(
    corpus: Path, tmp_path: Path, name: str, line: int, kind: str
) -> None:
    edited(corpus, tmp_path)
    records = _records(tmp_path / name)
    (flagged,) = [r for r in records if r.line == line]
    assert own_flags(records) == {flagged.id: [kind]}
    (check,) = [c for c in own_checks(records) if c.severity == "error"]
    assert (check.kind, check.project_id, check.field) == (kind, flagged.id, "budget_total")
    if kind == "magnitude":
        assert "its own components" in check.message and "10675000万元" in check.message


def test_own_checks_budget_flags_takes_unreviewed_errors_only(corpus: Path, tmp_path: Path) -> None:
    edited(corpus, tmp_path)
    records = _records(tmp_path / "sast-2026-department-budget.txt")
    (check,) = [c for r in records for c in annual_checks(r)]
    assert budget_flags([check]) == {check.project_id: ["annual_budget"]}
    assert budget_flags([check.model_copy(update={"reviewed": True})]) == {}  # reviewed: a false positive
    assert budget_flags([check.model_copy(update={"severity": "warning"})]) == {}
