"""The 文号 that stands beside a 《》 title: after it (《X》（国发〔2021〕9号）, 《X》国函〔2016〕194号, a list
in one bracket: 《X》（沪府发〔2020〕1号、沪府发〔2020〕2号）) or before it (沪档〔2018〕44号关于印发《X》).

Example:
    >>> text = "依据《上海市科学技术普及条例》（沪府发〔2020〕1号、沪府发〔2020〕2号）开展。"
    >>> found = numbers_after(text, text.index("》"), len(text), set())
    >>> [n.number.text for n in found], text[found[0].start : found[-1].end]
    (['沪府发〔2020〕1号', '沪府发〔2020〕2号'], '沪府发〔2020〕1号、沪府发〔2020〕2号）')
"""

from __future__ import annotations

import re

from budgetscope.pipeline.citations_unbracketed import CLOSING, squeeze
from budgetscope.pipeline.docnumbers import DocNumberMatch, find_doc_number_lists, find_doc_numbers

REACH = 60
"""How far from the title its 文号 may start (characters)."""
MAX_LIST = 200
"""How far a list of 文号 in the bracket after a title may run."""
_OPENING = re.compile(r"[（(【\[〔［]")
_WS = re.compile(r"\s+")
_GAP_AFTER = re.compile(
    r"(?:[（(][^（）()]{1,12}[）)])?(?:(?:的|有关问题的|有关事项的)?(?:通知|批复|决定|意见|函))?(?:文件|文)?[（(【\[〔［]?(?:文号|发文字号|文件编号)?[:：]?"
)
_GAP_BEFORE = re.compile(
    r"(?:文件|文)?(?:[\u3400-\u9fff]{2,24}?(?:办公厅|办公室|人民政府|委员会|政府|厅|局|委|院|部|办|中心))?"
    r"(?:关于印发|印发|下发|的)?"
)
"""Between a 文号 and the 《 of the title it numbers: 文件, the issuer, 关于印发 (榕政办〔2017〕285号文件
福州市人民政府办公厅关于印发《…》, 国办发〔2022〕7号 国务院办公厅《…》)."""


def numbers_after(text: str, close: int, limit: int, claimed: set[int]) -> list[DocNumberMatch]:
    """The 文号 right after a title ending at ``close``: none, one, or every member of a list that fills
    the bracket after it (《X》（A号、B号）, joined by 、，和及与; each the title's). The last one's span runs
    to the bracket that closes it when one opens before the first. The starts taken go into ``claimed``.

    A list not closed by its bracket, or not in brackets (《X》国函〔2016〕194号、国发〔2021〕9号), gives
    its first 文号 only: what follows may be a citation of its own.
    """
    window_end = min(limit, close + 1 + MAX_LIST)
    for run in find_doc_number_lists(text[close + 1 : window_end]):
        first = run[0]
        gap = squeeze(text[close + 1 : close + 1 + first.start])
        if first.start >= REACH or not _GAP_AFTER.fullmatch(gap):
            break
        bracketed = _OPENING.search(gap) is not None
        closing = CLOSING.match(text, close + 1 + run[-1].end, window_end)
        members = run if bracketed and closing else [d for d in run[:1] if not d.inferred]
        out = []
        for dn in members:
            claimed.add(close + 1 + dn.start)
            out.append(DocNumberMatch(dn.number, close + 1 + dn.start, close + 1 + dn.end, dn.inferred))
        if out and bracketed:
            last = out[-1]
            if (shut := CLOSING.match(text, last.end, window_end)) is not None:
                out[-1] = DocNumberMatch(last.number, last.start, shut.end(), last.inferred)
        return out
    return []


def number_before(text: str, open_: int, floor: int, claimed: set[int]) -> DocNumberMatch | None:
    """The 文号 right before a title opening at ``open_`` (沪档〔2018〕44号关于印发《X》), unless taken."""
    window_start = max(floor, open_ - REACH)
    found = None
    for dn in find_doc_numbers(text[window_start:open_]):
        found = dn
    if found is None or window_start + found.start in claimed:
        return None
    gap = _WS.sub("", text[window_start + found.end : open_])
    if gap and not _GAP_BEFORE.fullmatch(gap):
        return None
    return DocNumberMatch(found.number, window_start + found.start, window_start + found.end)


def wording_span(numbers: list[DocNumberMatch]) -> DocNumberMatch | None:
    """One match spanning a title's 文号 from the first one's start to the last one's end (its wording)."""
    if not numbers:
        return None
    return DocNumberMatch(numbers[0].number, numbers[0].start, numbers[-1].end)


__all__ = ["number_before", "numbers_after", "wording_span"]
