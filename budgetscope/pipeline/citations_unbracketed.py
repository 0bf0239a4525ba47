"""Policy documents named without 《》 (贯彻落实科技进步法, 根据…规划纲要) and a 文号 cited alone, with
the vocabulary the 《》 reader of :mod:`.citations` shares: document-type words, where a name starts.

Example:
    >>> [c.title for c in find_unbracketed("根据中华人民共和国科学技术普及法，开展工作。", None,
    ...                                    "根据中华人民共和国科学技术普及法，开展工作。")]
    ['中华人民共和国科学技术普及法']
"""

from __future__ import annotations

import re

from budgetscope.models import Citation
from budgetscope.pipeline.docnumbers import find_doc_number_lists, find_doc_numbers, parse_doc_number

_BREAK = re.compile(r"[ \t\u3000]*\r?\n[ \t\u3000]*")
CLOSING = re.compile(r"[ \t\u3000]*[）)】\]〕］]")
"""The bracket that closes a 文号 printed in brackets after a title: …》（国发〔2021〕9号）."""

DOC_TYPES = (
    "实施细则|细则|条例|规定|办法|规则|规划|纲要|意见|通知|决定|决议|方案|报告|协议|章程|标准|准则|指南|"
    "批复|要点|纪要|公报|法"
)
"""Words that end a policy document's name (longest first where one ends another)."""

# --- documents named without 《》 -------------------------------------------------------------------
_NAME_CHAR = re.compile(r"[\u3400-\u9fff0-9０-９“”\"‘’—\-－·]")
_UNBRACKETED = re.compile(
    rf"(?:{DOC_TYPES})(?P<paren>[（(](?:[^（）()\n]{{0,6}}(?:19|20)\d{{2}}[^（）()\n]{{0,16}}|试行|修订[^（）()\n]{{0,8}})[）)])?"
)
_CITING_VERB = (
    "根据|依据|依照|按照|遵照|参照|遵循|对照|贯彻落实|贯彻执行|贯彻|落实|执行|推进|推动|实现|围绕|结合|学习"
)
# "以满足X规划要求", "符合X规划": X is what the clause meets; the name starts after the verb
_MEETING_VERB = "满足|符合(?!性)|达到"
_STOP = re.compile(
    rf"(?:{_CITING_VERB}|{_MEETING_VERB}|签署的|发布的|印发的|制定的|颁布的|下发的|出台的|通过的|批准的|在|的)"
)
# a name never opens with a purpose marker: "以提升…规划" is a clause whose verb no stop word knows
_CLAUSE_START = re.compile(r"^(?:以|为了?|用以|借以|从而|进而)")
_CITING_LEFT = re.compile(rf"(?:{_CITING_VERB})$")
_ITEM_START = re.compile(
    r"(?:^|\n|[。；;：:])[ \t\u3000\-]*(?:\d{1,2}\s*[、.．]|[（(]\s*\d{1,2}\s*[）)]|[一二三四五六七八九十]{1,3}\s*、)\s*$"
    r"|(?:依据|根据|依照)[：:]\s*$"
)
_RIGHT_CUE = re.compile(
    r"^(?:中(?:指出|提到|提出|明确|强调|要求|规定|关于|有关|描述|写道|的)"
    r"|中?第[一二三四五六七八九十百\d]+(?:部分|条|章|节|款|项)|的?(?:要求|精神|规定|相关规定)|提出|指出|明确|"
    r"等(?:文件|法律|法规|政策|规定))"
)
_RIGHT_BOUNDARY = re.compile(
    r"^(?:$|[^\u3400-\u9fff]|中|第|的|要求|精神|规定|提出|指出|明确|等|相关|有关|和|及|与|实施|落实|贯彻|执行)"
)
# after a name ended by its document type and cited by a verb on its left, the clause's own verb may
# follow at once: 依据…的若干意见开展工作
_VERB_AFTER = re.compile(r"^(?:开展|组织|做好|进行|推进|加强|部署|安排|制定|编制|实施)")
_CONJUNCTION = re.compile(r"^(?:以及|和|及|与)")
_NOTICE_TYPES = ("通知", "意见", "决定", "批复", "函")
_VAGUE = re.compile(r"有关|相关|各项|一系列|各类|各级|上述|以上|下列|等")
_FORMAL = re.compile(
    r"中华人民共和国|中国|全国|全民|国家|国务院|中共|中央|党的|党中央|市委|市政府|上海|省|科协|科学技术协会|"
    r"十[一二三四五六]五|\d{4}|[（(]"
)
GENERIC_START = re.compile(
    r"^(?:实施|工作|项目|相关|有关|具体|本|该|此|各|其|这|年度|总体|整体|管理|制定|编制|形成|完成|开展|研究|起草|修订|"
    r"提交|报送|建立|完善|健全|出台|审议|征求|听取|反馈|提出|明确|按|经|由|对|将|把|已|并|及|和|一是|二是|三是)"
)
# the papers of a meeting (决议, 报告 …) count only when the meeting is named: 党的二十大报告, 二十届三中全会决议
_MEETING_TYPES = ("决议", "报告", "公报", "纪要")
_MEETING_NAMED = re.compile(
    r"第[一二三四五六七八九十百\d]+次|[一二三四五六七八九十\d]+届|(?:[二三]十[一二三四五六七八九]?|十[一二三四五六七八九])大|[一二三四五六七]中全会|"
    r"政府工作报告|(?:19|20)\d{2}年"
)
_LAW_SHORT = re.compile(r"^(?:科普法|科技进步法|预算法|政府采购法|安全生产法|消防法|合同法|民法典)$")


