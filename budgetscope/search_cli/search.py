"""`budgetscope search QUERY`: hybrid semantic + lexical search, one hit per project.

Citation questions ("哪些项目引用了全民科学素质纲要") are answered exactly by `cites`.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.text import Text

from budgetscope.messages import counted, one_line, shell_word
from budgetscope.models import MAX_TOP_K, SEARCH_KINDS, to_json
from budgetscope.search_cli.common import (
    EncoderOption,
    HomeOption,
    QdrantUrlOption,
    checked_query,
    fail,
    hit_budget,
    hit_places,
    listed_note,
    stdout,
    usage,
    warn,
)

"""Longest query accepted (a question or a paragraph; a 300,000-character query took a minute and 4 GB)."""


class SearchFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


Kind = StrEnum("Kind", {k: k for k in SEARCH_KINDS})  # type: ignore[misc]  # --kind's choices


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
        str | None,
        typer.Option(
            "--section", help="Only this section (overview, legal_basis, … or its heading: 立项依据 …)."
        ),
    ] = None,
    cites: Annotated[
        str | None, typer.Option("--cites", help="Only projects citing this policy document.")
    ] = None,
    kind: Annotated[
        Kind | None,
        typer.Option("--kind", help="Only projects told by a narrative (项目说明) or a form (绩效目标表)."),
    ] = None,
    top_k: Annotated[
        int,
        typer.Option("--top-k", "-k", min=1, max=MAX_TOP_K, help=f"How many projects (1 to {MAX_TOP_K})."),
    ] = 10,
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
    """Find projects by meaning and by words, filtered by year, department, section, cited document or kind."""
    from budgetscope.paths import data_home

    if (query is None) == (queries is None):
        raise usage("give a QUERY or --queries FILE (one of them)")
    if query is not None:
        _checked_query(query, "query")
    options = {"year": year, "department": department, "section": section, "cites": cites}
    options["kind"] = kind and kind.value
    base = {k: v for k, v in _checked_filters(options, "").items() if k != "cites"}
    lines = _read_queries(queries) if queries else [{"query": query, "filters": {}}]
    batch = [{"query": e["query"], "filters": e["filters"]} for e in lines if "error" not in e]
    answered: dict[str, Any] = {"results": [], "warnings": []}
    if batch:
        home_dir = data_home(home)
        request = {"batch": batch, "base": base, "cites": cites, "top_k": top_k, "mode": mode.value}
        request["each"] = queries is not None  # a queries file: every line answered or reported
        answered = ask_serve(home_dir, qdrant_url, encoder, "/api/cli/search", request) or (
            search_or_wait_for_serve(home_dir, qdrant_url, encoder, request)
        )
    for message in answered["warnings"]:
        warn(message)
    found = iter(answered["results"])
    results = [e if "error" in e else next(found) for e in lines]
    failed = [(e.get("line"), r) for e, r in zip(lines, results, strict=True) if "error" in r]
    for line, r in failed:  # each line named, as a file of `ingest` is
        print(
            f"error: {one_line(f'{queries}:{line}: ' + r['error'])}", file=sys.stderr
        )  # a path is untrusted too
    notes = [citing_note(r) for r in results]  # a citation question whose citing projects --top-k cut
    listed = [listed_note(r) for r in results]  # projects a project list names, never read as projects
    if format is not SearchFormat.table:
        for note in filter(None, notes + listed):
            warn(note)
    _print(
        [{k: r[k] for k in ("query", "hits", "error", "listed") if k in r} for r in results],
        format,
        many=queries is not None,
        notes=notes,
        listed=listed,
    )
    if failed:
        raise typer.Exit(1)


def ask_serve(
    home: Path, qdrant_url: str | None, encoder: str | None, path: str, request: dict[str, Any]
) -> dict[str, Any] | None:
    """The answer of a serve running on ``home`` (see :mod:`budgetscope.remote`), or None to answer here."""
    from budgetscope.remote import ServeError, answer_from_serve

    try:
        return answer_from_serve(home, qdrant_url, encoder, path, request)
    except ServeError as exc:
        raise fail(str(exc)) from None


SERVE_RECHECK = 1.0
SAY_WAITING = 3.0
"""After this many seconds of waiting for the index, search says so on stderr (a script that waits less
sees only the error)."""
"""Seconds between two looks for a serve while the embedded index is held by another process."""


def search_or_wait_for_serve(
    home: Path, qdrant_url: str | None, encoder: str | None, request: dict[str, Any]
) -> dict[str, Any]:
    """The answer found in this process; while another process holds the embedded index (a serve
    still warming up, which advertises itself once ready, or an ingest), its wait is cut in steps of
    :data:`SERVE_RECHECK` seconds, and a serve that comes up in between answers instead."""
    import logging
    import time

    from budgetscope.api.answers import search_here
    from budgetscope.api.errors import BudgetscopeError, IndexBusy
    from budgetscope.api.indexing import SEARCH_WAIT, lock_wait

    wait = lock_wait(SEARCH_WAIT)
    started = time.monotonic()
    deadline, said = started + wait, False
    while True:
        step = max(0.0, min(SERVE_RECHECK, deadline - time.monotonic()))
        try:
            return search_here(home, qdrant_url, encoder, request, wait=step)
        except IndexBusy as exc:
            if time.monotonic() >= deadline:
                raise fail(str(exc)) from None
            if not said and time.monotonic() - started >= SAY_WAITING:  # once: a silent minute looks hung
                said = True
                print(
                    f"the search index is held by another process (an ingest, index or serve): waiting up to "
                    f"{wait:.0f} s for it, or for a serve to answer",
                    file=sys.stderr,
                )
            logging.getLogger("budgetscope.search_cli").info(
                "the index is held by another process: waiting for it, or for a serve to answer"
            )
        except BudgetscopeError as exc:
            raise fail(str(exc)) from None
        answered = ask_serve(home, qdrant_url, encoder, "/api/cli/search", request)
        if answered is not None:
            return answered


class LineMistake(ValueError):
    """What is wrong with a line of a --queries file (the line is reported, the others answered)."""


def _checked_query(query: str, where: str) -> None:
    """A query that can be searched (:func:`~budgetscope.api.searching.query_error`); else a usage mistake
    (the command's QUERY) or a :class:`LineMistake` (a line of a queries file)."""
    from budgetscope.api.searching import query_error

    if where == "query":
        checked_query(query)
    elif (error := query_error(query)) is not None:
        raise LineMistake(error)


def _bad(prefix: str, message: str) -> Exception:
    """A bad filter: a usage mistake on the command line (no ``prefix``), else a line of a --queries file's."""
    return LineMistake(message) if prefix else usage(message)


def _checked_filters(filters: dict[str, Any], where: str) -> dict[str, Any]:
    """Filters with known keys and sensible values; a mistake is a one-line error naming ``where``
    (a queries file's line; nothing for the command's own options)."""
    prefix = f"{where}: " if where else ""
    unknown = set(filters) - {"year", "department", "section", "cites", "kind"}
    if unknown:
        raise _bad(
            prefix, f"unknown filter {sorted(unknown)[0]!r} (known: year, department, section, cites, kind)"
        )
    for key in ("department", "section", "kind"):
        value = filters.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _bad(
                prefix, f"{key} must be a non-empty text, not {short(json.dumps(value, ensure_ascii=False))}"
            )
        if value is not None:
            filters[key] = value.strip()  # " 上海市科学技术协会 " as pasted
    cited = filters.get("cites")
    if cited is not None and not (isinstance(cited, str) and cited.strip()):
        raise _bad(
            prefix, f"cites must be a non-empty text, not {short(json.dumps(cited, ensure_ascii=False))}"
        )
    if cited is not None:
        filters["cites"] = cited.strip()
    given = year = filters.get("year")
    if isinstance(year, str) and year.isascii() and year.isdigit():  # "2026", as the web's year=2026
        year = int(year)
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 0 < year < 10000):
        raise _bad(
            prefix,
            f"year must be a whole number from 1 to 9999, not {short(json.dumps(given, ensure_ascii=False))}",
        )
    if year is not None:
        filters["year"] = year
    if filters.get("kind") is not None and filters["kind"] not in SEARCH_KINDS:  # as --kind's choices
        raise _bad(prefix, f"unknown kind {short(filters['kind'])!r} (known: {', '.join(SEARCH_KINDS)})")
    section = filters.get("section")
    if section is not None:
        # imported only when asked: a serve may answer
        from budgetscope.models import SECTION_KEYS, section_key

        named = section_key(section)
        if named is None:
            raise _bad(
                prefix,
                f"unknown section {short(str(section))!r} (known: {', '.join(SECTION_KEYS)}, "
                "or their headings: 项目概述, 立项依据 …)",
            )
        filters["section"] = named
    return filters


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters (with …), for messages.

    >>> short("科" * 70)[-3:]
    '科科…'
    """
    return text if len(text) <= limit else text[:limit] + "…"


def _read_queries(path: Path) -> list[dict[str, Any]]:
    """The lines of a queries file, each checked: {"query": non-empty text, "filters": {...}}."""
    try:
        if path.exists() and not path.is_file():  # a folder, or a FIFO that would never end
            raise fail(f"{path}: not a regular file")
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot read queries ({exc})") from None
    out: list[dict[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append({**_query_line(line, f"{path}:{n}"), "line": n})
        except LineMistake as exc:
            out.append({"query": _query_of(line), "hits": [], "line": n, "error": str(exc)})
    return out


def _query_of(line: str) -> str | None:
    """The query text of a queries file's line, if it has one (for the result that reports the line)."""
    try:
        item = json.loads(line)
    except ValueError:
        return None
    query = item.get("query") if isinstance(item, dict) else None
    return query if isinstance(query, str) else None


