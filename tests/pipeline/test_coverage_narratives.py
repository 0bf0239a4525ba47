"""A narrative read short of its sections is named, never stored as complete: a file cut off inside its
last narrative (stcsm-2025 cut after 科技创新发展项目's overview, as the review did: its first 1592 lines),
or a narrative whose later headings were not recognised (stcsm-2025 with one narrative's 二…七 headings
run into their first paragraph, 二、立项依据：按照…, so they read as its overview's text). Narratives that really print fewer sections
(sast-2023 and sast-2026 stop several after 四、实施方案) are no problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import budgetscope
from budgetscope.pipeline.document import read_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
STCSM = CORPUS / "stcsm-2025-department-budget.txt"
LAST = "科技创新发展项目"
SHORT = "section headings its document's other narratives have"


def _cut(tmp_path: Path, lines: int) -> Path:
    path = tmp_path / "stcsm-2025-department-budget.txt"
    path.write_text(
        "\n".join(STCSM.read_text(encoding="utf-8").splitlines()[:lines]) + "\n", encoding="utf-8"
    )
    return path


def _short(problems: list[str]) -> list[str]:
    return [p for p in problems if SHORT in p]


def test_coverage_narratives_file_cut_after_an_overview_is_named(tmp_path: Path) -> None:
    document = read_document(_cut(tmp_path, 1592))
    last = document.records[-1]
    assert (last.name, last.line, list(last.section_spans)) == (LAST, 1586, ["overview"])
    assert document.coverage is not None and document.coverage.short
    assert _short(document.coverage.problems) == [
        f"narrative '{LAST}' (line 1586): only 1 of the 7 {SHORT} (项目概述); the file ends inside it: "
        "the text may be cut off"
    ]
    assert any(LAST in w and "line 1586" in w and w.startswith("coverage short") for w in document.warnings)


@pytest.mark.parametrize(
    ("lines", "read"), [(1606, 2), (1620, 3)], ids=["in-legal-basis", "in-implementing-body"]
)
def test_coverage_narratives_file_cut_in_an_early_section_is_named(
    tmp_path: Path, lines: int, read: int
) -> None:
    document = read_document(_cut(tmp_path, lines))
    assert len(document.records[-1].section_spans) == read
    assert document.coverage is not None
    (problem,) = _short(document.coverage.problems)
    assert problem.startswith(f"narrative '{LAST}' (line 1586): only {read} of the 7")


def test_coverage_narratives_missed_headings_are_named(tmp_path: Path) -> None:
    lines = STCSM.read_text(encoding="utf-8").splitlines()
    start = lines.index("集成电路设计支持及技术服务项目经费情况说明")  # line 705
    end = lines.index("“创·在上海”国际创新创业大赛项目经费情况说明")
    for i in range(start + 1, end):
        if lines[i][:2] in (
            "二、",
            "三、",
            "四、",
            "五、",
            "六、",
            "七、",
        ):  # run into its paragraph: no heading
            lines[i], lines[i + 2] = f"{lines[i]}：{lines[i + 2]}", ""
    path = tmp_path / "stcsm-2025-department-budget.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = read_document(path)
    assert document.coverage is not None
    (problem,) = _short(document.coverage.problems)
    assert problem.startswith("narrative '集成电路设计支持及技术服务项目' (line 705): only 1 of the 7")
    assert problem.endswith("headings were probably not recognised, or the text is cut off")


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_coverage_narratives_corpus_texts_are_not_short(name: str) -> None:
    # sast-2026 stops 科技社团赋能… after 四、实施方案 at the end of the file, as published: no problem
    document = read_document(CORPUS / name)
    assert document.coverage is not None and not document.coverage.short
    assert not [w for w in document.warnings if SHORT in w]


def test_coverage_narratives_cut_file_counts_as_a_coverage_gap(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    path = _cut(tmp_path, 1592)
    with budgetscope.open(tmp_path / "home") as bs:
        summary = bs.ingest([path], index=False)
        assert summary.coverage_gaps == 1
        (doc,) = bs.documents()
        assert [w for w in doc.warnings if LAST in w and SHORT in w]
        page = TestClient(create_app(Data(bs))).get("/browse").text
    assert "有缺漏 short" in page and f"narrative &#39;{LAST}&#39; (line 1586)" in page
