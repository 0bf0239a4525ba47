"""Conversion between records and the rows of the entity store's tables (pure).

:func:`document_rows` turns a :class:`~budgetscope.models.Document` (with its budget tables and
stated totals) into rows per table; :func:`build_records` and :func:`build_document` turn rows
back into records. A model field without a column of its own travels in the row's ``extra`` JSON,
so records round-trip even when the models grow.

Example:
    >>> from budgetscope.models import Document
    >>> rows = document_rows(Document(doc="a.txt", path="a.txt", kind="other", sha1="x"))
    >>> rows["documents"][0]["doc"]
    'a.txt'
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from budgetscope.models import (
    Amount,
    BudgetTable,
    Check,
    Citation,
    Component,
    Coverage,
    Document,
    Form,
    Indicator,
    Part,
    Period,
    ProjectLink,
    Record,
    Section,
    SeriesLink,
    StatedTotal,
    document_id,
    fen,
    stable_id,
)
from budgetscope.store.schema import citation_id, money, money_columns, project_code


def _extra(model: BaseModel, handled: Iterable[str]) -> str | None:
    rest = model.model_dump(mode="json", exclude=set(handled))
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else None


_RECORD_FIELDS = (
    "id", "kind", "doc", "line", "page", "department", "year", "title", "name", "sections",
    "section_spans", "period", "amounts", "budget_total_yuan", "citations", "implementing_bodies",
    "form", "start", "end",
)  # fmt: skip


def document_rows(
    doc: Document,
    *,
    tables: Iterable[BudgetTable] = (),
    stated: Iterable[StatedTotal] = (),
    pipeline: str = "",
) -> dict[str, list[dict[str, Any]]]:
    """Rows per table (see :data:`DOCUMENT_TABLES`) for one document and everything in it."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    did = document_id(doc.doc)
    out["documents"].append(
        {
            "id": did, "doc": doc.doc, "path": doc.path, "kind": doc.kind, "department": doc.department,
            "year": doc.year, "pages": doc.pages, "chars": doc.chars, "sha1": doc.sha1, "pipeline": pipeline,
            "parts": json.dumps([p.model_dump(mode="json") for p in doc.parts], ensure_ascii=False),
            "warnings": json.dumps(doc.warnings, ensure_ascii=False),
            "extra": _extra(doc, ("doc", "path", "kind", "department", "year", "pages", "chars", "sha1", "parts",
                                  "warnings", "records")),
        }
    )  # fmt: skip
    for position, record in enumerate(doc.records):
        _record_rows(record, did, position, out)
    cells = [(t.line, b) for t in tables for b in t.lines]
    for position, (table_line, line) in enumerate(cells):
        out["budget_lines"].append(
            {
                "id": stable_id(did, "line", position), "document_id": did, "position": position,
                "table_title": line.table, "table_line": table_line, "line": line.line, "name": line.name, "column_label": line.column, **money_columns("", line.yuan),
                "text": line.text, "unit": line.unit, "code": line.code, "scheme": line.scheme, "page": line.page,
            }
        )  # fmt: skip
    for position, s in enumerate(stated):
        out["stated_totals"].append(
            {
                "id": stable_id(did, "stated", position), "document_id": did, "position": position,
                "label": s.label, "text": s.text, **money_columns("", s.yuan), "line": s.line, "quantum": money(s.quantum), "page": s.page,
            }
        )  # fmt: skip
    return out


