"""The checks a document passes as it is stored: a file name stored from another path
(:func:`name_clash`), the same content stored under another name (:func:`duplicate_of`), both inside
the store's write lock (:class:`Guard`, another ``ingest`` at once is seen), which also tells a file
another ingest stored meanwhile (:class:`AlreadyStored`)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from budgetscope.messages import quoted
from budgetscope.models import Document
from budgetscope.store import index_state
from budgetscope.store.protocol import EntityStore

CLASH_REMEDY = "rename one of the files, or give --force to replace the stored one"
"""How a refused name clash (:func:`name_clash`) ends: what the user of ``ingest`` may do."""
DUPLICATE_REMEDY = "give --force to store it under this name too"
"""How a refused duplicate (:func:`duplicate_of`) ends, in parentheses."""


@dataclass(frozen=True)
class StoredAs:
    """How a stored document was classified, and the path it was read from."""

    path: str
    kind: str
    department: str | None
    year: int | None

    def describe(self) -> str:
        return f"{self.kind}, {self.department or 'department unknown'}, {self.year or 'year unknown'}"


def name_clash(document: Document, stored: StoredAs | None, *, force: bool = False) -> str | None:
    """Why ``document`` may not replace the stored document of its name read from another path, or None.

    It may when it is the same document — same kind, department and year, the department and the
    year known — or with ``force``. The reason is one line naming both paths.

    >>> stored = StoredAs("a/部门预算.txt", "department_budget", "上海市科学技术协会", 2023)
    >>> new = Document(doc="部门预算.txt", path="b/部门预算.txt", kind="department_budget",
    ...                department="上海市科学技术委员会", year=2025, sha1="1")
    >>> print(name_clash(new, stored))  # doctest: +ELLIPSIS
    b/部门预算.txt: another document named 部门预算.txt is stored from a/部门预算.txt (...); rename ...
    >>> name_clash(new, stored, force=True) is None
    True
    """
    if stored is None or force:
        return None
    this = StoredAs(document.path, document.kind, document.department, document.year)
    same = (this.kind, this.department, this.year) == (stored.kind, stored.department, stored.year)
    if same and this.department is not None and this.year is not None:
        return None
    return (
        f"{quoted(document.path)}: another document named {quoted(document.doc)} is stored from {quoted(stored.path)} "
        f"({stored.describe()}; this file: {this.describe()}); {CLASH_REMEDY}"
    )


def stored_contents(store: EntityStore) -> dict[str, tuple[str, str]]:
    """The stored documents by content hash: ``{content_sha1: (doc, path)}``."""
    import json

    out: dict[str, tuple[str, str]] = {}
    for row in store.select("documents"):
        try:
            extra = json.loads(row.get("extra") or "{}")
        except ValueError:
            continue
        if isinstance(extra, dict) and extra.get("content_sha1"):
            out[str(extra["content_sha1"])] = (row["doc"], row["path"] or row["doc"])
    return out


def duplicate_of(document: Document, contents: dict[str, tuple[str, str]]) -> str | None:
    """Why ``document`` is not stored: the same content is stored under another name (or None).

    The content hash (:func:`budgetscope.pipeline.document.content_hash`) is blind to encoding,
    layout and file name: a GBK copy, the PDF printed from a text, ``file (1).pdf``.

    >>> d = Document(doc="b.txt", path="in/b.txt", kind="other", content_sha1="c1")
    >>> print(duplicate_of(d, {"c1": ("a.txt", "old/a.txt")}))  # doctest: +ELLIPSIS
    in/b.txt: the same document as a.txt (stored from old/a.txt); not stored again ...
    >>> duplicate_of(d, {"c1": ("b.txt", "in/b.txt")}) is None
    True
    """
    twin = contents.get(document.content_sha1) if document.content_sha1 else None
    if twin is None or twin[0] == document.doc:
        return None
    return (
        f"{quoted(document.path)}: the same document as {quoted(twin[0])} (stored from {quoted(twin[1])}); "
        f"not stored again ({DUPLICATE_REMEDY})"
    )


class AlreadyStored(Exception):
    """Another ``ingest`` stored this very file (the same content, read by the same code) after this one
    planned to: nothing to write, nothing to index again."""


class Guard:
    """The checks of a document as it is written, inside the store's write lock (another ``ingest``
    at once is seen): the same file stored meanwhile by another ingest (:class:`AlreadyStored`, with
    ``pipeline``, the version of the reading code), a name stored from another path (:func:`name_clash`),
    the same content under another name (:func:`duplicate_of`; the contents re-read only when another
    writer wrote)."""

    def __init__(self, store: EntityStore, force: bool, pipeline: str | None = None) -> None:
        self.store, self.force, self.pipeline = store, force, pipeline
        self.seq: int | None = None
        self.contents: dict[str, tuple[str, str]] = {}

    def __call__(self, document: Document) -> str | None:
        if self.force:
            return None
        for row in self.store.select("documents", {"doc": document.doc}):
            same_file = row["path"] and os.path.realpath(row["path"]) == os.path.realpath(document.path)
            if (
                same_file
                and self.pipeline
                and (row["sha1"], row["pipeline"]) == (document.sha1, self.pipeline)
            ):
                raise AlreadyStored(document.doc)
            if not same_file:
                stored = StoredAs(row["path"] or "", row["kind"], row["department"], row["year"])
                if (clash := name_clash(document, stored)) is not None:
                    return clash
        if (seq := index_state.sequence(self.store)) != self.seq:
            self.contents, self.seq = stored_contents(self.store), seq
        return duplicate_of(document, self.contents)

    def written(self, document: Document) -> None:
        """After ``document`` is stored: its content is known without reading the store again."""
        if document.content_sha1:
            self.contents[document.content_sha1] = (document.doc, document.path)
        self.seq = index_state.sequence(self.store)
