"""Extraction over segmented records: amounts, period, citations, implementing bodies.

The same finders that the spaCy components (:mod:`budgetscope.pipeline.nlp`) wrap run here over
each section, so `budgetscope extract` and ``nlp.add_pipe("budget_amounts")`` agree by construction.

Example:
    >>> from budgetscope.pipeline.document import read_document
    >>> docs = extract_documents([read_document("corpus/sast-2026-department-budget.txt")])  # doctest: +SKIP
    >>> docs[0].records[0].budget_total_yuan  # doctest: +SKIP
    Decimal('6272000')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from budgetscope.models import FORM_TEXT_SECTIONS, SECTION_KEYS, Citation, Document, Record
from budgetscope.pipeline.citations import find_citations
from budgetscope.pipeline.dates import find_periods, parse_period
from budgetscope.pipeline.link import PolicyIndex
from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts

ORG_END = re.compile(
    r"(?:委员会|协会|学会|研究会|联合会|基金会|中心|办公室|管理局|(?<!格)局|厅|委|部门|部|处|室|研究院|研究所|学院|院|所|"
    r"工作站|站|馆|报社|社|公司|集团|大学|学校|分会|秘书处|指挥部|工作组|领导小组|小组|团队|本级)(?:（[^（）]{2,20}）)?$"
)
CLAUSE = re.compile(r"[，,。；;、：:\n]")
CONJ = re.compile(r"\s+|以及|并与|和|及|与")
LEAD = re.compile(
    r"^(?:\d+[、.．]\s*)?(?:本项目|该项目)?(?:将)?(?:实施主体|责任主体)?(?:是|为)?(?:由|依托于|依托|于|具体实施|委托)?"
)
VERB = re.compile(
    r"(?:负责|牵头|作为|组织|联系|成立|开展|建立|承担|主要|领导|项目管理|管理人员|内设|根据|目前|具体|专门)"
)
PLACEHOLDER = "列举具体实施项目"


def extract_record(record: Record, *, year: int | None = None) -> Record:
    """Fill amounts, period, budget total, citations and implementing bodies of one record."""
    year = year if year is not None else record.year
    if record.kind == "narrative":
        return _extract_narrative(record, year)
    return _extract_form(record)


def _extract_narrative(record: Record, year: int | None) -> Record:
    amounts = []
    citations: list[Citation] = []
    for key in SECTION_KEYS:
        body = record.sections.get(key)
        if not body:
            continue
        found = find_amounts(body, section=key)
        if key == "budget":
            found = assign_roles(body, found)
        else:
            found = [a.model_copy(update={"role": "other"}) for a in found]
        amounts.extend(found)
        citations.extend(find_citations(body, section=key))
    budget = [a for a in amounts if a.section == "budget"]
    period_text = record.sections.get("period")
    period = parse_period(period_text, year=year) if period_text else None
    bodies = implementing_bodies(record.sections.get("implementing_body") or "")
    return record.model_copy(
        update={
            "amounts": amounts,
            "budget_total_yuan": budget_total(budget),
            "period": period,
            "citations": citations,
            "implementing_bodies": bodies,
        }
    )


def _extract_form(record: Record) -> Record:
    if record.form is None:
        return record
    citations: list[Citation] = []
    for label, body in record.form.texts.items():
        citations.extend(find_citations(body, section=FORM_TEXT_SECTIONS.get(label, "form")))
    period = None
    if record.form.start and record.form.end:
        from budgetscope.models import Period

        period = Period(
            start=record.form.start, end=record.form.end, text=f"{record.form.start}—{record.form.end}"
        )
    total = record.form.amounts.get("annual_total")
    bodies = [b for b in (record.form.implementer, record.form.department) if b]
    return record.model_copy(
        update={
            "citations": citations,
            "period": period,
            "budget_total_yuan": total,
            "implementing_bodies": list(dict.fromkeys(bodies)),
        }
    )


def implementing_bodies(text: str) -> list[str]:
    """Organizations named in a 三、实施主体 section, in order of first mention.

    >>> implementing_bodies("由上海市科普事业中心负责实施，市科协科普部负责监督。")
    ['上海市科普事业中心', '市科协科普部']
    >>> implementing_bodies("实施主体是上海集成电路技术与产业促进中心，由技术服务部、测试服务部负责")
    ['上海集成电路技术与产业促进中心', '技术服务部', '测试服务部']
    """
    if PLACEHOLDER in text:
        return []
    out: list[str] = []
    for clause in CLAUSE.split(text):
        for piece in _split_conjoined(clause):
            piece = LEAD.sub("", piece.strip())
            m = VERB.search(piece)
            piece = piece[: m.start()].strip() if m else piece
            piece = re.sub(r"[一二三四五六七八九十\d]+个(?:部门|单位)$", "", piece)
            if 3 <= len(piece) <= 40 and ORG_END.search(piece) and piece not in out:
                out.append(piece)
    return out


def _split_conjoined(clause: str) -> list[str]:
    """Split "A中心和B部" at a conjunction only where the left part already ends like an organization."""
    for m in CONJ.finditer(clause):
        left = LEAD.sub("", clause[: m.start()].strip())
        if m.start() > 0 and ORG_END.search(left) and clause[m.end() :].strip():
            return [clause[: m.start()], *_split_conjoined(clause[m.end() :])]
    return [clause]


def extract_documents(docs: Iterable[Document], *, index: PolicyIndex | None = None) -> list[Document]:
    """Extract every record of every document, then give each citation its canonical identity.

    The canonical identities are resolved across all the documents given (and whatever ``index``
    already holds), so aliases, 简称 and 文号 learned in one document help the others.
    """
    index = index if index is not None else PolicyIndex()
    out: list[Document] = []
    for doc in docs:
        records = [extract_record(r, year=doc.year) for r in doc.records]
        out.append(doc.model_copy(update={"records": records}))
        for r in records:
            for c in r.citations:
                index.add(c, year=doc.year, doc=doc.doc)
    index.resolve()
    for doc in out:
        for r in doc.records:
            r.citations = [
                c.model_copy(update={"canonical": index.canonical(c, year=doc.year)}) for c in r.citations
            ]
    return out


__all__ = ["extract_documents", "extract_record", "find_periods", "implementing_bodies"]