def _record_rows(r: Record, did: str, position: int, out: dict[str, list[dict[str, Any]]]) -> None:
    p = r.period
    out["projects"].append(
        {
            "id": r.id, "document_id": did, "position": position, "kind": r.kind, "doc": r.doc, "line": r.line,
            "page": r.page, "department": r.department, "year": r.year, "title": r.title, "name": r.name,
            "budget_total_yuan": money(r.budget_total_yuan), "budget_total_fen": fen(r.budget_total_yuan),
            "period_start": p.start.isoformat() if p else None, "period_end": p.end.isoformat() if p else None,
            "period_text": p.text if p else None, "period_offset": p.offset if p else None,
            "start": r.start, "end": r.end, "code": project_code(r.name),
            "extra": _merge_extra(_extra(r, _RECORD_FIELDS), "period", _extra(p, ("start", "end", "text", "offset")) if p else None),
        }
    )  # fmt: skip
    keys = list(dict.fromkeys([*r.sections, *r.section_spans]))
    for i, key in enumerate(keys):
        span = r.section_spans.get(key)
        text = r.sections.get(key)
        extra = _extra(span, ("key", "heading", "line", "start", "end", "text")) if span else None
        if span is not None and span.text != text:
            extra = _merge_extra(extra, "span_text", json.dumps(span.text, ensure_ascii=False))
        out["sections"].append(
            {
                "id": stable_id(r.id, "section", key), "project_id": r.id, "position": i, "source": "narrative",
                "key": key, "text": text, "present": int(key in r.sections), "heading": span.heading if span else None,
                "line": span.line if span else None, "start": span.start if span else None,
                "end": span.end if span else None, "spanned": int(span is not None), "extra": extra,
            }
        )  # fmt: skip
    for i, a in enumerate(r.amounts):
        out["amounts"].append(
            {
                "id": stable_id(r.id, "amount", i), "project_id": r.id, "position": i, "text": a.text,
                **money_columns("", a.yuan), "role": a.role, "section": a.section, "start": a.start, "end": a.end,
                "approximate": int(a.approximate),
                "extra": _extra(a, ("text", "yuan", "role", "section", "start", "end", "approximate")),
            }
        )  # fmt: skip
    for i, c in enumerate(r.citations):
        out["citations"].append(
            {
                "id": citation_id(r.id, i), "project_id": r.id, "position": i, "title": c.title,
                "doc_number": c.doc_number, "section": c.section, "bracketed": int(c.bracketed),
                "canonical": c.canonical, "start": c.start, "end": c.end, "short_for": c.short_for,
                "wording": c.wording, "doc_number_inferred": int(c.doc_number_inferred),
                "extra": _extra(c, ("title", "doc_number", "section", "bracketed", "canonical", "start", "end",
                                    "short_for", "wording", "doc_number_inferred")),
            }
        )  # fmt: skip
    for i, name in enumerate(r.implementing_bodies):
        out["implementing_bodies"].append({"project_id": r.id, "position": i, "name": name})
    if r.form is not None:
        _form_rows(r.id, r.form, len(keys), out)


def _form_rows(pid: str, f: Form, first: int, out: dict[str, list[dict[str, Any]]]) -> None:
    out["forms"].append(
        {
            "project_id": pid, "nature": f.nature, "category": f.category, "department": f.department,
            "implementer": f.implementer, "start": f.start.isoformat() if f.start else None,
            "end": f.end.isoformat() if f.end else None,
            "extra": _extra(f, ("nature", "category", "department", "implementer", "start", "end", "amounts",
                                "components", "indicators", "texts")),
        }
    )  # fmt: skip
    for i, (key, yuan) in enumerate(f.amounts.items()):
        out["form_amounts"].append({"project_id": pid, "position": i, "key": key, **money_columns("", yuan)})
    for i, c in enumerate(f.components):
        out["components"].append(
            {"id": stable_id(pid, "component", i), "project_id": pid, "position": i, "name": c.name,
             **money_columns("", c.yuan), "extra": _extra(c, ("name", "yuan"))}
        )  # fmt: skip
    for i, ind in enumerate(f.indicators):
        out["indicators"].append(
            {"id": stable_id(pid, "indicator", i), "project_id": pid, "position": i, "level1": ind.level1,
             "level2": ind.level2, "level3": ind.level3, "target": ind.target,
             "extra": _extra(ind, ("level1", "level2", "level3", "target"))}
        )  # fmt: skip
    for i, (label, text) in enumerate(f.texts.items()):
        out["sections"].append(
            {
                "id": stable_id(pid, "form-text", label), "project_id": pid, "position": first + i, "source": "form",
                "key": label, "text": text, "present": 1,
                "heading": f.text_labels.get(label, label),  # as the form prints it (总体目标)
                "line": None, "start": None, "end": None, "spanned": 0, "extra": None,
            }
        )  # fmt: skip


