"""One hit per project, with the store: what ``search`` and ``cites`` both do to their hits.

A narrative and the form linked to it (the store's ``project_links``) are one hit listing both as
``sources``, with the project's budget (:func:`~budgetscope.models.project_budget`: the form's, else
the narrative's), a form's unit, and ``budget_flagged`` when an unreviewed error-level finding
concerns one of its records. A hit dropped into its partner's gives it its ``cited`` wordings and
``canonical`` documents (a cites hit: both halves may cite the document).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from budgetscope.index.ranking import merge_partners, partner_sources, project_partners
from budgetscope.models import budget_teller, form_unit
from budgetscope.store.protocol import EntityStore


def one_per_project(store: EntityStore, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``hits`` (dicts of :class:`~budgetscope.models.SearchHit` fields, in their order) with a record's
    linked partner folded into the first of the two (:func:`~budgetscope.index.ranking.merge_partners`),
    each with ``sources``, the project's ``budget_yuan``, ``unit``, ``budget_flagged`` and ``budget_approximate``
    (the record whose budget it is, :func:`~budgetscope.models.budget_teller`, read it from an approximate amount)."""
    partners = project_partners(store)
    missing = [partners[str(h["id"])] for h in hits if str(h["id"]) in partners]
    kept = merge_partners(hits, partners, partner_sources(store, missing))
    _fold_citations(hits, kept)
    units = units_of(store, kept)
    flagged = flagged_of(store, {str(s["doc"]) for merged in kept for s in merged["sources"]})
    tellers = {
        r.id: r for r in store.get_records([str(s["id"]) for merged in kept for s in merged["sources"]])
    }
    for merged in kept:
        merged["unit"] = units.get(str(merged["id"]))
        merged["budget_flagged"] = merged.get("budget_yuan") is not None and any(
            str(s["id"]) in flagged for s in merged["sources"]
        )
        told = [tellers[str(s["id"])] for s in merged["sources"] if str(s["id"]) in tellers]
        i = budget_teller([(r.kind, r.budget_total_yuan) for r in told])  # whose budget the hit shows
        merged["budget_approximate"] = (
            merged.get("budget_yuan") is not None and i is not None and (told[i].budget_total_approximate)
        )
    return kept


def _fold_citations(hits: list[dict[str, Any]], kept: list[dict[str, Any]]) -> None:
    """The ``cited`` and ``canonical`` of each hit merged into its partner's, added to the kept hit's."""
    ids = {str(h["id"]) for h in kept}
    for dropped in (h for h in hits if str(h["id"]) not in ids):
        into = next(k for k in kept if any(s["id"] == dropped["id"] for s in k["sources"]))
        if dropped.get("cited"):
            into["cited"] = [*(into.get("cited") or []), *dropped["cited"]]
        if dropped.get("canonical"):
            into["canonical"] = sorted({*(into.get("canonical") or []), *dropped["canonical"]})


def units_of(store: EntityStore, hits: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The unit (:func:`~budgetscope.models.form_unit`) of each form among ``hits`` (hits or project
    rows: ``id``, ``kind``, ``department``) that names one, by id."""
    out = {}
    for h in hits:
        if h.get("kind") != "form":
            continue
        for row in store.select("forms", {"project_id": str(h["id"])}):
            if (unit := form_unit(row["implementer"], h.get("department"))) is not None:
                out[str(h["id"])] = unit
    return out


def flagged_of(store: EntityStore, docs: set[str]) -> set[str]:
    """Ids of the projects of ``docs`` whose numbers an unreviewed error-level finding concerns (a unit
    slip, a total the form contradicts): their budget is shown flagged, never as fact."""
    return {
        str(row["project_id"])
        for doc in sorted(docs)
        for row in store.select("findings", {"doc": doc})
        if row["project_id"] and row["severity"] == "error"
    }
