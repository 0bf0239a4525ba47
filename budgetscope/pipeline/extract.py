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
from decimal import Decimal

from budgetscope.models import (
    FORM_TEXT_SECTIONS,
    FORM_TOTAL_KEYS,
    SECTION_KEYS,
    Amount,
    Citation,
    Document,
    Period,
    Record,
)
from budgetscope.pipeline.citations import find_citations, find_short_names, resolve_short_titles
from budgetscope.pipeline.dates import parse_period
from budgetscope.pipeline.link import PolicyIndex
from budgetscope.pipeline.money import assign_roles, find_amounts
from budgetscope.pipeline.money_roles import budget_total_amounts

ORG_END = re.compile(
    r"(?:委员会|协会|学会|研究会|联合会|基金会|中心|办公室|管理局|(?<!格)局|厅|委|部门|部|处|室|研究院|研究所|学院|院|所|"
    r"工作站|站|馆|报社|社|公司|集团|大学|学校|分会|秘书处|指挥部|工作组|领导小组|小组|团队|本级)(?:（[^（）]{2,20}）)?$"
)
CLAUSE = re.compile(r"[，,。；;、：:\n]")
CONJ = re.compile(r"\s+|以及|并与|和|及|与")
LEAD = re.compile(
    r"^(?:\d+[、.．]\s*)?(?:本项目|该项目)?(?:将)?(?:实施主体|责任主体)?(?:是|为)?(?:由|依托于|依托|于|具体实施|实施|委托)?"
)
VERB = re.compile(
    r"(?:负责|牵头|作为|组织|联系|成立|开展|建立|承担|主要|领导|项目管理(?![部处室科组])|管理人员|内设|下设|根据|目前|"
    r"具体|专门|是|(?:共同|联合|协同|分别)(?=负责|实施|承担|执行|组织|开展|完成|推进))"
)
TRAIL = re.compile(r"(?:共同|联合|协同|合作|分别|一起)?(?:组织)?(?:实施|执行|承办)(?:本项目|该项目|项目)?$")
"""A clause's verb after the bodies that carry it out (A和B实施, A与B合作实施): not part of the last name."""
UNIT = re.compile(r"[，,。；;\n]")
IMPLEMENTING = re.compile(r"负责(?!人、)|实施|承担|主体|牵头|执行|组织|内设|下设|设有|依托|委托|由|成立|组建")
"""Words of a clause that says who carries the project out (the other clauses describe the body)."""
PLACEHOLDER = "列举具体实施项目"
CJK = re.compile(r"[\u3400-\u9fff]")
TABLE_UNIT = re.compile(r"单位\s*[:：]\s*(?P<unit>万元|亿元|元)")
"""A table's header unit inside a section ("单位：万元"): bare numbers below it are amounts."""
STATED_ANNUAL = (
    r"(?:{year}\s*年度?|本年度?)[^，,。；;、]{{0,12}}?(?:申请|安排|预算|拨款)[^，,。；;、]{{0,8}}$"
)
"""Words right before an amount that name it as the budget year's request (本项目2025年申请预算资金…)."""


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
        found = section_amounts(body, section=key)
        if key == "budget":
            found = assign_roles(body, found, year=year)
        else:
            found = [a.model_copy(update={"role": "other"}) for a in found]
        amounts.extend(found)
        citations.extend(find_citations(body, section=key))
    budget = [a for a in amounts if a.section == "budget"]
    read = budget_total_amounts(budget) or _total_stated_elsewhere(record, amounts, budget, year)
    total = sum((a.yuan for a in read), Decimal(0)) if read else None
    period_text = record.sections.get("period")
    period = parse_period(period_text, year=year) if period_text else None
    bodies = implementing_bodies(record.sections.get("implementing_body") or "")
    return record.model_copy(
        update={
            "amounts": amounts,
            "budget_total_yuan": total,
            "budget_total_approximate": any(a.approximate for a in read),
            "period": period,
            "citations": citations,
            "implementing_bodies": bodies,
        }
    )


def section_amounts(body: str, *, section: str) -> list[Amount]:
    """The amounts of one section; under a header unit ("单位：万元") bare table numbers count too.

    Whole numbers opening a row that goes on with a name (序号, 科目编码) are row labels, not amounts.

    >>> table = "单位：万元\\n序号\\t项目\\t金额\\n1\\t设备费\\t80.5"
    >>> [(a.text, a.yuan) for a in section_amounts(table, section="budget")]
    [('80.5', Decimal('805000'))]
    """
    unit = TABLE_UNIT.search(body)
    found = find_amounts(body, section=section, unit=unit["unit"] if unit else None)
    if unit is None:
        return found
    return [a for a in found if not _row_label(body, a)]


