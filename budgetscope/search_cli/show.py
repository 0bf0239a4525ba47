"""`budgetscope show PROJECT_ID`: one project with its sections, amounts, citations, series and findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Column, Table
from rich.text import Text

from budgetscope.messages import one_line
from budgetscope.models import (
    FORM_TOTAL_KEYS,
    SECTION_KEYS,
    CitedWording,
    money_grouped,
    number_added_note,
    to_json,
)
from budgetscope.models.links import disputes
from budgetscope.search_cli.common import DataConsole, HomeOption, fail, place


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


def _money(value: Any) -> str:
    """``600,000,000.00``: an amount with its fen, never through float, never rounded."""
    if value is None:
        return ""
    return money_grouped(value)


def _flags(findings: Sequence[dict[str, Any]], field: str, yuan: Any = None) -> str:
    """The findings about one number of the project (by field, or by the stated amount), for a table cell."""
    out = []
    for f in findings:
        same = (
            yuan is not None
            and f["stated_yuan"] is not None
            and Decimal(f["stated_yuan"]) == Decimal(str(yuan))
        )
        if f["field"] == field or (same and f["field"] in ("budget_total", None)):
            out.append(f"[{_STYLE.get(f['severity'], '')}]{f['severity']}[/]: {escape(f['message'])}")
    return "\n".join(out)


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "ok": "green"}


def _table(*headers: str, title: str | None = None, title_justify: str = "left") -> Table:
    """A table whose columns wrap long text instead of cutting it."""
    return Table(*(Column(h, overflow="fold") for h in headers), title=title, title_justify="left")


def total_name(p: dict[str, Any]) -> str:
    """What a project's budget total is: a narrative's is its annual budget (六、年度预算安排); a form's is
    named by the label its amount is printed under (年度资金总额 (project_total)), else "annual budget" for
    an annual total and "budget" for another.

    >>> total_name({"kind": "form", "form": {"amounts": {"project_total": 1}, "amount_labels": {"project_total": "实施期资金总额"}}})
    '实施期资金总额 (project_total)'
    >>> total_name({"kind": "form", "form": {"amounts": {"project_total": 1}}}), total_name({"kind": "narrative", "form": None})
    ('budget', 'annual budget')
    """
    form = p.get("form")
    if p["kind"] != "form" or not form:
        return "annual budget"
    key = next((k for k in FORM_TOTAL_KEYS if k in form["amounts"]), None)
    printed = (form.get("amount_labels") or {}).get(key)
    if key is not None and printed:
        return f"{printed} ({key})"
    return "annual budget" if key == "annual_total" else "budget"


def linked_budget(linked: dict[str, Any]) -> str:
    """The budget line of a project that states none itself but whose linked form (or narrative) does:
    the project's budget as search and cites give it, saying where it is from.

    >>> linked_budget({"kind": "form", "doc": "t.txt", "line": 43, "budget_total_yuan": 1106700})
    'budget: 1,106,700.00 元 (from the linked form, t.txt:43; not stated here)'
    """
    kind = "form" if linked["kind"] == "form" else "narrative"
    flagged = "; flagged: see `budgetscope check`" if linked.get("budget_flagged") else ""
    where = place(linked["doc"], linked["line"], linked.get("page"))
    about = "≈" if linked.get("budget_total_approximate") else ""
    return f"budget: {about}{_money(linked['budget_total_yuan'])} 元 (from the linked {kind}, {where}; not stated here{flagged})"


def _reading(i: dict[str, Any]) -> str:
    """How a target reads (``≥ 96 天``, ``qualitative``), empty when it does not read surely."""
    if i.get("qualitative"):
        return "qualitative"
    if i.get("value") is None:
        return ""
    return " ".join(str(x) for x in (i.get("comparison"), i["value"], i.get("unit")) if x is not None)


def _indicators(rows: list[dict[str, Any]], title: str, findings: Sequence[dict[str, Any]] = ()) -> Table:
    """A form's indicator table: the levels, the target as printed and as read (and the weight, when printed;
    a finding about a row — its goal text states another target — beside it)."""
    weights = any(i.get("weight") is not None for i in rows)
    flags = [_flags(findings, f"form.indicators.{n}") for n in range(len(rows))]
    table = _table("一级", "二级", "三级", "target", "reads as", *(["weight"] if weights else []),
                   *(["finding"] if any(flags) else []), title=title)  # fmt: skip
    for i, flag in zip(rows, flags, strict=True):
        cells = [escape(str(i[k] or "")) for k in ("level1", "level2", "level3", "target")]
        cells.append(escape(_reading(i)))
        if weights:
            cells.append("" if i.get("weight") is None else str(i["weight"]))
        table.add_row(*cells, *([flag] if any(flags) else []))
    return table


def render(details: dict[str, Any]) -> Group:
    """A readable rendering of a project's view (:meth:`budgetscope.models.ProjectView.contract`)."""
    p = details["project"]
    # the findings that dispute this project's own numbers (flagged beside them); a finding that only
    # measured another project against this one is listed with the findings below, not here
    findings = [f for f in details["findings"] if disputes(f, p["id"])]
    head = Text()
    head.append(f"{one_line(p['name'] or p['title'])}\n", style="bold")
    head.append(
        f"{p['id']}  {p['kind']}  {place(p['doc'], p['line'], p.get('page'))}  {one_line(p['department'] or '?')}  {p['year'] or '?'}\n"
    )
    if p["period"]:
        head.append(f"period: {p['period']['start']} → {p['period']['end']}  ({p['period']['text']})\n")
        if flags := _flags(findings, "period"):
            head.append_text(Text.from_markup("  ⚠ " + flags + "\n"))
    if p["budget_total_yuan"] is not None:
        about = "≈" if p.get("budget_total_approximate") else ""  # 约27万元: the text says it is not exact
        head.append(
            f"{total_name(p)}: {about}{_money(p['budget_total_yuan'])} 元{' (approximate)' if about else ''}\n"
        )
        if flags := _flags(findings, "budget_total"):
            head.append_text(Text.from_markup("  ⚠ " + flags.replace("\n", "\n  ⚠ ") + "\n"))
    elif (o := details["linked"]) and o.get("budget_total_yuan") is not None:
        head.append(linked_budget(o) + "\n")
    if p["implementing_bodies"]:
        head.append("implementing bodies: " + "、".join(p["implementing_bodies"]) + "\n")
    parts: list[Any] = [Panel(head, title="project", expand=True)]
    sections = [(k, p["sections"].get(k)) for k in SECTION_KEYS if k in p["sections"]]
    for key, text in sections:
        parts.append(Panel(Text(text if text else "—"), title=key, title_align="left"))
    headings = (p["form"] or {}).get("text_labels") or {}  # 总体目标: the form's label of its 年度绩效目标
    for label, text in ((p["form"] or {}).get("texts") or {}).items():  # a form's 年度总体目标 …, as printed
        title = Text(headings.get(label) or label)
        parts.append(Panel(Text(text if text else "—"), title=title, title_align="left"))
    if p["form"]:
        f = p["form"]
        form = _table("field", "value", "finding", title="form", title_justify="left")
        for name in ("nature", "category", "department", "implementer", "start", "end"):
            form.add_row(name, escape(str(f[name] or "")), "")
        printed = f.get("amount_labels") or {}
        for name, yuan in f["amounts"].items():
            shown = f"{printed[name]} ({name})" if name in printed else name
            form.add_row(escape(shown), _money(yuan), _flags(findings, f"form.{name}"))
        parts.append(form)
        if f["components"]:  # 子项目, or a department's key tasks with what they do and are to achieve
            more = [k for k in ("text", "goal") if any(c.get(k) for c in f["components"])]
            comp = _table("name", "yuan", *({"text": "content"}.get(k, k) for k in more),
                          title="key tasks" if more else "components", title_justify="left")  # fmt: skip
            for c in f["components"]:
                comp.add_row(escape(c["name"]), _money(c["yuan"]), *(escape(c.get(k) or "") for k in more))
            parts.append(comp)
        if f["indicators"]:
            parts.append(_indicators(f["indicators"], "indicators", findings))
    if p["amounts"]:
        amounts = _table("text", "yuan", "role", "section", "finding", title="amounts", title_justify="left")
        for a in p["amounts"]:
            flag = _flags(findings, "", a["yuan"]) if a["role"] in ("total", "fiscal") else ""
            yuan = ("≈" if a.get("approximate") else "") + _money(a["yuan"])  # 约5.4万元: its text is 5.4万元
            amounts.add_row(escape(a["text"]), yuan, a["role"], escape(a["section"] or ""), flag)
        parts.append(amounts)
    if p["citations"]:
        cites = _table("as written", "文号", "section", "canonical", title="citations", title_justify="left")
        for c in p["citations"]:
            note = number_added_note(c["doc_number"], c.get("wording"))
            number = (c["doc_number"] or "") + (f" ({note})" if c.get("doc_number_inferred") else "")
            cites.add_row(
                escape(_as_written(c)),
                escape(number),
                *(escape(c[k] or "") for k in ("section", "canonical_title")),
            )
        parts.append(cites)
    if details["series"] and len(details["series"]["members"]) > 1:
        s = details["series"]
        series = _table("", "year", "kind", "name", "where", "confidence",
                       title=f"the same project elsewhere ({s['id']})", title_justify="left")  # fmt: skip
        for m in s["members"]:
            series.add_row("▶" if m["this"] else "", str(m["year"] or ""), m["kind"], escape(m["name"]),
                           escape(place(m['doc'], m['line'], m.get('page'))), f"{m['confidence']:.2f}")  # fmt: skip
        parts.append(series)
        years = _table("year", "budget total 元", "form total 元", "change 元", "change %", "findings",
                       title="budget by year", title_justify="left")  # fmt: skip
        for y in s["years"]:
            change = "" if y["change_yuan"] is None else ("+" if Decimal(str(y["change_yuan"])) > 0 else "")
            change += _money(y["change_yuan"])
            if change and y.get("change_approximate"):  # one of the two years' budgets is approximate
                change = "≈" + change
            if change and y.get("change_flagged"):  # one of the two years' budgets is disputed
                change += " ⚠"
            percent = "" if y["change_percent"] is None else f"{Decimal(str(y['change_percent'])):+}%"
            # a finding calls the year's budget an error
            flag = " ⚠ flagged" if y.get("budget_flagged") else ""
            about = "≈" if y.get("budget_approximate") and y["budget_total_yuan"] is not None else ""
            years.add_row(str(y["year"]), about + _money(y["budget_total_yuan"]) + flag, _money(y["form_total_yuan"]), change,
                          percent, str(y["findings"] or ""))  # fmt: skip
        parts.append(years)
    if details["linked"]:
        o = details["linked"]
        parts.append(Text(f"{'form' if o['kind'] == 'form' else 'narrative'} of the same project: {one_line(o['name'] or '')} "
                          f"({place(o['doc'], o['line'], o.get('page'))}, {o['id']})"))  # fmt: skip
        if o.get("indicators") and not (p["form"] and p["form"]["indicators"]):
            parts.append(_indicators(o["indicators"], "indicators (of the linked form)"))
    if details["checks"]:
        checks = _table("severity", "status", "kind", "message", "id", title="checks", title_justify="left")
        for c in details["checks"]:
            severity = "reviewed" if c["reviewed"] else c["severity"]
            checks.add_row(
                severity, c["status"], c["kind"], escape(c["message"]), c["id"].removeprefix("check:")[:12]
            )
        parts.append(checks)
    return Group(*parts)


