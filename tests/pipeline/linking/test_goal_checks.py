"""A form's goal text against its own indicator rows (``goal_indicator``), on Chongqing's forms
(corpus/excerpts/chongqing-water-resources-2026-p30-33.pdf) and their goal texts edited."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.models import Indicator, Record
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.linking.audits import project_checks
from budgetscope.pipeline.linking.goal_checks import goal_checks
from budgetscope.pipeline.targets import read_target

EXCERPTS = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"
GOAL = (
    "年度资金实施项目覆盖区县30个以上，支持实施项目数量不少于86个，完工项目验收率达到90%以上，"
    "已建工程项目良性运行比例达到90%以上，移民对后期扶持政策实施满意度不低于80%。"
)


@pytest.fixture(scope="module")
def chongqing() -> list[Record]:
    return read_document(EXCERPTS / "chongqing-water-resources-2026-p30-33.pdf").records


@pytest.fixture(scope="module")
def resettlement(chongqing: list[Record]) -> Record:
    return next(r for r in chongqing if r.name == "水库移民后期扶持")


def _edited(
    record: Record, goal: str, *, key: str = "年度绩效目标", rows: list[Indicator] | None = None
) -> Record:
    assert record.form is not None
    form = record.form.model_copy(
        update={"texts": {key: goal}, "indicators": rows if rows is not None else record.form.indicators}
    )
    return record.model_copy(update={"form": form})


def _statuses(record: Record) -> dict[str, str]:
    return {(c.found or "").split()[1]: c.status for c in goal_checks(record)}


def test_goal_checks_satisfaction_80_in_the_goal_but_90_in_its_row(resettlement: Record) -> None:
    """p31: 当年绩效目标 "…移民对后期扶持政策实施满意度不低于80%", the row 移民对后期扶持政策实施满意度 ≥ 90 %."""
    assert resettlement.form is not None and resettlement.form.texts["年度绩效目标"] == GOAL
    (finding,) = [c for c in goal_checks(resettlement) if c.status == "disagree"]
    assert (finding.kind, finding.severity, finding.project_id) == (
        "goal_indicator",
        "warning",
        resettlement.id,
    )
    assert finding.stated == "移民对后期扶持政策实施满意度不低于80%"
    assert finding.found == "indicator 移民对后期扶持政策实施满意度 ≥90%"
    assert finding.page == resettlement.page == 2 and finding.field == "form.indicators.4"
    assert finding in project_checks([resettlement], [], [], {})


def test_goal_checks_the_other_targets_of_the_goal_agree(resettlement: Record) -> None:
    """不少于86个 against ≥86 个数 (a count's unit), 30个以上 against the row 项目覆盖区县数量 (its name without
    数量), 达到90%以上 against ≥90%; 年度预算执行率 is not in the goal."""
    assert _statuses(resettlement) == {
        "完工项目验收率": "agree",
        "实施项目数量": "agree",
        "项目覆盖区县数量": "agree",
        "已建工程项目良性运行比例": "agree",
        "移民对后期扶持政策实施满意度": "disagree",
    }


def test_goal_checks_units_that_differ_are_not_compared(chongqing: list[Record]) -> None:
    """The department's form: "续建大中型水库27个" against the row ≥27座: not the same unit, no check."""
    department = next(r for r in chongqing if r.kind == "department_form")
    assert department.form is not None and "续建大中型水库27个" in department.form.texts["年度绩效目标"]
    assert goal_checks(department) == []
    assert all(
        goal_checks(r) == [] for r in chongqing if r.name in ("重庆市水利专项资金", "水利行业业务经费")
    )


@pytest.mark.parametrize(
    ("goal", "status"),
    [
        ("移民对后期扶持政策实施满意度不低于90%。", "agree"),
        ("移民对后期扶持政策实施满意度达到90%。", "agree"),  # a comparison on one side only
        ("“移民对后期扶持政策实施满意度”≥90%", "agree"),  # the name in quotes
        ("移民对后期扶持政策实施满意度不超过90%。", "disagree"),  # one number, opposite comparisons
        ("移民对后期扶持政策实施满意度95%以上。", "disagree"),
        ("移民对后期扶持政策实施满意度不低于80分。", None),  # another unit
        ("移民对后期扶持政策实施满意度较上年提高5%。", None),  # words before the number
        (
            "移民对后期扶持政策实施满意度不低于80%，移民对后期扶持政策实施满意度不低于90%。",
            None,
        ),  # twice, two numbers
    ],
)
def test_goal_checks_edited_goal(resettlement: Record, goal: str, status: str | None) -> None:
    assert _statuses(_edited(resettlement, goal)).get("移民对后期扶持政策实施满意度") == status


def test_goal_checks_only_the_goal_of_the_year(resettlement: Record) -> None:
    assert goal_checks(_edited(resettlement, GOAL, key="项目总目标")) == []
    assert len(goal_checks(_edited(resettlement, GOAL, key="年度总体目标"))) == 5


def test_goal_checks_ambiguous_names_are_not_compared(resettlement: Record) -> None:
    assert resettlement.form is not None
    rows = resettlement.form.indicators
    satisfaction = rows[4]
    # a shorter row name inside the longer one the goal gives: only the longer row is compared
    inner = read_target(Indicator(level3="后期扶持政策实施满意度", target="≥80%"))
    assert _statuses(_edited(resettlement, GOAL, rows=[satisfaction, inner])) == {
        "移民对后期扶持政策实施满意度": "disagree"
    }
    # two rows of one name with different targets: which one the goal means is not known
    twin = satisfaction.model_copy(update={"target": "≥80%", "value": Decimal(80)})
    assert _statuses(_edited(resettlement, GOAL, rows=[satisfaction, twin])) == {}
    # a name too short to be this form's alone
    short = read_target(Indicator(level3="满意度", target="≥90%"))
    assert goal_checks(_edited(resettlement, "满意度不低于80%。", rows=[short])) == []
