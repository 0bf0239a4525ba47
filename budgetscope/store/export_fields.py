"""What each export holds: its fields (name, Table Schema type, meaning) and the view it streams from.

One declaration drives the CSV header, the Parquet schema and the data package. Amounts carry the
Fiscal Data Package's ``columnType`` annotations and :data:`FDP_MODEL` (measure ``amount`` in CNY;
fiscal year, administrative classification = department, functional and economic classification
codes where the department's tables give them).

Example:
    >>> [f.name for f in fields_of("findings")][:3]
    ['id', 'kind', 'status']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from budgetscope.errors import BudgetscopeError


class ExportError(BudgetscopeError):
    """An export cannot be written (bad combination of options, missing pyarrow); one-line message."""


class ExportKind(StrEnum):
    """What can be exported (``--what``)."""

    projects = "projects"
    sections = "sections"
    amounts = "amounts"
    citations = "citations"
    policy_documents = "policy-documents"
    indicators = "indicators"
    findings = "findings"
    series = "series"


MONEY_TYPE = ("decimal128", 20, 2)
"""Parquet type of amounts: 18 digits of yuan and 2 of fen, exact. A file holding an amount finer than a fen
(1.23456789万元 = 12345.6789元, flagged ``finer_than_fen``) widens its money columns to that amount's scale
(:func:`money_scale`): ``decimal128(18 + s, s)``, never a rounded or a refused amount."""
DECIMAL_TYPE = ("decimal128", 26, 8)
"""Parquet type of other exact numbers (a target's number, a weight): 18 digits and 8 decimals, the most
:func:`budgetscope.pipeline.targets.parse_target` reads."""


@dataclass(frozen=True)
class Field:
    """One exported column: its name, Table Schema type and meaning (plus Fiscal Data Package role)."""

    name: str
    type: str
    description: str
    column_type: str | None = None
    """Fiscal Data Package ``columnType`` (amounts only)."""

    @property
    def money(self) -> bool:
        """An exact amount in yuan: a :class:`~decimal.Decimal` in rows, decimal text in CSV and JSONL, a
        JSON number written from that text, Parquet ``decimal128``; Table Schema ``number``."""
        return self.type == "money"

    @property
    def exact(self) -> bool:
        """An exact number: an amount, or a ``decimal`` (a target's number, a weight) — a :class:`~decimal.Decimal`
        in rows, decimal text in the store and CSV, Parquet ``decimal128`` (see :data:`DECIMAL_TYPE`)."""
        return self.type in ("money", "decimal")

    def descriptor(self) -> dict[str, Any]:
        kind = "number" if self.exact else self.type
        out: dict[str, Any] = {"name": self.name, "type": kind, "description": self.description}
        if self.exact:
            out["bareNumber"] = True
        if self.column_type:
            out["columnType"] = self.column_type
        return out


def _f(spec: str) -> list[Field]:
    """Fields from lines ``name type description``."""
    out = []
    for line in filter(str.strip, spec.splitlines()):
        name, kind, description = line.split(maxsplit=2)
        column_type = None
        if "|" in description:
            description, column_type = (p.strip() for p in description.split("|", 1))
        out.append(Field(name, kind, description, column_type))
    return out


def money_scale(rows: Iterable[dict[str, Any]], fields: Sequence[Field]) -> int:
    """The decimals of a file's money columns: 2 (fen), more when an amount of ``rows`` has more.

    >>> from decimal import Decimal
    >>> money = [Field("amount", "money", "")]
    >>> money_scale([{"amount": Decimal("7150000.00")}], money), money_scale([{"amount": Decimal("12345.6789")}], money)
    (2, 4)
    """
    names = [f.name for f in fields if f.money]
    scale = MONEY_TYPE[2]
    for row in rows:
        for name in names:
            value = row[name]
            if value is not None and value.is_finite():
                scale = max(scale, -int(value.normalize().as_tuple().exponent))
    return min(scale, 38 - 18)


PROJECT_REF = """
project_id string id of the project (narrative or form) it belongs to
doc string source file name
year integer budget year
department string department (预算主管部门)
project string project name
"""

EXPORTS: dict[ExportKind, tuple[str, str, list[Field]]] = {
    ExportKind.projects: (
        "export_projects",
        "Project narratives (项目经费情况说明) and performance forms (绩效目标申报表)",
        _f("""
id string project id (stable: same input, same id)
kind string narrative, form, or department_form (a department-wide form, not a project)
doc string source file name
line integer 1-based line of the heading (text input)
page integer 1-based page (PDF input)
department string department (预算主管部门)
year integer budget year
title string heading verbatim
name string project name
budget_total_yuan money annual budget in yuan as stated (exact: 2 decimals, more when the text gives more, see budget_total_finer_than_fen; an approximate figure where budget_total_approximate)
period_start date start of the implementation period
period_end date end of the implementation period
period_text string period as written
implementing_bodies array organizations named as implementing the project
nature string form: 项目性质
category string form: 项目类别
implementer string form: 实施单位
amounts integer number of amounts found in the narrative's text (0 for a form: its amounts are its fields, in export --what amounts)
citations integer number of cited policy documents
series_id string the same project across years and documents
series_confidence number how sure the series membership is: a 0-1 score from the linker's similarity, not an exact figure (Parquet double)
linked_project_id string the form of this narrative (or the narrative of this form), same year
findings integer number of findings about the project
budget_flagged boolean an unreviewed error-level finding disputes the project's numbers (a likely 万元/元 slip, a total its form contradicts): its budget is not fact (see budgetscope check)
code string the project's code when its name starts with one (Beijing's 11000022T000000428124-中国国际服务贸易交易会: 11000022T000000428124), a key across years
budget_counted boolean the one record of the project whose budget a sum counts, as search shows it: the form's (its exact figure) when it states one, else its linked narrative's (a project read as narrative and form is not counted twice); false without a budget, for a department-wide form and for a budget an error-level finding disputes (budget_flagged: not fact, left out of sums as /browse and changes leave it out)
budget_total_approximate boolean the budget total is read from an amount the text says is not exact (预算人民币约27万元, 100万元左右, a range's end): not an exact figure; empty for a project stored before it was kept (until the next ingest)
budget_total_finer_than_fen boolean the budget total has more decimals than fen (1.23456789万元 = 12345.6789元): a budget is never finer than a fen, so the figure is suspect (a misread or a slip); the store's fen column is empty for it (a SQL SUM of fen leaves it out), Parquet widens the file's money columns to hold it
"""),
    ),
    ExportKind.sections: (
        "export_sections",
        "Sections of narratives (一、项目概述 … 七、绩效目标) and free-text fields of forms",
        _f(f"""
id string section id
{PROJECT_REF}
source string narrative (numbered section) or form (free-text field)
key string section key (overview … goals) or the form field's label
heading string heading as written
text string section text
line integer 1-based line of the heading
start integer character offset of the section in the source
end integer character offset of the end of the section
"""),
    ),
    ExportKind.amounts: (
        "export_amounts",
        "Amounts in yuan: narrative and form amounts of projects, and the department's own tables",
        _f("""
id string amount id
project_id string project the amount belongs to (empty for department tables)
doc string source file name
source string narrative, form, component (子项目 of a form) or table (department budget table)
project string project name, or the table row's name (after the numbered rows it is printed under: `一、本年收入 / （一）一般公共预算拨款`)
fiscal_year integer budget year | date:fiscal-year
administrative_classification string department (预算主管部门) | administrative-classification:generic:name
functional_classification string 支出功能分类科目 code (类款项) where a table gives it | functional-classification:generic:code
economic_classification string 部门预算经济分类科目 code where a table gives it | economic-classification:generic:code
role string total, fiscal, self_raised, component or other (a project form's total: its annual_total, else its project_total)
section string narrative section key, 'form', or the table's title
column_label string form field (annual_total, project_total, fiscal_current … as in form.amounts) or table column, by its header path (`支出/部门预算支出经济分类科目/预算数`)
label string the label the amount is printed under: a form's (年度资金总额, 实施期资金总额, 项目当年预算 … whatever its key), a table's row and column (`一、财政拨款收入 / 收入/预算数`); empty for a narrative's amounts and where the form reader did not see it
text string amount as written (narratives and tables; empty for a form's amounts, read from its cells: see column_label and page)
amount money amount in yuan (exact: 2 decimals, more when the text gives more, see finer_than_fen) | value
currency string ISO 4217 currency code (CNY)
line integer 1-based line (project heading or table row)
page integer PDF page: the project's (its first page) for a narrative's or a form's amounts, the row's for a department table's; empty for text documents
start integer character offset within the section
end integer character offset of the amount's end within the section
approximate boolean the text says the amount is not exact: 约27万元 (约, 近, 逾 before it), 50万元左右 (左右, 上下 after it), 100余万元, either end of a range (100万元-120万元, 10-15万元); false for a form's, a component's and a table's amounts, read from their cells
finer_than_fen boolean the amount has more decimals than fen (1.23456789万元 = 12345.6789元): a budget is never finer than a fen, so the figure is suspect (a misread or a slip); the store's fen column is empty for it (a SQL SUM of fen leaves it out), Parquet widens the file's money columns to hold it
"""),
    ),
    ExportKind.citations: (
        "export_citations",
        "Policy documents cited by projects, with their canonical identity",
        _f(f"""
id string citation id
{PROJECT_REF}
line integer 1-based line of the project heading
page integer 1-based page of the project (PDF input)
citation_line integer 1-based line the citation is on (text input; empty where unknown: a PDF, a form's field)
section string section key where the citation is
title string cited title as written (inside 《》)
doc_number string 文号 given with it
bracketed boolean written inside 《》
canonical string canonical policy document id
canonical_title string canonical policy document title
wording string the citation as the document writes it: the title with its 《》 and its 文号, in the document's order (empty for a citation stored by an earlier version, until the next ingest)
doc_number_inferred boolean the 文号 is written without its 号, which the last 文号 of its list carries; doc_number has it added
version_inferred boolean the citation names no version of a document that has several (no years in its title, no 文号 of one): canonical is the version in force in the citing year
"""),
    ),
    ExportKind.policy_documents: (
        "export_policy_documents",
        "Canonical policy documents with aliases and 文号",
        _f("""
id string canonical policy document id
title string canonical title
family string title without its version years
version string version (years in the title)
ambiguous boolean the version could not be told from the evidence
aliases array other titles it is cited by
doc_numbers array 文号 seen for it
projects integer projects citing it
citations integer citations of it
years array budget years of the projects citing it
"""),
    ),
    ExportKind.indicators: (
        "export_indicators",
        "Performance indicators (绩效指标) of forms",
        _f(f"""
id string indicator id
{PROJECT_REF}
position integer row number within the form (0-based)
level1 string 一级指标
level2 string 二级指标
level3 string 三级指标
target string 指标值 as written (verbatim; the columns below are read from it, empty when it does not read surely: a range, a date, words around the number)
comparison string the target's comparison: ≥, ≤, =, > or < (≧ >= ＞＝ 不少于 … normalized; empty when none is printed)
value decimal the target's number as printed (exact; a multiplier stays in the unit: ≥1.8万人次 is 1.8 万人次)
unit string the target's unit as printed (天, 个, %, 万元, 元/人 …; (%) without its parentheses)
qualitative boolean true for a target of words only (良好, 有效提升), false for a number, empty when it does not read
weight decimal the row's 分值 / 权重 where the form prints one
"""),
    ),
    ExportKind.findings: (
        "export_findings",
        "Disagreements: narrative vs form of a project, stated totals vs tables",
        _f("""
id string finding id
kind string magnitude, project_sum, table_sum, period_year, annual_budget, department_total, forms_total, listed_project, goal_indicator, narrative_form_amount, narrative_form_period or narrative_form_name
status string disagree, missing or differs
severity string error, warning or info
doc string source file name of the stated value
page integer 1-based page of the stated value (PDF input)
line integer 1-based line of the stated value
project_id string project concerned
other_id string the other project compared (its form, the same project in another year)
field string the project's number concerned: budget_total, form.<key>, period, name, or the table cell
subject string what was compared
stated string value as stated
stated_yuan money stated amount in yuan
found string value found elsewhere (with its place)
found_yuan money amount found in yuan
other_doc string source file of the value found
other_page integer page of the value found
other_line integer line of the value found
difference_yuan money found minus stated, in yuan
message string one-line explanation
"""),
    ),
    ExportKind.series: (
        "",
        "The same project across years: one row per series and budget year, with the change",
        _f("""
id string series id and year
series_id string the series (the same project across years and documents)
year integer budget year
department string department (预算主管部门)
name string project name that year
project_id string the year's narrative (else its form)
form_id string the year's performance form
doc string source file of project_id
line integer 1-based line of its heading
projects integer records of the series that year (narrative, form, other documents)
budget_total_yuan money the year's annual budget (the form's exact figure, else the narrative's, as search shows it)
form_total_yuan money the form's 年度资金总额
previous_year integer the nearest earlier year with a budget total
change_yuan money budget_total_yuan minus that year's
change_percent decimal change in percent of that year's (exact, 1 decimal; Parquet decimal128(26, 8))
findings integer findings about the year's projects
budget_flagged boolean an unreviewed error-level finding disputes the numbers of the year's projects: budget_total_yuan is not fact
change_flagged boolean this year's or the previous year's budget is flagged: the change is not fact either
budget_approximate boolean the year's budget is read from an amount the text gives as approximate (约27万元, 100万元左右): not an exact figure
change_approximate boolean this year's or the previous year's budget is approximate: the change is not exact either
"""),
    ),
}
"""Per export kind: the store view it streams from (empty: computed, see :func:`budgetscope.store.export.export_rows`),
a description, and its fields."""

FDP_MODEL: dict[str, Any] = {
    "measures": {"amount": {"source": "amount", "currency": "CNY"}},
    "dimensions": {
        "fiscal-period": {"dimensionType": "datetime", "primaryKey": "fiscal_year",
                          "attributes": {"fiscal_year": {"source": "fiscal_year"}}},
        "administrative-classification": {"dimensionType": "classification", "classificationType": "administrative",
                                          "primaryKey": "administrative_classification",
                                          "attributes": {"administrative_classification":
                                                         {"source": "administrative_classification"}}},
        "functional-classification": {"dimensionType": "classification", "classificationType": "functional",
                                      "primaryKey": "functional_classification",
                                      "attributes": {"functional_classification": {"source": "functional_classification"}}},
        "economic-classification": {"dimensionType": "classification", "classificationType": "economic",
                                    "primaryKey": "economic_classification",
                                    "attributes": {"economic_classification": {"source": "economic_classification"}}},
    },
}  # fmt: skip
"""Fiscal Data Package model of the amounts resource."""


def kind_of(what: ExportKind | str) -> ExportKind:
    try:
        return ExportKind(what)
    except ValueError as exc:
        raise ExportError(
            f"unknown export {what!r}; choose from {', '.join(k.value for k in ExportKind)}"
        ) from exc


def fields_of(what: ExportKind | str) -> list[Field]:
    """The fields of an export kind, in column order."""
    return EXPORTS[kind_of(what)][2]


__all__ = ["EXPORTS", "FDP_MODEL", "ExportError", "ExportKind", "Field", "fields_of", "kind_of"]
