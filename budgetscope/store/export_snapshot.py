"""The data package of an export folder: read and merged with (:func:`read_datapackage`,
:func:`merge_datapackage`), and which state of the store each file was written from, so that a data package describing files
of two states (one ``--what`` exported again after an ingest) says so instead of mixing them silently.

:func:`snapshot` names the state: a digest of the stored documents (file name, content, the pipeline
that read it) and the reviewed findings. :func:`stamp` marks each resource an export writes with it
(``budgetscope:snapshot``, a custom property Frictionless keeps); :func:`older_resources` lists the
resources of a merged package written from another state (or before stamps existed).

Example:
    >>> package = {"resources": [{"name": "projects", "path": "projects.csv"},
    ...                          {"name": "amounts", "path": "amounts.csv", "budgetscope:snapshot": "a"}]}
    >>> stamp(package, ["projects"], "b")
    >>> older_resources(package, "b")
    ['amounts.csv']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from budgetscope.store.export_fields import ExportError
from budgetscope.store.protocol import EntityStore

KEY = "budgetscope:snapshot"
"""The resource property naming the state of the store its file was written from."""


def snapshot(store: EntityStore) -> str:
    """A short digest of what the export rows depend on: each stored document (file name, SHA-1, the
    pipeline version that read it) and each reviewed finding."""
    digest = hashlib.sha256()
    for name, fp in sorted(store.fingerprints().items()):
        digest.update(f"{name}\t{fp.sha1}\t{fp.pipeline}\n".encode())
    for r in sorted(f"{r['check_id']}\t{r.get('evidence') or ''}" for r in store.select("reviews")):
        digest.update(f"review\t{r}\n".encode())
    return digest.hexdigest()[:16]


def stamp(package: dict[str, Any], names: Sequence[str], state: str) -> None:
    """Mark the resources ``names`` (written now) of ``package`` as written from ``state``."""
    for resource in package.get("resources", []):
        if resource.get("name") in names:
            resource[KEY] = state


def older_resources(package: dict[str, Any], state: str) -> list[str]:
    """The paths of the package's resources written from another state than ``state``."""
    return [str(r.get("path") or r.get("name")) for r in package.get("resources", []) if r.get(KEY) != state]


def mixed_warning(package: dict[str, Any], state: str, where: Path) -> list[str]:
    """A warning when the package at ``where`` describes files written from another state than ``state``."""
    older = older_resources(package, state)
    return [
        f"{where} also describes {', '.join(older)}, written from another state of the store (documents "
        "ingested, removed or reviewed since): export those again, or everything, for one snapshot"
    ][: 1 if older else 0]


def read_datapackage(path: Path) -> dict[str, Any] | None:
    """The data package at ``path``, None when there is none; :class:`ExportError` when it is unusable."""
    if not path.exists():
        return None
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExportError(
            f"{path}: cannot read it to merge with ({exc}); remove it or export to another folder"
        ) from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) and "name" in r for r in resources):
        raise ExportError(
            f"{path}: not a data package with named resources; remove it or export to another folder"
        )
    return package


def merge_datapackage(existing: dict[str, Any] | None, package: dict[str, Any]) -> dict[str, Any]:
    """``package`` with the resources of ``existing`` it does not replace (by name), in their order.

    Keys of ``existing`` that ``package`` does not set (a license added by hand) are kept.

    >>> old = {"resources": [{"name": "projects", "path": "projects.csv"}, {"name": "findings", "path": "findings.csv"}]}
    >>> new = {"resources": [{"name": "findings", "path": "findings.jsonl"}]}
    >>> [r["path"] for r in merge_datapackage(old, new)["resources"]]
    ['projects.csv', 'findings.jsonl']
    """
    if existing is None:
        return package
    new = {r["name"]: r for r in package["resources"]}
    resources = [new.pop(r["name"], r) for r in existing.get("resources", [])]
    return {**existing, **package, "resources": [*resources, *new.values()]}


__all__ = [
    "KEY",
    "merge_datapackage",
    "mixed_warning",
    "older_resources",
    "read_datapackage",
    "snapshot",
    "stamp",
]