def _row_label(body: str, amount: Amount) -> bool:
    """A whole number in the leading cells of a row that goes on with a name (序号, 科目编码 201 29 01)."""
    line_start, line_end = body.rfind("\n", 0, amount.start) + 1, body.find("\n", amount.end)
    rest = body[amount.end : line_end if line_end != -1 else len(body)]
    lead = body[line_start : amount.start]
    return (
        amount.text.isdigit()
        and not lead.replace("\t", "").strip(" 0123456789")
        and CJK.search(rest) is not None
    )


def _total_stated_elsewhere(
    record: Record, amounts: list[Amount], budget: list[Amount], year: int | None
) -> list[Amount]:
    """The budget year's amount as another section states it (none: it states none either), when 六、年度预算安排
    states no total.

    "本项目2025年申请预算资金629万元" in the overview counts when the budget section has no amount,
    or only a timing split (1-3月100万元 …) that adds up to it.
    """
    if year is None or any(a.role != "other" for a in budget):
        return []
    cue = re.compile(STATED_ANNUAL.format(year=year))
    split = sum((a.yuan for a in budget), Decimal(0))
    for amount in amounts:
        if amount.section == "budget":
            continue
        body = record.sections.get(amount.section) or ""
        if not cue.search(body[max(0, amount.start - 30) : amount.start]):
            continue
        if not budget or abs(split - amount.yuan) <= amount.yuan * Decimal("0.005"):
            return [amount]
    return []


def _extract_form(record: Record) -> Record:
    if record.form is None:
        return record
    citations: list[Citation] = []
    for label, body in record.form.texts.items():
        citations.extend(find_citations(body, section=FORM_TEXT_SECTIONS.get(label, "form")))
    period = None
    if record.form.start and record.form.end:
        period = Period(
            start=record.form.start, end=record.form.end, text=f"{record.form.start}—{record.form.end}"
        )
    # the year's budget of the project: the form's annual total, else the only total other layouts
    # print (项目总额 / 年度预算资金总额 / 预算数), else what the year's fiscal funds give
    amounts = record.form.amounts
    total = next((amounts[k] for k in FORM_TOTAL_KEYS if k in amounts), None)
    if record.kind != "form":
        total = None  # a department-wide form is no project: its amounts are no project budget
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
    >>> implementing_bodies("上海市教育委员会和上海市人力资源和社会保障局共同实施。")  # a 和 inside a name splits nothing
    ['上海市教育委员会', '上海市人力资源和社会保障局']
    """
    if PLACEHOLDER in text:
        return []
    units = UNIT.split(text)
    cued = [u for u in units if IMPLEMENTING.search(u)]
    return _organizations(cued) or _organizations(units)


def _organizations(units: list[str]) -> list[str]:
    """Organization names in clauses, in order; the words around a verb are read on both sides."""
    out: list[str] = []
    for clause in (c for unit in units for c in CLAUSE.split(unit)):
        for piece in _split_conjoined(clause):
            for part in VERB.split(piece):
                part = TRAIL.sub("", LEAD.sub("", part.strip()))
                part = re.sub(r"[一二三四五六七八九十\d]+个(?:部门|单位)$", "", part)
                if 3 <= len(part) <= 40 and ORG_END.search(part) and part not in out:
                    out.append(part)
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
        records = _short_titles_resolved([extract_record(r, year=doc.year) for r in doc.records])
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


def _short_titles_resolved(records: list[Record]) -> list[Record]:
    """The records of one document (in order) with bare short titles (《纲要》, 《条例》) resolved within
    each project, then against the document's earlier projects (:func:`resolve_short_titles`)."""
    out: list[Record] = []
    context: list[Citation] = []
    defined: dict[str, str] = {}
    for record in records:
        texts = list(record.sections.values()) if record.kind == "narrative" else []
        texts += list(record.form.texts.values()) if record.kind != "narrative" and record.form else []
        for text in texts:
            defined.update(find_short_names(text or ""))
        citations = resolve_short_titles(record.citations, context=context, short_names=defined)
        if citations != record.citations:
            record = record.model_copy(update={"citations": citations})
        context += citations
        out.append(record)
    return out


__all__ = ["extract_documents", "extract_record", "implementing_bodies", "section_amounts"]
