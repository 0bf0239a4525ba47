"""文号 (document numbers) such as 国发〔2021〕9号: find them in text and parse them.

A 文号 is an issuing agency's abbreviation, a year and a serial: 国发〔2021〕9号, 中办发[2015]51号,
沪科【2023】15号, 國發(2021)9號; a decree number has no year (国务院令第658号, 上海市人民政府令第12号). Irregular numbers are kept as written (沪组委2019发字126号,
沪科协2021〔51〕号, 沪委组〔2019〕发字126号); a closing parenthesis misplaced before 号
(（科协发学字〔2017〕42）号) is repaired. Line breaks and spaces inside a number are dropped.

Example:
    >>> n = parse_doc_number("（国发〔2021〕9号）")
    >>> (n.agency, n.year, n.serial, n.key())
    ('国发', 2021, '9', '国发〔2021〕9号')
    >>> parse_doc_number("（2018年）") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from budgetscope.models import DocNumber

_CJK = r"\u3400-\u9fff"
_OPEN = r"〔【\[（(［〖"
_CLOSE = r"〕】\]）)］〗"
_S = r"[ \t\u3000]*(?:\n[ \t\u3000]*)?"  # spaces and at most one line break
_AGENCY = rf"(?P<agency>[{_CJK}](?:{_S}[{_CJK}]){{0,13}})"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_SERIAL = r"(?P<serial>\d{1,5})"
_HAO = r"[号號]"

DOC_NUMBER = re.compile(
    "|".join(
        (
            # 国发〔2021〕9号, 沪委组〔2019〕发字126号, 沪科党组合〔2007〕第011号, 科协发学字〔2017〕42）号
            rf"{_AGENCY}{_S}[{_OPEN}]{_S}{_YEAR}{_S}[{_CLOSE}]{_S}(?P<mid>[{_CJK}]{{0,3}}?){_S}第?{_S}{_SERIAL}"
            rf"{_S}(?P<stray>[)）])?{_S}{_HAO}",
            # 沪组委2019发字126号 (bare year, a word between year and serial)
            rf"{_AGENCY.replace('agency', 'agency2')}{_S}{_YEAR.replace('year', 'year2')}{_S}"
            rf"(?P<mid2>[{_CJK}]{{1,3}}){_S}第?{_S}{_SERIAL.replace('serial', 'serial2')}{_S}{_HAO}",
            # 沪科协2021〔51〕号 (the serial in the brackets)
            rf"{_AGENCY.replace('agency', 'agency3')}{_S}{_YEAR.replace('year', 'year3')}{_S}[{_OPEN}]{_S}"
            rf"{_SERIAL.replace('serial', 'serial3')}{_S}[{_CLOSE}]{_S}{_HAO}",
            # 国务院令第658号, 上海市人民政府令第12号, 沪府令12号, 主席令第十五号 (a decree: no year)
            rf"(?P<agency4>[{_CJK}](?:{_S}[{_CJK}]){{0,13}}?令){_S}第?{_S}"
            rf"(?P<serial4>\d{{1,5}}|[一二三四五六七八九十百零〇]{{1,6}}){_S}{_HAO}",
        )
    )
)
"""One 文号 in any of its four shapes; the agency is trimmed afterwards (see :func:`find_doc_numbers`)."""

# Words that end the text before an agency abbreviation: an issuing body's full name, a verb, a particle.
_AGENCY_CUT = re.compile(
    r".*(?:根据|依据|按照|依照|参照|见|即|文号|编号|发文|关于印发|印发|转发|下发|发布|颁布|的|和|及|与|或|"
    r"人民政府|政府|委员会|办公厅|办公室|档案局|[^\s]局|中心|协会|部门|[：:、，,；;。])"
)
# Before a decree number only verbs, particles and punctuation are cut: the issuing body is its name.
_DECREE_CUT = re.compile(
    r".*(?:根据|依据|按照|依照|参照|见|即|发布|颁布|公布|印发|的|(?<!共)和|及|与|或|[：:、，,；;。])"
)
_NOT_DECREE = re.compile(r"^.?令$|(?:指|命|口|号|条|禁|法|政)令$")
"""指令第3号, 命令…: an order's wording, not an issuing body's decree series."""
_WS = re.compile(r"\s+")
_HAO_END = re.compile(rf"{_HAO}$")


@dataclass(frozen=True)
class DocNumberMatch:
    """A 文号 found in text: the parsed number and its character span (the agency's start to 号).

    ``inferred``: written without its 号, which a later 文号 of its list carries, or without its agency,
    which an earlier one carries (国科发火字〔1994〕304号和〔2003〕96号); ``number`` has it added.
    """

    number: DocNumber
    start: int
    end: int
    inferred: bool = False


def _trim_agency(agency: str, cut_words: re.Pattern[str] = _AGENCY_CUT) -> tuple[str, int]:
    """The agency abbreviation at the end of a run of CJK text, and how many characters were cut."""
    squeezed = _WS.sub("", agency)
    m = cut_words.match(squeezed)
    cut = m.end() if m else 0
    kept = squeezed[cut:]
    # map the cut back onto the unsqueezed text (whitespace may sit inside)
    i = n = 0
    while n < cut and i < len(agency):
        if not agency[i].isspace():
            n += 1
        i += 1
    while i < len(agency) and agency[i].isspace():
        i += 1
    return kept, i


def _build(m: re.Match[str], text_start: int) -> DocNumberMatch | None:
    g = m.groupdict()
    if g.get("agency"):
        shape, agency, year, serial = 1, g["agency"], g["year"], g["serial"]
    elif g.get("agency2"):
        shape, agency, year, serial = 2, g["agency2"], g["year2"], g["serial2"]
    elif g.get("agency3"):
        shape, agency, year, serial = 3, g["agency3"], g["year3"], g["serial3"]
    else:
        shape, agency, year, serial = 4, g["agency4"], None, g["serial4"]
    kept, cut = _trim_agency(agency, _DECREE_CUT if shape == 4 else _AGENCY_CUT)
    if not kept or kept[0] in "号號第年月日" or (shape == 4 and _NOT_DECREE.search(kept)):
        return None
    start = m.start() + cut
    raw = _WS.sub("", m.group(0)[cut:])
    if shape == 1 and g.get("stray"):
        raw = raw.replace("）号", "号").replace(")号", "号").replace("）號", "號").replace(")號", "號")
    mid = g.get("mid") if shape == 1 else g.get("mid2") if shape == 2 else None
    serial_text = f"{mid}{serial}" if mid else serial
    number = DocNumber(text=raw, agency=kept, year=int(year) if year else None, serial=serial_text)
    return DocNumberMatch(number=number, start=text_start + start, end=text_start + m.end())


def find_doc_numbers(text: str) -> Iterator[DocNumberMatch]:
    """Every 文号 in text, in order, with its span.

    >>> [d.number.text for d in find_doc_numbers("《X》（国发〔2021〕9号）、《Y》沪科协2021〔51〕号")]
    ['国发〔2021〕9号', '沪科协2021〔51〕号']
    """
    for m in DOC_NUMBER.finditer(text):
        found = _build(m, 0)
        if found is not None:
            yield found


_WITHOUT_HAO = re.compile(
    rf"{_AGENCY}{_S}[{_OPEN}]{_S}{_YEAR}{_S}[{_CLOSE}]{_S}第?{_S}{_SERIAL}(?={_S}(?:以及|[及和与、，,]))"
)
"""A 文号 written without its 号 before a joiner (闽人社文〔2009〕60及…): a member of a list, when a 文号
with its 号 ends the list."""
_JOINER = re.compile(rf"{_S}(?:以及|[及和与、，,]){_S}")
_WITHOUT_AGENCY = re.compile(
    rf"(?<=[及和与、，,\s])[{_OPEN}]{_S}{_YEAR}{_S}[{_CLOSE}]{_S}第?{_S}{_SERIAL}(?:{_S}(?P<hao>{_HAO}))?"
)
"""A 文号 written without its agency after a joiner (国科发火字〔1994〕304号和〔2003〕96号): a member of a
list, when a 文号 with its agency comes first in the list."""


def _without_agency(text: str, taken: list[DocNumberMatch]) -> Iterator[DocNumberMatch]:
    """The members of ``text``'s lists written without their agency, the agency left to be filled in
    (``number.agency`` empty); each marked ``inferred`` (its wording lacks part of its number)."""
    for m in _WITHOUT_AGENCY.finditer(text):
        if any(d.start <= m.start() < d.end for d in taken):
            continue
        raw = _WS.sub("", m.group(0))
        hao = "" if m["hao"] else "号"
        number = DocNumber(text=raw + hao, agency="", year=int(m["year"]), serial=m["serial"])
        yield DocNumberMatch(number, m.start(), m.end(), inferred=True)


def _with_agency(dn: DocNumberMatch, previous: DocNumberMatch) -> DocNumberMatch:
    """A member written without its agency, given the agency of the member before it."""
    agency = previous.number.agency
    number = dn.number.model_copy(update={"agency": agency, "text": agency + dn.number.text})
    return DocNumberMatch(number, dn.start, dn.end, inferred=True)


def find_doc_number_lists(text: str) -> Iterator[list[DocNumberMatch]]:
    """Every 文号 in text, in order, grouped into the lists they are written in (joined by 及, 和, 与,
    、 or ，; a 文号 alone is a list of one). The 号 that ends a list may stand for every member: a
    member written without it is completed (``inferred``); one that no 文号 with 号 follows is no 文号.

    >>> [[(d.number.text, d.inferred) for d in run]
    ...  for run in find_doc_number_lists("根据闽人社文〔2009〕60及榕劳社保〔2010〕38号文件精神")]
    [[('闽人社文〔2009〕60号', True), ('榕劳社保〔2010〕38号', False)]]
    """
    whole = list(find_doc_numbers(text))
    partial = []
    for m in _WITHOUT_HAO.finditer(text):
        found = _build(m, 0)
        if found is not None and not any(d.start <= found.start < d.end for d in whole):
            number = found.number.model_copy(update={"text": found.number.text + "号"})
            partial.append(DocNumberMatch(number, found.start, found.end, inferred=True))
    agencyless = list(_without_agency(text, [*whole, *partial]))
    runs: list[list[DocNumberMatch]] = []
    for dn in sorted([*whole, *partial, *agencyless], key=lambda d: d.start):
        joined = bool(runs) and _JOINER.fullmatch(text, runs[-1][-1].end, dn.start) is not None
        if not dn.number.agency:  # 〔2003〕96号: only as a member after one whose agency it shares
            if joined:
                runs[-1].append(_with_agency(dn, runs[-1][-1]))
            continue
        if joined:
            runs[-1].append(dn)
        else:
            runs.append([dn])
    for run in runs:
        while run and not _HAO_END.search(text, run[-1].start, run[-1].end):  # no 文号 with 号 after it
            run.pop()
        if run:
            yield run


def parse_doc_number(text: str) -> DocNumber | None:
    """Parse a string that is one 文号 (optionally in parentheses); None when it is not one.

    The misplaced parenthesis of "（科协发学字〔2017〕42）号" is repaired; irregular shapes keep their text.

    >>> parse_doc_number("（科协发学字〔2017〕42）号").text
    '科协发学字〔2017〕42号'
    >>> parse_doc_number("沪组委2019发字126号").serial
    '发字126'
    """
    stripped = text.strip()
    if stripped[:1] in "（(" and stripped[-1:] in "）)" and not re.search(r"[）)]\s*[号號]", stripped[-3:]):
        stripped = stripped[1:-1].strip()
    elif stripped[:1] in "（(" and re.search(r"[）)]\s*[号號]$", stripped):
        stripped = stripped[1:].strip()
    m = DOC_NUMBER.fullmatch(stripped)
    if m is None:
        return None
    found = _build(m, 0)
    if found is None or found.start != 0:
        return None
    return found.number


def format_doc_number(number: DocNumber) -> str:
    """The canonical spelling of a 文号 (full-width 〔〕 brackets), as :meth:`DocNumber.key` gives it.

    >>> format_doc_number(parse_doc_number("中办发[2015]51号"))
    '中办发〔2015〕51号'
    """
    return number.key()


__all__ = [
    "DOC_NUMBER",
    "DocNumberMatch",
    "find_doc_number_lists",
    "find_doc_numbers",
    "format_doc_number",
    "parse_doc_number",
]
