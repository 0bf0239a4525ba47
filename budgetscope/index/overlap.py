"""Projects stored twice: a new document whose projects another stored document holds already (pages
cut from it, a copy in another layout), or that holds every project of a stored one (which is pages of it).

Both are stored all the same (they are different files); :func:`overlap_of` words the warning
``ingest`` gives, naming the document to take out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from budgetscope.messages import counted, quoted, remove_command
from budgetscope.models import Document
from budgetscope.store.protocol import EntityStore


def overlap_of(document: Document, store: EntityStore) -> str | None:
    """A warning when ``document`` and one other stored document hold the same projects (same year, name
    and budget; the same department, or one of them names none): when every project of ``document`` is
    stored already from the other (pages cut from a stored PDF, or a copy of it in another layout), or
    every project of the other is in ``document`` (the other is pages of it, stored before). It is
    stored all the same; search would show those projects twice. The warning names ``document`` by its
    path (as ``ingest`` names a file it does not store), the stored documents by their names."""
    records = [r for r in document.records if r.name]
    if not records:
        return None
    hits: Counter[str] = Counter()  # per other document: how many of this document's projects it holds
    matched: dict[str, set[str]] = defaultdict(set)  # per other document: its projects this one holds
    alike: Counter[str] = Counter()  # per other document: those of the same kind (narrative, form)
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
        for doc in {str(row["doc"]) for row in rows if row["kind"] == r.kind}:
            alike[doc] += 1  # a narrative and its form are no copy of each other
        for row in rows:
            matched[str(row["doc"])].add(str(row["id"]))
    contained = [
        other for other in sorted(matched)
        if (named := [row for row in store.select("projects", {"doc": other}) if row["name"]])
        and len(matched[other]) == len(named)
    ]  # fmt: skip
    within = sorted(doc for doc, n in hits.items() if n == len(records))
    pages = {str(row["doc"]): row["pages"] or 0 for row in store.select("documents")}
    if within and not (within[0] in contained and pages.get(within[0], 0) < (document.pages or 0)):
        which = (
            "its one project is" if len(records) == 1 else f"its {counted(len(records), 'project')} are all"
        )
        return (
            f"{quoted(document.path or document.doc)}: {which} stored already from "
            f"{quoted(within[0])} (pages of it, or a copy?): search shows them twice; "
            f"`{remove_command([document.doc])}` takes this one out"
        )
    if contained:  # stored before: pages of this document (the one of fewer pages, when both hold the same)
        names = ", ".join(quoted(d) for d in contained[:3]) + (
            f" and {len(contained) - 3} more" if len(contained) > 3 else ""
        )
        return (
            f"{quoted(document.path or document.doc)}: the projects of {names} are all in it too (pages of this one?): "
            f"search shows them twice; `{remove_command(contained)}` takes the pages out"
        )
    near = [(doc, n) for doc, n in alike.most_common() if n >= NEAR_SHARED and n >= NEAR_SHARE * len(records)]
    if near:  # an edited copy (a project renamed, a budget changed) is the same document all the same
        doc, n = near[0]
        return (
            f"{quoted(document.path or document.doc)}: {n} of its {counted(len(records), 'project')} are stored already from "
            f"{quoted(doc)} (an edited copy?): search shows them twice; "
            f"`{remove_command([document.doc])}` takes this one out"
        )
    return None


NEAR_SHARED = 3
NEAR_SHARE = 0.75
"""A document sharing at least this many projects and this share of its own with one stored document
(the same year, name and budget) is taken for an edited copy of it, and warned."""


__all__ = ["overlap_of"]
