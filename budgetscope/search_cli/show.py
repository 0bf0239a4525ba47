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
    return {
        "project": project,
        "series": series,
        "linked": linked,
        "checks": checks,
        "findings": [c for c in checks if c["status"] not in ("agree", "rounded")],
    }


def _table(*headers: str, title: str | None = None, title_justify: str = "left") -> Table:
    """A table whose columns wrap long text instead of cutting it."""
    return Table(*(Column(h, overflow="fold") for h in headers), title=title, title_justify="left")


def render(details: dict[str, Any]) -> Group:
    """A readable rendering of :func:`project_details`."""
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
        Console(file=sys.stdout, highlight=False, markup=False).print(render(details))  # text is untrusted
