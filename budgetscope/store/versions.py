"""Which citations name their policy document's version only by the citing year: a title without the
years of a family that has several versions (《全民科学素质行动计划纲要》: the 2006 outline or the one of
2021—2035?), and no 文号 of one. The canonical version is then the one in force in the citing year
(:class:`~budgetscope.pipeline.link.PolicyIndex`), an inference a reader should be told of.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from budgetscope.pipeline.link import number_key
from budgetscope.pipeline.policy_aliases import split_version, title_key
from budgetscope.store.protocol import EntityStore


def version_inferred(store: EntityStore) -> Callable[[dict[str, Any]], bool]:
    """A test of stored citation rows (``canonical``, ``title``, ``doc_number``, ``short_for``): whether
    the row's version was told by its year alone (see the module)."""
    documents = {d["id"]: d for d in store.select("policy_documents")}
    versions = Counter(d["family"] for d in documents.values() if d["version"])
    numbers: dict[str, set[str | None]] = defaultdict(set)
    for n in store.select("policy_doc_numbers"):
        numbers[n["policy_id"]].add(number_key(n["doc_number"]))

    def inferred(row: dict[str, Any]) -> bool:
        document = documents.get(row.get("canonical") or "")
        if document is None or not document["version"] or versions[document["family"]] < 2:
            return False
        if row.get("doc_number") and number_key(row["doc_number"]) in numbers[document["id"]]:
            return False
        return split_version(title_key(row.get("short_for") or row["title"]))[1] is None

    return inferred


def with_versions_inferred(store: EntityStore, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Exported citation rows with ``version_inferred`` (their ``short_for`` read from the store)."""
    inferred = version_inferred(store)
    short_for = {r["id"]: r["short_for"] for r in store.select("citations") if r["short_for"]}
    for row in rows:
        row["version_inferred"] = inferred({**row, "short_for": short_for.get(row["id"])})
        yield row


__all__ = ["version_inferred", "with_versions_inferred"]
