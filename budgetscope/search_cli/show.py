"""`budgetscope show PROJECT_ID`: one project with its sections, amounts, citations, series and findings."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Column, Table
from rich.text import Text

from budgetscope.index.store import EntityStore
from budgetscope.models import SECTION_KEYS
from budgetscope.search_cli.common import fail
from budgetscope.search_cli.ingest import HomeOption


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


class AmbiguousProject(Exception):
    """A project id prefix matches several projects."""


def resolve_project_id(store: EntityStore, key: str) -> str | None:
    """The project id for an id, a unique id prefix (6+ characters) or ``DOC:LINE``.

    Raises :class:`AmbiguousProject` when a prefix matches more than one project.
    """
    if next(store.select("projects", {"id": key}), None) is not None:
        return key
    if ":" in key:
        doc, _, line = key.rpartition(":")
        if line.isdigit():
            row = next(store.select("projects", {"doc": doc, "line": int(line)}), None)
            if row is not None:
                return str(row["id"])
    if len(key) >= 6:
        matches = [row["id"] for row in store.select("projects") if str(row["id"]).startswith(key)]
        if len(matches) > 1:
            raise AmbiguousProject(f"{key!r} matches {len(matches)} projects: {', '.join(matches[:5])}")
        if matches:
            return str(matches[0])
    return None


def project_details(store: EntityStore, project_id: str) -> dict[str, Any] | None:
    """Everything known about one project, JSON-ready (None when there is no such project).

    Keys: ``project`` (the record contract of DESIGN.md, its citations with ``canonical_title``),
    ``series`` (id, this project's confidence, every member), ``linked`` (the narrative's form or
    the form's narrative), ``checks`` (every comparison made about it) and ``findings`` (those
    that are not agreements).
    """
    records = store.get_records([project_id])
    if not records:
        return None
    record = records[0]
    project = record.contract()
    titles = {row["id"]: row["title"] for row in store.select("policy_documents")} if record.citations else {}
    for c in project["citations"]:
        c["canonical_title"] = titles.get(c["canonical"])
    membership = next(store.select("project_series", {"project_id": project_id}), None)
    series = None
    if membership is not None:
        from budgetscope.index.series import series_years

        members = list(store.select("project_series", {"series_id": membership["series_id"]}))
        rows = {m["project_id"]: m for m in members}
        others = store.get_records(rows)
        series = {
            "id": membership["series_id"],
            "confidence": membership["confidence"],
            "members": sorted(
                (
                    {"id": r.id, "kind": r.kind, "doc": r.doc, "line": r.line, "year": r.year,
                     "name": r.name or r.title, "confidence": rows[r.id]["confidence"], "this": r.id == project_id}
                    for r in others
                ),
                key=lambda m: (m["year"] or 0, m["doc"], m["line"] or 0),
            ),
            "years": [_json_ready(y) for y in series_years(store, membership["series_id"])],
        }  # fmt: skip
    link = next(store.select("project_links", {"narrative_id": project_id}), None) or next(
        store.select("project_links", {"form_id": project_id}), None
    )
    linked = None
    if link is not None:
        other_id = link["form_id"] if link["narrative_id"] == project_id else link["narrative_id"]
        other = store.get_records([other_id])
        if other:
            o = other[0]
            linked = {"id": o.id, "kind": o.kind, "doc": o.doc, "line": o.line, "name": o.name or o.title,
                      "budget_total_yuan": o.contract()["budget_total_yuan"], "confidence": link["confidence"]}  # fmt: skip
    checks = [
        *store.select("checks", {"project_id": project_id}),
        *store.select("checks", {"other_id": project_id}),
    ]
    checks = sorted({c["id"]: c for c in checks}.values(), key=lambda c: (c["kind"], c["id"]))
    reviewed = {r["check_id"] for r in store.select("reviews")} if checks else set()
    for c in checks:
        c["reviewed"] = c["id"] in reviewed
    return {
        "project": project,
        "series": series,
        "linked": linked,
        "checks": checks,
        "findings": [c for c in checks if c["status"] not in ("agree", "rounded") and not c["reviewed"]],
    }


def _json_ready(row: dict[str, Any]) -> dict[str, Any]:
    """Decimals as exact JSON numbers (int when whole, else the decimal text as a float-free string)."""
    out = {}
    for k, v in row.items():
        if isinstance(v, Decimal):
            v = int(v) if v == v.to_integral_value() else str(v)
        out[k] = v
    return out


def _money(value: Any) -> str:
    """``600,000,000.00``: an amount with its fen, never through float."""
    if value is None:
        return ""
    return f"{Decimal(str(value)):,.2f}"


def _flags(findings: list[dict[str, Any]], field: str, yuan: Any = None) -> str:
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


def render(details: dict[str, Any]) -> Group:
    """A readable rendering of :func:`project_details`."""
    p = details["project"]
    findings = details["findings"]
    head = Text()
    head.append(f"{p['name'] or p['title']}\n", style="bold")
    head.append(
        f"{p['id']}  {p['kind']}  {p['doc']}:{p['line']}  {p['department'] or '?'}  {p['year'] or '?'}\n"
    )
    if p["period"]:
        head.append(f"period: {p['period']['start']} → {p['period']['end']}  ({p['period']['text']})\n")
        if flags := _flags(findings, "period"):
            head.append_text(Text.from_markup("  ⚠ " + flags + "\n"))
    if p["budget_total_yuan"] is not None:
        head.append(f"annual budget: {_money(p['budget_total_yuan'])} 元\n")
        if flags := _flags(findings, "budget_total"):
            head.append_text(Text.from_markup("  ⚠ " + flags.replace("\n", "\n  ⚠ ") + "\n"))
    if p["implementing_bodies"]:
        head.append("implementing bodies: " + "、".join(p["implementing_bodies"]) + "\n")
    parts: list[Any] = [Panel(head, title="project", expand=True)]
    sections = [(k, p["sections"].get(k)) for k in SECTION_KEYS if k in p["sections"]]
    for key, text in sections:
        parts.append(Panel(Text(text if text else "—"), title=key, title_align="left"))
    if p["form"]:
        f = p["form"]
        form = _table("field", "value", "finding", title="form", title_justify="left")
        for name in ("nature", "category", "department", "implementer", "start", "end"):
            form.add_row(name, escape(str(f[name] or "")), "")
        for name, yuan in f["amounts"].items():
            form.add_row(name, _money(yuan), _flags(findings, f"form.{name}"))
        parts.append(form)
        if f["indicators"]:
            ind = _table("一级", "二级", "三级", "target", title="indicators", title_justify="left")
            for i in f["indicators"]:
                ind.add_row(*(escape(str(i[k] or "")) for k in ("level1", "level2", "level3", "target")))
            parts.append(ind)
    if p["amounts"]:
        amounts = _table("text", "yuan", "role", "section", "finding", title="amounts", title_justify="left")
        for a in p["amounts"]:
            flag = _flags(findings, "", a["yuan"]) if a["role"] in ("total", "fiscal") else ""
            amounts.add_row(escape(a["text"]), _money(a["yuan"]), a["role"], escape(a["section"] or ""), flag)
        parts.append(amounts)
    if p["citations"]:
        cites = _table("title", "文号", "section", "canonical", title="citations", title_justify="left")
        for c in p["citations"]:
            cites.add_row(
                *(escape(c[k] or "") for k in ("title", "doc_number", "section", "canonical_title"))
            )
        parts.append(cites)
    if details["series"] and len(details["series"]["members"]) > 1:
        s = details["series"]
        series = _table("", "year", "kind", "name", "doc:line", "confidence",
                       title=f"the same project elsewhere ({s['id']})", title_justify="left")  # fmt: skip
        for m in s["members"]:
            series.add_row("▶" if m["this"] else "", str(m["year"] or ""), m["kind"], escape(m["name"]),
                           escape(f"{m['doc']}:{m['line']}"), f"{m['confidence']:.2f}")  # fmt: skip
        parts.append(series)
        years = _table("year", "budget total 元", "form total 元", "change 元", "change %", "findings",
                       title="budget by year", title_justify="left")  # fmt: skip
        for y in s["years"]:
            change = "" if y["change_yuan"] is None else ("+" if Decimal(str(y["change_yuan"])) > 0 else "")
            change += _money(y["change_yuan"])
            percent = "" if y["change_percent"] is None else f"{Decimal(str(y['change_percent'])):+}%"
            years.add_row(str(y["year"]), _money(y["budget_total_yuan"]), _money(y["form_total_yuan"]), change,
                          percent, str(y["findings"] or ""))  # fmt: skip
        parts.append(years)
    if details["linked"]:
        o = details["linked"]
        parts.append(Text(f"{'form' if o['kind'] == 'form' else 'narrative'} of the same project: {o['name']} "
                          f"({o['doc']}:{o['line']}, {o['id']})"))  # fmt: skip
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
    project_id: Annotated[str, typer.Argument(help="Project id (or a unique prefix, or DOC:LINE).")],
    home: HomeOption = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")] = ShowFormat.table,
) -> None:
    """Show one project: sections, amounts, period, citations, the same project in other years, findings."""
    from budgetscope.index.store import StoreError, open_store

    try:
        with open_store(home) as store:
            key = resolve_project_id(store, project_id)
            details = project_details(store, key) if key else None
    except (StoreError, AmbiguousProject) as exc:
        raise fail(str(exc)) from None
    if details is None:
        raise fail(f"no project {project_id!r} in the store")
    if format is ShowFormat.json:
        print(json.dumps(details, ensure_ascii=False, indent=1))
    else:
        Console(file=sys.stdout, highlight=False).print(render(details))