def _merge_extra(extra: str | None, key: str, value: str | None) -> str | None:
    if value is None:
        return extra
    data = json.loads(extra) if extra else {}
    data["__" + key] = json.loads(value)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _load_extra(extra: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Model fields and nested extras (keys starting with ``__``) of an ``extra`` column."""
    data = json.loads(extra) if extra else {}
    nested = {k[2:]: v for k, v in data.items() if k.startswith("__")}
    return {k: v for k, v in data.items() if not k.startswith("__")}, nested


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def build_document(row: Mapping[str, Any], records: list[Record]) -> Document:
    """A :class:`Document` from its ``documents`` row and its records."""
    fields, _ = _load_extra(row["extra"])
    return Document(
        doc=row["doc"], path=row["path"] or "", kind=row["kind"], department=row["department"], year=row["year"],
        pages=row["pages"], chars=row["chars"] or 0, sha1=row["sha1"],
        parts=[Part.model_validate(p) for p in json.loads(row["parts"])], warnings=json.loads(row["warnings"]),
        records=records, **fields,
    )  # fmt: skip


def build_records(
    projects: Iterable[Mapping[str, Any]], children: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]]
) -> list[Record]:
    """Records from ``projects`` rows and their child rows (``children[table][project_id]``, in position order)."""
    out = []
    for p in projects:
        pid = p["id"]

        def rows(table: str, pid: str = pid) -> list[Mapping[str, Any]]:
            return list(children.get(table, {}).get(pid, []))

        fields, nested = _load_extra(p["extra"])
        period = None
        if p["period_start"] is not None:
            period = Period(start=p["period_start"], end=p["period_end"], text=p["period_text"],
                            offset=p["period_offset"], **nested.get("period", {}))  # fmt: skip
        sections: dict[str, str | None] = {}
        spans: dict[str, Section] = {}
        texts: dict[str, str] = {}
        for s in rows("sections"):
            if s["source"] == "form":
                texts[s["key"]] = s["text"]
                continue
            sf, sn = _load_extra(s["extra"])
            if s["present"]:
                sections[s["key"]] = s["text"]
            if s["spanned"]:
                text = sn["span_text"] if "span_text" in sn else s["text"]
                spans[s["key"]] = Section(key=s["key"], heading=s["heading"], text=text, line=s["line"],
                                          start=s["start"], end=s["end"], **sf)  # fmt: skip
        amounts = [
            Amount(text=a["text"], yuan=Decimal(a["yuan"]), role=a["role"], section=a["section"], start=a["start"],
                   end=a["end"], approximate=bool(a["approximate"]), **_load_extra(a["extra"])[0])
            for a in rows("amounts")
        ]  # fmt: skip
        citations = [  # a column wins over the same field in extra (kept there before it had a column)
            Citation(**{**_load_extra(c["extra"])[0], "title": c["title"], "doc_number": c["doc_number"],
                        "section": c["section"], "bracketed": bool(c["bracketed"]), "canonical": c["canonical"],
                        "start": c["start"], "end": c["end"], "short_for": c["short_for"],
                        "wording": c["wording"], "doc_number_inferred": bool(c["doc_number_inferred"])})
            for c in rows("citations")
        ]  # fmt: skip
        form = None
        form_rows = rows("forms")
        if form_rows:
            f = form_rows[0]
            form = Form(
                nature=f["nature"], category=f["category"], department=f["department"], implementer=f["implementer"],
                start=f["start"], end=f["end"],
                amounts={a["key"]: Decimal(a["yuan"]) for a in rows("form_amounts")},
                components=[Component(name=c["name"], yuan=_dec(c["yuan"]), **_load_extra(c["extra"])[0])
                            for c in rows("components")],
                indicators=[Indicator(level1=i["level1"], level2=i["level2"], level3=i["level3"], target=i["target"],
                                      **_load_extra(i["extra"])[0]) for i in rows("indicators")],
                texts=texts, **_load_extra(f["extra"])[0],
            )  # fmt: skip
        out.append(
            Record(
                id=pid, kind=p["kind"], doc=p["doc"], line=p["line"], page=p["page"], department=p["department"],
                year=p["year"], title=p["title"], name=p["name"], sections=sections, section_spans=spans,
                period=period, amounts=amounts, budget_total_yuan=_dec(p["budget_total_yuan"]), citations=citations,
                implementing_bodies=[b["name"] for b in rows("implementing_bodies")], form=form,
                start=p["start"], end=p["end"], **fields,
            )
        )  # fmt: skip
    return out


def document_coverage(row: Mapping[str, Any]) -> Coverage | None:
    """The coverage report kept with a ``documents`` row (None when the document has none)."""
    report = _load_extra(row["extra"])[0].get("coverage")
    if not isinstance(report, dict):
        return None
    return Coverage.model_validate({k: v for k, v in report.items() if k != "short"})


def check_row(c: Check) -> dict[str, Any]:
    """The ``checks`` row of a check (its review lives in ``reviews``)."""
    return {
        "id": c.id, "kind": c.kind, "status": c.status, "severity": c.severity,
        "document_id": c.document_id, "project_id": c.project_id, "other_id": c.other_id,
        "doc": c.doc, "line": c.line, "page": c.page, "subject": c.subject, "stated": c.stated,
        **money_columns("stated_", c.stated_yuan), "found": c.found, **money_columns("found_", c.found_yuan),
        **money_columns("difference_", c.difference_yuan), "message": c.message,
        "other_doc": c.other_doc, "other_line": c.other_line, "other_page": c.other_page, "field": c.field,
    }  # fmt: skip


def project_link_row(link: ProjectLink) -> dict[str, Any]:
    """The ``project_links`` row of a narrative ↔ form link."""
    return {
        "narrative_id": link.narrative_id,
        "form_id": link.form_id,
        "confidence": round(link.confidence, 4),
    }


def series_row(m: SeriesLink) -> dict[str, Any]:
    """The ``project_series`` row of a series membership."""
    return {
        "project_id": m.project_id,
        "series_id": m.series_id,
        "confidence": round(m.confidence, 4),
        "matched_with": m.matched_with,
        "evidence": json.dumps(m.evidence, sort_keys=True) if m.evidence else None,
    }


__all__ = [
    "build_document",
    "build_records",
    "check_row",
    "document_coverage",
    "document_rows",
    "project_link_row",
    "series_row",
]