def squeeze(text: str) -> str:
    """Drop line breaks and the spaces around them (a title or a 文号 broken over two lines)."""
    return _BREAK.sub("", text)


def name_start(masked: str, pos: int, floor: int) -> tuple[int, int]:
    """Where a name ending at pos starts: after the last stop word of its run of name characters.

    Returns (name start, run start). The run is the stretch of CJK, digits and quotes before pos.
    """
    run = pos
    while run > floor and (_NAME_CHAR.match(masked[run - 1]) or masked[run - 1] in "〈〉"):
        run -= 1
    segment = masked[run:pos]
    guard = segment.find("关于")
    limit = guard if guard >= 0 else len(segment)
    best = 0
    for m in _STOP.finditer(segment[:limit]):
        if m.group(0) == "的":
            before = segment[: m.start()]
            if before.endswith("党") or len(segment) - m.end() < 4:
                continue
        if len(segment) - m.end() >= 2:
            best = m.end()
    return run + best, run


def _accept_unbracketed(name: str, suffix: str, context: str, left: str, right: str, listed: bool) -> bool:
    body = name[: len(name) - len(suffix)] if name.endswith(suffix) else name
    if _LAW_SHORT.match(name):
        return bool(_CITING_LEFT.search(left) or _RIGHT_CUE.match(right))
    if len(body) < 5 or GENERIC_START.match(name) or _CLAUSE_START.match(name):
        return False
    if suffix == "法":
        return name.startswith("中华人民共和国")
    if suffix in _NOTICE_TYPES:
        return "关于" in name and bool(re.search(rf"的(?:若干|实施|指导)?{suffix}$", name.rstrip("）)")))
    if _VAGUE.search(name):
        return False
    if suffix in _MEETING_TYPES and not _MEETING_NAMED.search(name):
        return False
    if not _FORMAL.search(context):
        return False
    return bool(_CITING_LEFT.search(left) or _ITEM_START.search(left) or _RIGHT_CUE.match(right) or listed)


def _number_after(text: str, end: int) -> tuple[str | None, int]:
    """The 文号 printed right after a name, in parentheses or not (…的通知（国发〔2021〕9号）), and
    where the citation's wording ends: after the 文号 and its closing parenthesis, else at ``end``."""
    for dn in find_doc_numbers(text[end : end + 40]):
        opening = squeeze(text[end : end + dn.start])
        if opening in ("", "（", "("):
            closing = CLOSING.match(text, end + dn.end) if opening else None
            return dn.number.text, closing.end() if closing else end + dn.end
        break
    return None, end


def find_unbracketed(text: str, section: str | None, masked_text: str) -> list[Citation]:
    """Names of documents without 《》 (see the module), each with the 文号 printed right after it.

    >>> text = "依据国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知（国发〔2021〕9号）开展工作。"
    >>> [(c.title, c.doc_number) for c in find_unbracketed(text, None, text)]
    [('国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知', '国发〔2021〕9号')]
    """
    out: list[Citation] = []
    for m in _UNBRACKETED.finditer(masked_text):
        suffix_end = m.start() + len(m.group(0)) - len(m.group("paren") or "")
        suffix = text[m.start() : suffix_end]
        paren = m.group("paren") or ""
        if (
            paren and "号" in paren and any(find_doc_numbers(paren))
        ):  # （国发〔2021〕9号）: the name's 文号, not a part of its name
            paren = ""
        end = suffix_end + len(paren)
        right = squeeze(masked_text[end : end + 12])
        bounded = bool(_RIGHT_BOUNDARY.match(right) or paren)  # a year's parentheses end a name
        if not bounded and not _VERB_AFTER.match(right):
            continue
        previous = out[-1] if out else None
        if (
            suffix in _NOTICE_TYPES
            and previous
            and previous.end == m.start() - 1
            and text[previous.end] == "的"
        ):
            # 国务院关于印发X纲要（…）的通知: the notice that issued X is the document cited, X its content
            whole = text[previous.start : end]
            if "关于" in whole:
                number, until = _number_after(text, end)
                out[-1] = Citation(title=whole, doc_number=number, section=section, bracketed=False,
                                   start=previous.start, end=end, wording=squeeze(text[previous.start : until]))  # fmt: skip
                continue
        start, run = name_start(masked_text, m.start(), 0)
        if start >= m.start():
            continue
        name = text[start:end]
        while name[:1] in '“”"‘’—-－·' and name:
            name, start = name[1:], start + 1
        conjunction = _CONJUNCTION.match(name)
        if conjunction and len(name) - conjunction.end() >= 5:  # 《A》和B纲要: B is listed after A
            name, start = name[conjunction.end() :], start + conjunction.end()
        left = masked_text[max(0, run - 16) : start].rstrip('“"‘')
        if not bounded and not _CITING_LEFT.search(left):
            continue
        before_run = masked_text[max(0, run - 2) : run]
        listed = before_run.endswith(("\x00、", "\x00和", "\x00及")) or bool(
            conjunction and "\x00" in before_run
        )
        context = masked_text[run:end]
        if _accept_unbracketed(name, suffix, context, left, right, listed):
            number, until = _number_after(text, end)
            out.append(Citation(title=name, doc_number=number, section=section, bracketed=False, start=start,
                                end=end, wording=squeeze(text[start:until])))  # fmt: skip
    return out


