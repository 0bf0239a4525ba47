"""Projects stored twice: a new document whose projects another stored document holds already (pages
cut from it, a copy in another layout), or that holds every project of a stored one (which is pages of it).

Both are stored all the same (they are different files); :func:`overlap_of` words the warning
``ingest`` gives, naming the document to take out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from budgetscope.messages import counted, quoted
from budgetscope.models import Document
from budgetscope.store.protocol import EntityStore


def overlap_of(document: Document, store: EntityStore) -> str | None:
    """A warning when ``document`` and one other stored document hold the same projects (same year, name
    and budget; the same department, or one of them names none): when every project of ``document`` is
    stored already from the other (pages cut from a stored PDF, or a copy of it in another layout), or
    every project of the other is in ``document`` (the other is pages of it, stored before). It is
    stored all the same; search would show those projects twice."""
    records = [r for r in document.records if r.name]
    if not records:
        return None
    hits: Counter[str] = Counter()  # per other document: how many of this document's projects it holds
    matched: dict[str, set[str]] = defaultdict(set)  # per other document: its projects this one holds
    for r in records:
        rows = [
            row for row in store.select("projects", {"name": r.name})
            if row["doc"] != document.doc and row["year"] == r.year
            and (row["department"] == r.department or not row["department"] or not r.department)
            and (row["budget_total_yuan"] is None) == (r.budget_total_yuan is None)
            and (r.budget_total_yuan is None or Decimal(str(row["budget_total_yuan"])) == r.budget_total_yuan)
        ]  # fmt: skip
        for doc in {str(row["doc"]) for row in rows}:
            hits[doc] += 1
        for row in rows:
            matched[str(row["doc"])].add(str(row["id"]))
    within = sorted(doc for doc, n in hits.items() if n == len(records))
    if within:
        which = (
            "its one project is" if len(records) == 1 else f"its {counted(len(records), 'project')} are all"
        )
        return (
            f"{quoted(document.doc)}: {which} stored already from "
            f"{quoted(within[0])} (pages of it, or a copy?): search shows them twice; "
            f"`budgetscope remove {document.doc}` takes this one out"
        )
    for other in sorted(matched):
        named = [row for row in store.select("projects", {"doc": other}) if row["name"]]
        if named and len(matched[other]) == len(named):
            which = "the one project" if len(named) == 1 else f"the {len(named)} projects"
            return (
                f"{quoted(document.doc)}: {which} of {quoted(other)} {'is' if len(named) == 1 else 'are all'} in "
                f"it too ({quoted(other)}: pages of this one?): search shows them twice; "
                f"`budgetscope remove {other}` takes the pages out"
            )
    return None


__all__ = ["overlap_of"]
