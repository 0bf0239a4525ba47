"""`budgetscope show PROJECT_ID`: one project with its sections, amounts, citations, series and findings."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Column, Table
from rich.text import Text

from budgetscope.models import SECTION_KEYS
from budgetscope.search_cli.common import fail
from budgetscope.search_cli.ingest import HomeOption


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


def _table(*headers: str, title: str | None = None, title_justify: str = "left") -> Table:
    """A table whose columns wrap long text instead of cutting it."""
    return Table(*(Column(h, overflow="fold") for h in headers), title=title, title_justify="left")


def render(details: dict[str, Any]) -> Group:
    """A readable rendering of a project's view (:meth:`budgetscope.models.ProjectView.contract`)."""
    p = details["project"]
    head = Text()
    head.append(f"{p['name'] or p['title']}\n", style="bold")
    head.append(
        f"{p['id']}  {p['kind']}  {p['doc']}:{p['line']}  {p['department'] or '?'}  {p['year'] or '?'}\n"
    )
    if p["period"]:
        head.append(f"period: {p['period']['start']} → {p['period']['end']}  ({p['period']['text']})\n")
    if p["budget_total_yuan"] is not None:
        head.append(f"annual budget: {p['budget_total_yuan']:,} 元\n")
    if p["implementing_bodies"]:
        head.append("implementing bodies: " + "、".join(p["implementing_bodies"]) + "\n")
    parts: list[Any] = [Panel(head, title="project", expand=True)]
    sections = [(k, p["sections"].get(k)) for k in SECTION_KEYS if k in p["sections"]]
    for key, text in sections:
        parts.append(Panel(Text(text if text else "—"), title=key, title_align="left"))
    if p["form"]:
        f = p["form"]
        form = _table("field", "value", title="form", title_justify="left")
        for name in ("nature", "category", "department", "implementer", "start", "end"):
            form.add_row(name, str(f[name] or ""))
        for name, yuan in f["amounts"].items():
            form.add_row(name, f"{yuan:,}")
        parts.append(form)
        if f["indicators"]:
            ind = _table("一级", "二级", "三级", "target", title="indicators", title_justify="left")
            for i in f["indicators"]:
                ind.add_row(*(str(i[k] or "") for k in ("level1", "level2", "level3", "target")))
            parts.append(ind)
    if p["amounts"]:
        amounts = _table("text", "yuan", "role", "section", title="amounts", title_justify="left")
        for a in p["amounts"]:
            amounts.add_row(a["text"], f"{a['yuan']:,}", a["role"], a["section"])
        parts.append(amounts)
    if p["citations"]:
        cites = _table("title", "文号", "section", "canonical", title="citations", title_justify="left")
        for c in p["citations"]:
            cites.add_row(c["title"], c["doc_number"] or "", c["section"] or "", c["canonical_title"] or "")
        parts.append(cites)
    if details["series"] and len(details["series"]["members"]) > 1:
        s = details["series"]
        series = _table("", "year", "kind", "name", "doc:line", "confidence",
                       title=f"the same project elsewhere ({s['id']})", title_justify="left")  # fmt: skip
        for m in s["members"]:
            series.add_row("▶" if m["this"] else "", str(m["year"] or ""), m["kind"], m["name"],
                           f"{m['doc']}:{m['line']}", f"{m['confidence']:.2f}")  # fmt: skip
        parts.append(series)
    if details["linked"]:
        o = details["linked"]
        parts.append(Text(f"{'form' if o['kind'] == 'form' else 'narrative'} of the same project: {o['name']} "
                          f"({o['doc']}:{o['line']}, {o['id']})"))  # fmt: skip
    if details["checks"]:
        checks = _table("status", "kind", "message", title="checks", title_justify="left")
        for c in details["checks"]:
            checks.add_row(c["status"], c["kind"], c["message"])
        parts.append(checks)
    return Group(*parts)


def command(
    project_id: Annotated[str, typer.Argument(help="Project id (or a unique prefix, or DOC:LINE).")],
    home: HomeOption = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")] = ShowFormat.table,
) -> None:
    """Show one project: sections, amounts, period, citations, the same project in other years, findings."""
    import budgetscope
    from budgetscope.index.store import StoreError

    try:
        details = budgetscope.open(home).project(project_id).contract()
    except (StoreError, budgetscope.BudgetscopeError) as exc:
        raise fail(str(exc)) from None
    if format is ShowFormat.json:
        print(json.dumps(details, ensure_ascii=False, indent=1))
    else:
        Console(file=sys.stdout, highlight=False).print(render(details))
