"""Reading projects back from the store: one project's whole view, listings, checks.

Moved here from ``search_cli/show.py`` and ``search_cli/check.py`` so that every front end
reads the store the same way.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budgetscope.api.errors import AmbiguousProject, LineOutOfRange, ProjectNotFound
from budgetscope.models import (
    Check,
    Coverage,
    DocumentSummary,
    LinkedProject,
    ProjectBudget,
    ProjectSummary,
    ProjectView,
    Series,
    SeriesMember,
    budget_teller,
    form_unit,
    money_grouped,
)

if TYPE_CHECKING:
    from budgetscope.store.protocol import EntityStore


def resolve_project_id(store: EntityStore, key: str) -> str | None:
    """The project id for an id, a unique id prefix (6+ characters), ``DOC:LINE`` (any line of the
    project: :func:`project_at_line`), ``DOC p.N`` (or ``DOC:p.N``, a PDF's page) or an exact project
    name; None when none.

    Raises :class:`AmbiguousProject` when a prefix, a page or a name matches more than one project (a
    name told by a narrative and its form, or in several years, or a page of several forms, lists them
    with where each is printed, its unit and its budget: pick one by its id).
    """
    key = key.strip().removeprefix("#")  # search's lists end a hit with #id8
    if next(store.select("projects", {"id": key}), None) is not None:
        return key
    if m := _PLACE.fullmatch(key):
        where = {"doc": m["doc"], "page" if m["page"] else "line": int(m["page"] or m["line"])}
        rows = list(store.select("projects", where))
        if len(rows) > 1:
            raise AmbiguousProject(f"{len(rows)} projects are printed at {key!r}: {_listed(store, rows)}")
        if rows:
            return str(rows[0]["id"])
        if m["line"] and (inside := project_at_line(store, m["doc"], int(m["line"]))) is not None:
            return inside
    if len(key) >= 6:
        matches = [row["id"] for row in store.select("projects") if str(row["id"]).startswith(key)]
        if len(matches) > 1:
            more = ", …" if len(matches) > 5 else ""
            raise AmbiguousProject(f"{key!r} matches {len(matches)} projects: {', '.join(matches[:5])}{more}")
        if matches:
            return str(matches[0])
    named = [row for row in store.select("projects", {"name": key})]
    if len(named) > 1:
        raise AmbiguousProject(f"{len(named)} projects are named {key!r}: {_listed(store, named)}")
    return str(named[0]["id"]) if named else None


def project_at_line(store: EntityStore, doc: str, line: int) -> str | None:
    """The project a line of a stored text lies in: the one whose heading is the last at or before the
    line, unless a part of the document (its summary tables, 其他相关情况说明) starts between them; None
    when the store has no project of ``doc`` with lines. A line before the first project, or in a part
    that holds none, raises :class:`ProjectNotFound` saying so; a line past the end of the text,
    :class:`LineOutOfRange` (a store written before the count of a text's lines was kept takes it for
    the last project's, as it did)."""
    rows = sorted((r for r in store.select("projects", {"doc": doc}) if r["line"] is not None),
                  key=lambda r: (r["line"], r["position"]))  # fmt: skip
    if not rows:
        return None
    where = f"line {line} of {doc}"
    document = next(store.select("documents", {"doc": doc}), None)
    last = _last_line(document)
    if last is not None and line > last:
        raise LineOutOfRange(f"{where} is past the end of the document: its last line is {last}")
    before = [r for r in rows if r["line"] <= line]
    if not before:
        first = rows[0]
        raise ProjectNotFound(
            f"{where} is in no project: the first, {first['name'] or first['title']}, starts at line {first['line']}"
        )
    project = before[-1]
    parts = json.loads(document["parts"] or "[]") if document else []
    later = [p for p in parts if p.get("line") is not None and project["line"] < p["line"] <= line]
    if later:  # a part of the document that is not this project's starts before the line
        part = later[0]
        raise ProjectNotFound(
            f"{where} is in no project: it is in {part.get('title') or part.get('key')} (from line "
            f"{part['line']}), after {project['name'] or project['title']} (line {project['line']})"
        )
    return str(project["id"])


def _last_line(document: Any) -> int | None:
    """A stored document's last line (:attr:`Document.lines`, kept in its ``extra``), or None when unknown."""
    if document is None:
        return None
    try:
        lines = json.loads(document["extra"] or "{}").get("lines")
    except (ValueError, AttributeError):
        return None
    return lines if isinstance(lines, int) and not isinstance(lines, bool) else None


def page_hint(store: EntityStore, key: str) -> str:
    """For ``DOC p.N`` where no project starts: the project printed last before that page (a form may
    run over two pages), as a hint for the not-found message; empty otherwise."""
    m = _PLACE.fullmatch(key.strip())
    if m is None or not m["page"]:
        return ""
    page = int(m["page"])
    before = [
        r for r in store.select("projects", {"doc": m["doc"]}) if r["page"] is not None and r["page"] < page
    ]
    if not before:
        return ""
    last = max(r["page"] for r in before)
    rows = [r for r in before if r["page"] == last]
    return (
        f"; no project starts on p.{page}, and the last one printed before it (it may run on to p.{page}) "
        f"starts on p.{last}: {_listed(store, rows)}"
    )


_PLACE = re.compile(r"(?P<doc>.+?)(?::(?P<line>\d+)|(?::|\s+)p\.?\s*(?P<page>\d+))")
"""Where a project is printed, as the CLI's lists write it: ``DOC:LINE``, ``DOC p.N`` or ``DOC:p.N``."""
LISTED = 10
"""How many projects an ambiguous name lists."""
NAME_SHOWN = 60
"""How many characters of a candidate's name an ambiguous name lists."""


def _listed(store: EntityStore, rows: list[dict[str, Any]]) -> str:
    """Projects told apart: id and name (document text: on one line, cut at :data:`NAME_SHOWN` characters),
    then kind, year, where printed, and a form's unit and the budget when known."""
    from budgetscope.index.merged import units_of
    from budgetscope.messages import one_line

    units = units_of(store, rows[:LISTED])
    out = []
    for r in rows[:LISTED]:
        where = (
            f"{r['doc']}:{r['line']}" if r["line"] else f"{r['doc']} p.{r['page']}" if r["page"] else r["doc"]
        )
        facts = [str(r["kind"]), str(r["year"]), where]
        if r["id"] in units:
            facts.append(units[r["id"]])
        if r["budget_total_yuan"] is not None:
            facts.append(f"{money_grouped(r['budget_total_yuan'])} 元")
        name = str(r["name"] or r["title"] or "")
        named = one_line(name if len(name) <= NAME_SHOWN else name[:NAME_SHOWN] + "…")
        out.append(f"{r['id']} {named} ({', '.join(facts)})" if named else f"{r['id']} ({', '.join(facts)})")
    more = f", … ({len(rows) - LISTED} more)" if len(rows) > LISTED else ""
    return ", ".join(out) + more


def project_view(store: EntityStore, project_id: str) -> ProjectView | None:
    """Everything known about one project (None when there is no such project): the record, the
    titles of the policy documents it cites, its series, its linked form or narrative, its checks."""
    records = store.get_records([project_id])
    if not records:
        return None
    record = records[0]
    titles = {row["id"]: row["title"] for row in store.select("policy_documents")} if record.citations else {}
    membership = next(store.select("project_series", {"project_id": project_id}), None)
    series = None
    if membership is not None:
        rows = {
            m["project_id"]: m for m in store.select("project_series", {"series_id": membership["series_id"]})
        }
        flagged = flagged_projects(store)
        members = [
            SeriesMember(id=r.id, kind=r.kind, doc=r.doc, line=r.line, page=r.page, year=r.year, name=r.name or r.title,
                         confidence=rows[r.id]["confidence"], this=r.id == project_id,
                         budget_total_yuan=r.budget_total_yuan, budget_flagged=r.id in flagged,
                         budget_total_approximate=r.budget_total_approximate)
            for r in store.get_records(rows)
        ]  # fmt: skip
        members.sort(key=lambda m: (m.year or 0, m.doc, m.line or 0))
        from budgetscope.store.series import series_years

        series = Series(id=membership["series_id"], confidence=membership["confidence"], members=members,
                        years=series_years(store, membership["series_id"]))  # fmt: skip
    link = next(store.select("project_links", {"narrative_id": project_id}), None) or next(
        store.select("project_links", {"form_id": project_id}), None
    )
    linked = None
    if link is not None:
        other_id = link["form_id"] if link["narrative_id"] == project_id else link["narrative_id"]
        other = store.get_records([other_id])
        if other:
            o = other[0]
            linked = LinkedProject(id=o.id, kind=o.kind, doc=o.doc, line=o.line, page=o.page, name=o.name or o.title,
                                   budget_total_yuan=o.budget_total_yuan, confidence=link["confidence"],
                                   budget_total_approximate=o.budget_total_approximate,
                                   budget_flagged=o.id in flagged_projects(store),
                                   indicators=o.form.indicators if o.form else [])  # fmt: skip
    about = [
        *store.select("checks", {"project_id": project_id}),
        *store.select("checks", {"other_id": project_id}),
    ]
    reviewed = {r["id"] for r in store.select("reviewed_findings")} if about else set()
    checks = [
        Check(**c, reviewed=c["id"] in reviewed)
        for c in sorted({c["id"]: c for c in about}.values(), key=lambda c: (c["kind"], c["id"]))
    ]
    return ProjectView(
        record=record,
        canonical_titles={k: v for k, v in titles.items() if any(c.canonical == k for c in record.citations)},
        series=series,
        linked=linked,
        checks=checks,
    )


def flagged_projects(store: EntityStore) -> set[str]:
    """Ids of the projects whose numbers an unreviewed error-level finding disputes (a likely 万元/元 slip):
    their budget is shown flagged, never as fact."""
    return {f["project_id"] for f in store.select("findings", {"severity": "error"}) if f["project_id"]}


def project_summaries(
    store: EntityStore,
    *,
    year: int | None = None,
    department: str | None = None,
    kind: str | None = None,
    doc: str | None = None,
) -> list[ProjectSummary]:
    """The stored projects (in document order), filtered by year, department, kind, source file."""
    where = {k: v for k, v in (("year", year), ("department", department), ("kind", kind), ("doc", doc)) if v}
    rows = sorted(store.select("projects", where), key=lambda r: (r["doc"], r["position"]))
    units = {f["project_id"]: f["implementer"] for f in store.select("forms")}  # one read, not one a row
    flagged = flagged_projects(store)
    return [
        ProjectSummary(id=r["id"], kind=r["kind"], doc=r["doc"], line=r["line"], page=r["page"],
                       department=r["department"], year=r["year"], name=r["name"] or r["title"],
                       budget_total_yuan=Decimal(r["budget_total_yuan"]) if r["budget_total_yuan"] else None,
                       unit=form_unit(units.get(r["id"]), r["department"]), budget_flagged=r["id"] in flagged,
                       budget_total_approximate=bool(json.loads(r["extra"] or "{}").get("budget_total_approximate")))
        for r in rows
    ]  # fmt: skip


def project_budgets(
    store: EntityStore, *, year: int | None = None, department: str | None = None
) -> list[ProjectBudget]:
    """Every project once (in document order), of ``year`` and ``department`` when given: a narrative
    and the form linked to it (the store's ``project_links``) are one, with the project's budget
    (:func:`~budgetscope.models.project_budget`), flagged when a finding disputes either record's
    numbers. A department-wide form is no project: it is left out."""
    records = [p for p in project_summaries(store) if p.kind != "department_form"]
    by_id = {p.id: p for p in records}
    partner: dict[str, str] = {}
    for link in store.select("project_links"):
        partner[link["narrative_id"]], partner[link["form_id"]] = link["form_id"], link["narrative_id"]
    out: list[ProjectBudget] = []
    seen: set[str] = set()
    for p in records:
        if p.id in seen:
            continue
        other = by_id.get(partner.get(p.id, ""))
        told = sorted([p, *([other] if other else [])], key=lambda t: t.kind != "narrative")
        seen.update(t.id for t in told)
        teller = budget_teller([(t.kind, t.budget_total_yuan) for t in told])  # whose budget is the project's
        budget = None if teller is None else told[teller].budget_total_yuan
        first = told[0]
        out.append(
            ProjectBudget(id=first.id, ids=[t.id for t in told], kinds=[t.kind for t in told],
                          department=first.department, year=first.year, name=first.name, budget_total_yuan=budget,
                          budget_flagged=budget is not None and any(t.budget_flagged for t in told),
                          budget_approximate=teller is not None and told[teller].budget_total_approximate)
        )  # fmt: skip
    return [
        b for b in out
        if (year is None or b.year == year) and (department is None or b.department == department)
    ]  # fmt: skip


def document_summaries(store: EntityStore) -> list[DocumentSummary]:
    """The stored documents by name, each with its number of projects (a department-wide form is no
    project, as /browse and search count: counted apart), its reading warnings and what it holds beyond
    what was read: its reading's notes (projects with targets stated, no form printed) and its checks'
    findings (:func:`~budgetscope.api.coverage_gaps.coverage_gaps`)."""
    from collections import Counter

    from budgetscope.api.coverage_gaps import GAP_KINDS, coverage_gaps
    from budgetscope.store.rows import document_coverage

    counts: Counter[tuple[str, bool]] = Counter()
    for row in store.select("projects"):
        counts[row["doc"], row["kind"] == "department_form"] += 1
    documents = sorted(store.select("documents"), key=lambda r: r["doc"])
    warned: dict[str, Decimal] = {}  # the stated 合计 a document's "coverage short" warning names already
    noted: dict[
        str, list[str]
    ] = {}  # what its reading noted (17 projects with targets stated, no form printed)
    for r in documents:
        told = document_coverage(r)
        stated, read = (told.stated_total_yuan, told.read_total_yuan) if told else (None, None)
        if stated is not None and read is not None and read < stated:
            warned[r["doc"]] = stated
        noted[r["doc"]] = list(told.notes) if told else []
    gaps = coverage_gaps((c for kind in GAP_KINDS for c in checks(store, kind=kind)), warned)
    return [
        DocumentSummary(doc=r["doc"], path=r["path"], kind=r["kind"], department=r["department"], year=r["year"],
                        pages=r["pages"], chars=r["chars"], projects=counts[r["doc"], False],
                        department_forms=counts[r["doc"], True],
                        warnings=json.loads(r["warnings"] or "[]"), gaps=[*noted[r["doc"]], *gaps.get(r["doc"], [])])
        for r in documents
    ]  # fmt: skip


def checks(
    store: EntityStore,
    *,
    every: bool = False,
    kind: str | None = None,
    doc: str | None = None,
    reviewed: bool = False,
) -> list[Check]:
    """Findings (every check that is not an agreement, and not reviewed), gravest first, then by
    document and line; ``every`` lists every check made, ``reviewed`` the findings marked as
    reviewed instead (with when and why)."""
    from budgetscope.models import SEVERITY_ORDER

    where: dict[str, Any] = {}
    if kind:
        where["kind"] = kind
    if doc:
        where["doc"] = doc
    view = "reviewed_findings" if reviewed else "checks" if every else "findings"
    rows = store.select(view, where)
    ordered = sorted(
        rows, key=lambda r: (-SEVERITY_ORDER.get(r["severity"], 0), r["doc"] or "", r["line"] or 0, r["id"])
    )
    return [Check(**row, reviewed=reviewed) for row in ordered]


def coverage_reports(store: EntityStore) -> dict[str, Coverage]:
    """The coverage report of each stored document that has one, by file name."""
    from budgetscope.store.rows import document_coverage

    return {row["doc"]: c for row in store.select("documents") if (c := document_coverage(row)) is not None}


def check_kinds(store: EntityStore) -> set[str]:
    """The kinds of check the store holds (e.g. ``narrative_form_amount``, ``unit_slip``)."""
    return {row["kind"] for row in store.select("checks")}


def review_findings(
    store: EntityStore, ids: list[str], *, note: str | None = None, reviewed: bool = True
) -> list[str]:
    """Mark findings (by id or its first 8+ characters) as reviewed false positives that stop
    showing, or with ``reviewed=False`` show them again; returns the full ids marked."""
    return list(store.review_findings(ids, note=note, reviewed=reviewed))