_BARE_NUMBER_LEFT = re.compile(r"(?:根据|依据|依照|按照|遵照|参照|贯彻落实|贯彻|落实|执行|见)[\s“\"]*$")
_BARE_NUMBER_TITLE_AFTER = re.compile(r"^[\s”\"]*[《〈]")
"""After a 文号 cited by a verb: a title, whose 文号 it is (根据国发〔2021〕9号《X》), else the 文号 is what is
cited, whatever follows (依据国发〔2021〕9号。, …9号文件, …9号要求)."""
_LISTED_GAP = re.compile(r"》?(?:[（(][^（）()《》]{1,30}[）)])?(?:文件|文)?(?:以及|[和及与、])")
"""Between a citation and a 文号 listed after it: 《A》和, 《A》（国发〔2021〕9号）、, 国发〔2021〕9号文件及,
《A》（2002年通过，2018年修订）和."""
_WHITESPACE = re.compile(r"\s+")
MAX_LISTED_GAP = 40


def _listed_after(text: str, start: int, taken: list[Citation]) -> bool:
    """Whether the 文号 at ``start`` is listed right after a citation (依据《A》和国发〔2021〕9号文件): the
    text between is a joiner, after the citation's own 文号 if it has one (《A》（沪财绩〔2020〕6号）及…).
    A 文号 in the brackets after a title (《A》（沪府发〔2020〕1号、沪府发〔2020〕2号）) is the title's: no joiner
    stands between the title and it."""
    before = [c for c in taken if c.end <= start]
    if not before:
        return False
    citation = max(before, key=lambda c: c.end)
    gap = _WHITESPACE.sub("", text[citation.end : start])
    if len(gap) > MAX_LISTED_GAP:
        return False
    own = next(find_doc_numbers(gap), None)
    mine = parse_doc_number(citation.doc_number) if citation.doc_number is not None else None
    if own is not None and mine is not None and own.number.key() == mine.key():
        if re.fullmatch(r"》?[（(【\[〔［]?", gap[: own.start]) is None:
            return False
        gap = re.sub(r"^[）)】\]〕］]", "", gap[own.end :])
    return _LISTED_GAP.fullmatch(gap) is not None


def find_bare_numbers(text: str, section: str | None, taken: list[Citation]) -> list[Citation]:
    """A 文号 standing alone as the thing cited ("依据国发〔2021〕9号文件"): the number is the title.

    When a citing verb comes right before it, whatever follows (依据国发〔2021〕9号。, …9号文件, …9号要求) but
    a title it numbers, or when it is listed after another citation (依据《中华人民共和国预算法》和国发〔2021〕9号
    文件, 《X》（2002年通过）和国发〔2021〕9号), and no citation found otherwise holds it or has it as its 文号.
    A list of 文号 (根据闽人社文〔2009〕60及榕劳社保〔2010〕38号文件精神) is cited whole, the verb before its first;
    a member written without its 号 or its agency (国科发火字〔1994〕304号和〔2003〕96号) has it added
    (``doc_number_inferred``), its wording as written.
    """
    out: list[Citation] = []
    for run in find_doc_number_lists(text):
        left, right = text[max(0, run[0].start - 8) : run[0].start], text[run[-1].end : run[-1].end + 8]
        cited = bool(_BARE_NUMBER_LEFT.search(left)) and not _BARE_NUMBER_TITLE_AFTER.match(right)
        if not cited and not _listed_after(text, run[0].start, [*taken, *out]):
            continue
        for dn in run:
            start, end, number = dn.start, dn.end, dn.number.text
            if any(c.start <= start < c.end or c.doc_number == number for c in taken):
                continue  # inside a citation, or the 文号 of a title cited beside it (…12号文件《X》)
            out.append(Citation(title=number, doc_number=number, section=section, bracketed=False, start=start,
                                end=end, wording=squeeze(text[start:end]), doc_number_inferred=dn.inferred))  # fmt: skip
    return out


__all__ = [
    "CLOSING",
    "DOC_TYPES",
    "GENERIC_START",
    "find_bare_numbers",
    "find_unbracketed",
    "name_start",
    "squeeze",
]
