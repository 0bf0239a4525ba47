"""`budgetscope cites QUERY`: the projects citing a policy document (title, 简称, 文号 or a question)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.text import Text

from budgetscope.messages import counted
from budgetscope.models import number_added, to_json
from budgetscope.search_cli.common import (
    HomeOption,
    OutputFormat,
    checked_query,
    fail,
    hit_budget,
    hit_places,
    stdout,
    warn,
)


def command(
    query: Annotated[
        str,
        typer.Argument(
            help="A title, 简称, 文号, or a question: 哪些项目引用了全民科学素质纲要, who cites the Fire Protection Law."
        ),
    ],
    year: Annotated[int | None, typer.Option("--year", help="Only projects of this budget year.")] = None,
    department: Annotated[str | None, typer.Option("--department", help="Only this department.")] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """List the projects that cite a policy document, with the exact wording they cite."""
    from budgetscope.paths import data_home
    from budgetscope.remote import ServeError, answer_from_serve

    checked_query(query)  # as search: '' or '？？' is a usage mistake, whether a serve answers or not
    home_dir = data_home(home)
    request = {"query": query, "year": year, "department": department}
    try:
        answered = answer_from_serve(home_dir, None, None, "/api/cli/cites", request)
    except ServeError as exc:
        raise fail(str(exc)) from None
    if answered is None:
        from budgetscope.api.answers import cites_here
        from budgetscope.api.errors import BudgetscopeError

        try:
            answered = cites_here(home_dir, request)
        except BudgetscopeError as exc:
            raise fail(str(exc)) from None
    for message in answered.get("warnings", []):  # a serve of an older version sends none
        warn(message)
    _print(query, answered, format)


def _print(query: str, answered: dict[str, Any], format: OutputFormat) -> None:
    """The answer in ``format``; a short name that may mean several documents (纲要) is an error in
    every format (exit 1, the candidates on stderr; the table lists them on stdout too), as for
    ``search --cites``: no empty list a script would read as "nobody cites it"."""
    documents, options, hits = answered["documents"], answered["options"], answered["hits"]
    if options:
        if format is OutputFormat.table:
            out = stdout(markup=True)
            out.print(f"[bold]{escape(query)}[/bold] is ambiguous: {len(options)} candidates")
            for d, n in options:
                numbers = f"  ({', '.join(d['doc_numbers'])})" if d["doc_numbers"] else ""
                out.print(f"  {escape(d['title'])}{escape(numbers)}  [dim]{_projects(n)}  {d['id']}[/dim]")
            # the candidates are listed just above: the error says what to do, without a second list
            raise fail(
                f"{query!r} is ambiguous: {len(options)} cited documents (above); ask by a fuller title, a 文号 or an id"
            )
        raise fail(_ambiguous(query, options))
    if format is OutputFormat.json:
        print(to_json(hits, indent=1))
        return
    out = stdout(markup=True)  # every piece of document text below is escaped
    if not documents:
        raise fail(f"no cited policy document matches {query!r}")
    # several documents (the versions of a plan): each is numbered, and each project says which it cites
    label = {d["id"]: str(i) for i, d in enumerate(documents, start=1)} if len(documents) > 1 else {}
    for d in documents:
        numbers = f"  ({', '.join(d['doc_numbers'])})" if d["doc_numbers"] else ""
        out.print(
            (escape(f"[{label[d['id']]}] ") if label else "")
            + f"[bold]{escape(d['title'])}[/bold]{escape(numbers)}  {d['id']}"
            + ("  [yellow]ambiguous[/yellow]" if d["ambiguous"] else "")
        )
    for h in hits:  # as search lists a hit: the project's budget, and every place it is written
        which = [label[c] for c in h.get("canonical") or [] if c in label]
        unit = f" / {h['unit']}" if h.get("unit") else ""
        budget = f"  {b}" if (b := hit_budget(h)) else ""
        out.print(
            f"  {h['year'] or ''} {escape(h['department'] or '')}{escape(unit)}  [bold]{escape(h['name'])}[/bold]"
            f"{escape(budget)}  [dim]{escape(hit_places(h))} {escape('[' + str(h['section']) + ']')}[/dim]"
            + (f"  cites {escape('[' + ','.join(which) + ']')}" if which else "")
        )
        out.print(Text(f"      {h['snippet']}"))
        told: set[str] = set()  # a wording cited twice is said once
        for c in h.get("cited") or []:
            if c.get("doc_number_inferred"):  # written without its 号 or agency: say what was added
                added = number_added(c["doc_number"], c.get("wording"))
                carrier = "last" if added == "号" else "first"
                out.print(
                    Text(
                        f"      {c['doc_number']}: {added} added, the list's {carrier} 文号 carries it",
                        style="dim",
                    )
                )
            if c.get("version_inferred") and c["title"] not in told:  # which version: the citing year's
                out.print(
                    Text(
                        f"      {c['title']}: no years or 文号 say which version; taken as the one in force "
                        f"in {h['year']}",
                        style="dim",
                    )
                )
                told.add(c["title"])
    out.print(f"[dim]{counted(len(hits), 'project')}[/dim]")


def _ambiguous(query: str, options: list[Any]) -> str:
    """The one-line message of :class:`~budgetscope.api.errors.AmbiguousPolicyDocument` (as ``search
    --cites`` prints it) for the candidates of an answer (``[document fields, projects]``)."""
    from budgetscope.api.errors import AmbiguousPolicyDocument
    from budgetscope.models import PolicyDocument

    return str(AmbiguousPolicyDocument(query, [(PolicyDocument.model_validate(d), n) for d, n in options]))


def _projects(n: int) -> str:
    return f"{n} project" + ("" if n == 1 else "s")