def _query_line(line: str, where: str) -> dict[str, Any]:
    """A queries file's line as ``{"query", "filters"}``, checked; else :class:`LineMistake`."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise LineMistake(f"not JSON ({exc.args[0].split(':')[0]})") from None
    if not isinstance(item, dict) or not isinstance(item.get("query"), str) or not item["query"].strip():
        raise LineMistake('expected an object with a non-empty "query"')
    _checked_query(item["query"], where)
    filters = item.get("filters") or {}
    if not isinstance(filters, dict):
        raise LineMistake('"filters" must be an object')
    filters = _checked_filters({k: v for k, v in filters.items() if v is not None}, where)
    return {"query": item["query"], "filters": filters}


def citing_note(result: dict[str, Any]) -> str | None:
    """For a citation question answered by ``cites`` whose citing projects ``--top-k`` cut (the answer's
    ``citing``), how many are shown of how many, and the ``cites`` command that lists them all.

    >>> citing_note({"hits": [{}] * 3, "citing": {"document": "全民科学素质纲要", "total": 10, "year": 2026}})
    '3 of 10 projects citing 全民科学素质纲要; `budgetscope cites 全民科学素质纲要 --year 2026` lists all'
    """
    citing = result.get("citing")
    if not citing:
        return None
    command = f"budgetscope cites {shell_word(citing['document'])}"
    if citing.get("year") is not None:
        command += f" --year {citing['year']}"
    if citing.get("department"):
        command += f" --department {shell_word(citing['department'])}"
    shown = len(result["hits"])
    return (
        f"{shown} of {citing['total']} projects citing {one_line(citing['document'])}; `{command}` lists all"
    )


def _print(
    results: list[dict[str, Any]],
    format: SearchFormat,
    *,
    many: bool,
    notes: list[str | None] | None = None,
    listed: list[str | None] | None = None,
) -> None:
    if format is SearchFormat.jsonl or (many and format is not SearchFormat.table):
        for r in results:
            print(to_json(r))
    elif format is SearchFormat.json:
        print(to_json(results[0]["hits"], indent=1))
    else:
        out = stdout()
        for r, note, named in zip(
            results, notes or [None] * len(results), listed or [None] * len(results), strict=True
        ):
            if "error" not in r:  # a line reported on stderr
                out.print(hit_table(r["query"], r["hits"], note))
                if named:
                    out.print(Text(named, style="yellow"))


def hit_table(query: str, hits: list[dict[str, Any]], note: str | None = None) -> Group:
    """Hits as a compact list: rank, project, year, department (and a form's unit), budget, where (every
    source of the project: narrative and form), score and relevance, and the id's first 8 characters
    (for `show`); then the snippet with the query's terms highlighted. Hits below the relevance cut-off
    are marked weak where they stand; with none above it, "no close match" heads them. ``note`` (the
    hits are some of more: :func:`citing_note`) stands in the heading in place of the count."""
    weak = sum(1 for h in hits if h.get("weak"))
    count = note or counted(len(hits), "project")
    rows: list[Text] = [
        Text(f"{one_line(query)}  ({count}" + (f", {weak} weak)" if weak else ")"), style="bold")
    ]
    if hits and weak == len(hits):
        rows.append(Text("no close match; nearest, weak:", style="yellow"))
    for i, h in enumerate(hits, start=1):
        where = hit_places(h)
        head = Text(f"{i:>2}. ")
        head.append(h.get("name") or "", style="dim" if h.get("weak") else "bold")
        if h.get("kind") == "department_form":  # its name is the department's: say what it is
            head.append(" (部门整体绩效目标表 department-wide form)", style="dim")
        unit = f" / {h['unit']}" if h.get("unit") else ""  # the unit of a form: same-named forms differ by it
        budget = f"  {b}" if (b := hit_budget(h)) else ""
        head.append(
            f"  {h.get('year') or ''} {h.get('department') or ''}{unit}{budget}  {where}  [{h.get('section')}]"
            f"  {h['score']:.3f}"
            + (f" (relevance {h['relevance']:.3f})" if h.get("relevance") is not None else ""),
            style="dim",
        )
        head.append(f"  #{str(h.get('id') or '')[:8]}", style="dim")  # `budgetscope show` takes it
        if h.get("weak"):
            head.append("  weak", style="yellow")
        snippet = Text("    " + (h.get("snippet") or "").replace("\n", " "))
        for start, end in h.get("highlights") or []:
            snippet.stylize("bold yellow", start + 4, end + 4)
        rows += [head, snippet]
    return Group(*rows)
