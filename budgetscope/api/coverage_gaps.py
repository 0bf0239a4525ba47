"""What a document shows and was not read, as its checks found it: one short line each, for the coverage
column of /browse and `list documents` (never "complete" while a check says otherwise).

- ``listed_project`` (the document's project list names a project no form or narrative of it reads):
  ``listed projects not read: 3 (77,520,000元)``;
- ``forms_total`` that is no agreement (a stated count or sum of the project forms against the forms
  read): the forms read cover less of the stated money, sum to more, or could not be compared.

Reviewed findings (false positives) are left out, as everywhere.

Example:
    >>> from decimal import Decimal
    >>> from budgetscope.models import Check
    >>> listed = [Check(id=f"c{i}", kind="listed_project", status="missing", subject="s", message="m",
    ...                 doc="a.pdf", stated_yuan=Decimal(y)) for i, y in enumerate(("2100000", "67000000"))]
    >>> coverage_gaps(listed)
    {'a.pdf': ['listed projects not read: 2 (69,100,000元)']}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from budgetscope.models import Check

GAP_KINDS = ("listed_project", "forms_total")
"""The kinds of check that say a document holds more than was read (or than could be accounted for)."""


def coverage_gaps(
    checks: Iterable[Check], warned: Mapping[str, Decimal] | None = None
) -> dict[str, list[str]]:
    """By document, the lines its unreviewed ``listed_project`` and ``forms_total`` findings make; a
    ``forms_total`` of the stated sum a document's reading warning already names (``warned``, by document:
    "coverage short: stated 合计 …, forms read sum to …") is not said twice."""
    from budgetscope.pipeline.linking.checks import yuan_text

    listed: dict[str, list[Decimal | None]] = defaultdict(list)
    out: dict[str, list[str]] = defaultdict(list)
    for c in checks:
        if not c.is_finding or c.doc is None or c.kind not in GAP_KINDS:
            continue
        if c.kind == "listed_project":
            listed[c.doc].append(c.stated_yuan)
            continue
        stated, found = c.stated_yuan, c.found_yuan
        if stated is not None and (warned or {}).get(c.doc) == stated:
            continue
        if stated is None or found is None:
            out[c.doc].append(f"stated {c.stated or c.subject}: not compared with the forms read")
        elif found < stated:
            out[c.doc].append(f"the forms read cover {yuan_text(found)} of the stated {yuan_text(stated)}")
        else:
            out[c.doc].append(
                f"the forms read sum to {yuan_text(found)}, {yuan_text(found - stated)} more than the stated "
                f"{yuan_text(stated)}"
            )
    for doc, amounts in listed.items():
        known = [a for a in amounts if a is not None]
        money = f" ({yuan_text(sum(known, Decimal(0)))}{'' if len(known) == len(amounts) else ' and more'})"
        out[doc].insert(0, f"listed projects not read: {len(amounts)}{money if known else ''}")
    return dict(out)


__all__ = ["GAP_KINDS", "coverage_gaps"]