def command(
    project_id: Annotated[
        str,
        typer.Argument(
            help="Project id, a unique id prefix (6+ characters; search's #id8), DOC:LINE (any line of the "
            "project, as `list projects` and search print it), DOC p.N (a PDF's page) or the exact name."
        ),
    ],
    home: HomeOption = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")] = ShowFormat.table,
) -> None:
    """Show one project: sections, amounts, period, citations, the same project in other years, findings."""
    import budgetscope
    from budgetscope.api import LineOutOfRange
    from budgetscope.store.protocol import StoreError

    try:
        details = budgetscope.open(home).project(project_id).contract()
    except LineOutOfRange as exc:  # DOC:LINE past the end of the text: a bad argument, as click's exit 2
        raise fail(str(exc), code=2) from None
    except (StoreError, budgetscope.BudgetscopeError) as exc:
        raise fail(str(exc)) from None
    if format is ShowFormat.json:
        print(to_json(details, indent=1))
    else:
        DataConsole(file=sys.stdout, highlight=False).print(render(details))


def _as_written(citation: dict[str, Any]) -> str:
    """A citation of ``show --format json`` as the document writes it (:attr:`CitedWording.quoted`)."""
    fields = ("title", "doc_number", "bracketed", "wording")
    return CitedWording(**{k: citation[k] for k in fields if citation.get(k) is not None}).quoted
