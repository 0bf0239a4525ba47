"""`budgetscope search QUERY`: hybrid semantic + lexical search, one hit per project.

Citation questions ("哪些项目引用了全民科学素质纲要") are answered exactly by `cites`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.text import Text

from budgetscope.search_cli.common import EncoderOption, HomeOption, QdrantUrlOption, fail, stdout


class SearchFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class Mode(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    sparse = "sparse"


def command(
    query: Annotated[str | None, typer.Argument(help="What to look for, in Chinese or English.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only projects of this budget year.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department (预算主管部门).")
    ] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="Only this section (overview, legal_basis, …).")
    ] = None,
    cites: Annotated[
        str | None, typer.Option("--cites", help="Only projects citing this policy document.")
    ] = None,
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, help="How many projects.")] = 10,
    mode: Annotated[Mode, typer.Option("--mode", help="hybrid, dense or sparse (BM25).")] = Mode.hybrid,
    queries: Annotated[
        Path | None, typer.Option("--queries", help='A JSONL file of {"query", "filters"} lines.')
    ] = None,
    format: Annotated[
        SearchFormat, typer.Option("--format", "-f", help="table, json, or jsonl (with --queries).")
    ] = SearchFormat.table,
    home: HomeOption = None,
    qdrant_url: QdrantUrlOption = None,
    encoder: EncoderOption = None,
) -> None:
    """Find projects by meaning and by words, filtered by year, department, section or cited document."""
    from budgetscope.index.cites import cites as cites_of
    from budgetscope.index.cites import resolve
    from budgetscope.index.encoders import EncoderError
    from budgetscope.index.search import cites_target, index_settings, open_index, search
    from budgetscope.index.store import StoreError, open_store
    from budgetscope.index.vectors import VectorIndexError
    from budgetscope.paths import data_home

    if (query is None) == (queries is None):
        raise fail("give a QUERY or --queries FILE (one of them)")
    base = {"year": year, "department": department, "section": section}
    batch = _read_queries(queries) if queries else [{"query": query, "filters": {}}]
    home_dir = data_home(home)
    try:
        store = open_store(home_dir)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if not index_settings(home_dir):  # opening would create an empty collection that blocks a later ingest
        store.close()
        raise fail(f"no search index under {home_dir}: run `budgetscope ingest` first")
    results: list[dict[str, Any]] = []
    try:
        with open_index(home_dir, qdrant_url=qdrant_url, encoder=encoder) as index:
            if not index.exists() or index.count() == 0:
                raise fail(f"no search index at {index.where}: run `budgetscope ingest` first")
            for item in batch:
                q = str(item["query"])
                filters = {**base, **(item.get("filters") or {})}
                if cites and "cites" not in filters:
                    filters["cites"] = cites
                target = cites_target(q)
                if target and resolve(store, target):
                    hits = cites_of(
                        store, target, year=filters.get("year"), department=filters.get("department")
                    )
                else:
                    if filters.get("cites"):
                        ids = [d.id for d in resolve(store, str(filters["cites"]))]
                        if not ids:
                            raise fail(f"no policy document matches --cites {filters['cites']!r}")
                        filters["cites"] = ids
                    hits = search(
                        index,
                        q,
                        filters={k: v for k, v in filters.items() if v is not None},
                        top_k=top_k,
                        mode=mode.value,
                    )
                results.append({"query": q, "hits": hits[:top_k] if not target else hits})
    except (VectorIndexError, EncoderError) as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()
    _print(results, format, many=queries is not None)


def _read_queries(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise fail(f"{path}: cannot read queries ({exc})") from None


def _print(results: list[dict[str, Any]], format: SearchFormat, *, many: bool) -> None:
    if format is SearchFormat.jsonl or (many and format is not SearchFormat.table):
        for r in results:
            print(json.dumps(r, ensure_ascii=False))
    elif format is SearchFormat.json:
        print(json.dumps(results[0]["hits"], ensure_ascii=False, indent=1))
    else:
        out = stdout()
        for r in results:
            out.print(hit_table(r["query"], r["hits"]))


def hit_table(query: str, hits: list[dict[str, Any]]) -> Group:
    """Hits as a compact list: rank, score, project, year, department, where; then the snippet
    with the query's terms highlighted."""
    rows: list[Text] = [Text(f"{query}  ({len(hits)} projects)", style="bold")]
    for i, h in enumerate(hits, start=1):
        where = f"{h['doc']}:{h['line']}" + (f" p.{h['page']}" if h.get("page") else "")
        head = Text(f"{i:>2}. ")
        head.append(h.get("name") or "", style="bold")
        head.append(
            f"  {h.get('year') or ''} {h.get('department') or ''}  {where}  [{h.get('section')}]  {h['score']:.3f}",
            style="dim",
        )
        snippet = Text("    " + (h.get("snippet") or "").replace("\n", " "))
        for start, end in h.get("highlights") or []:
            snippet.stylize("bold yellow", start + 4, end + 4)
        rows += [head, snippet]
    return Group(*rows)
