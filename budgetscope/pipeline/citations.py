"""Cited policy documents in a section's text: 《》 titles, their 文号, and documents named without 《》.

Rules (see ../shared/eval/SCHEMA.md): the title is the text inside the outermost 《》 (inner 〈〉 or 《》
kept verbatim, a line break inside a title dropped); the 文号 that stands next to a title, after it
(《X》（国发〔2021〕9号）, 《X》国函〔2016〕194号, 关于印发《X》的通知（沪科协2021〔51〕号）) or before it
(沪档〔2018〕44号关于印发《X》), belongs to that title only. Not citations: 《》 naming a magazine, a
programme, an event or the project's own deliverable; "（以下简称《Y》）" (it defines a short name).
Documents named without 《》 are found by their type word (规划, 纲要, 条例, 决议 …) together with a
citing cue (根据, 贯彻落实, 1、…, …中指出, …第四部分); they come out with ``bracketed=False``.
A bare short title (《条例》, or a 简称 defined in another field) is resolved per project by
:func:`resolve_short_titles`.

Example:
    >>> [(c.title, c.doc_number) for c in find_citations("2、《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）")]
    [('国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知', '国发〔2021〕9号')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from budgetscope.models import Citation
from budgetscope.pipeline.citations_numbers import number_before, numbers_after, wording_span
from budgetscope.pipeline.citations_unbracketed import (
    DOC_TYPES,
    GENERIC_START,
    find_bare_numbers,
    find_unbracketed,
    name_start,
    squeeze,
)
from budgetscope.pipeline.docnumbers import DocNumberMatch, find_doc_number_lists, find_doc_numbers

MAX_TITLE = 160
_PARAGRAPH = re.compile(r"\n[ \t\u3000]*\n")

# a title ending that names an event, a periodical, a programme or a product, never a policy document
_NOT_DOCUMENT_END = re.compile(
    r"(?:会|论坛|峰会|沙龙|讲坛|大赛|竞赛|比赛|评选|晚会|展览|博览|活动|节目|栏目|月刊|周刊|杂志|(?<![公通情])报|"
    r"蓝皮书|白皮书|案例|读本|汇编|丛书|合同|合同书|(?:绩效目标|目标|申报|申请|登记|汇总|统计|情况|评分|调查)表)$"
)
# right after 》: the thing named is a periodical, a programme, an event or a product
_NOT_DOCUMENT_AFTER = re.compile(
    r"^(?:[\u3400-\u9fff]{0,2}(?:杂志社?|期刊|月刊|周刊|报社|节目|栏目|专栏|丛书|一书|图书|画册|专刊|简报|展览|"
    r"大赛|比赛|竞赛|晚会|论坛|研讨会|座谈会|讲座|直播|纪录片|电视剧)|(?:主题|系列|专题)[\u3400-\u9fff]|"
    r"\d+\s*(?:份|期|册|本|篇|部|集|场|门|套))"
)
_ENUMERATED_EVENTS = re.compile(
    r"^等[^，。；\n]{0,14}(?:活动|节目|栏目|赛事|比赛|展览|会议|论坛|课程|教材|课件|微课|作品|图书|书籍|软件)"
)
# right before 《: making, printing or broadcasting it (the project's own product)
_PRODUCT_BEFORE = re.compile(
    r"(?:编辑出版|编辑印制|出版|编印|印制|撰写|编写|完成|形成|制作|拍摄|录制|播出|播放|办好|开发|研发|开设|讲授|广播版|电视版|网络版|"
    r"详见(?:单位)?|填报|填写|签订|签署|订立|续签)了?$"
)
# right before 《: making a course, a book, a film (what it names is the project's own, even 《科学方法》)
_MAKING_BEFORE = re.compile(r"(?:开发|研发|开设|讲授|编写|撰写|编印|出版|拍摄|录制)了?$")
_WS = re.compile(r"\s+")
_SHORT_NAME_BEFORE = re.compile(r"(?:以下|下文)?(?:简称|称)[为：:]?[“\"]?$")
_HAS_TYPE = re.compile(rf"(?:{DOC_TYPES})(?:[（(][^（）()]{{1,20}}[）)])?$")
# 《X》细则: the 《》 is part of a longer name (上海市科学技术协会实施《中国科学技术协会章程》细则)
_EMBEDDING_SUFFIX = re.compile(r"^(?:实施细则|细则|实施办法|实施方案|实施意见|补充规定|补充通知)")
# 关于贯彻落实《X》有关问题的通知: a notice about X, itself the cited document (but 关于印发《X》的通知 cites X)
# 关于转发《X》的通知, 关于同意《X》的批复: a notice that forwards, implements or approves X is the cited
# document, with its own 文号; only a notice that publishes X (关于印发《X》的通知) gives X that 文号
_EMBEDDING_NOTICE = re.compile(
    r"^(?:有关问题|有关事项)?的(?:通知|补充通知|实施意见|意见|实施办法|实施细则|批复|复函)"
)
_PUBLISHING = re.compile(r"(?:印发|颁布|发布|下发|公布)$")
_FORWARDING = re.compile(r"(?:转发|转印|同意)$")
_LEADING_DATE = re.compile(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?")
_NOTICE_END = re.compile(r"的通知")
_CHAINED = re.compile(r"[、，,和及与]?")
"""Between two 《》 titles of one enumeration (开发《A》《B》、《C》): the second is what the first is."""
MAX_UNCLOSED = 60
_UNCLOSED_END = re.compile(
    rf"(?:{DOC_TYPES})(?:[（(][^（）()\n]{{1,20}}[）)])?(?=$|[^\u3400-\u9fff0-9A-Za-z“”\"]|等|中|第|要求|精神|规定|文件)"
)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _pairs(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Outermost matched 《…》 pairs in text[start:end], unmatched 》 and unmatched 《 positions.

    A 〈…〉 pair outside any 《》 stands for a title mark too (〈上海市科学技术普及条例〉).
    """
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    stray: list[int] = []
    single: list[int] = []
    for i in range(start, end):
        ch = text[i]
        if ch == "《":
            stack.append(i)
        elif ch == "》":
            if stack:
                pairs.append((stack.pop(), i))
            else:
                stray.append(i)
        elif ch == "〈" and not stack:
            single.append(i)
        elif ch == "〉" and not stack and single:
            pairs.append((single.pop(), i))
    pairs = [p for p in pairs if p[1] - p[0] <= MAX_TITLE]
    outer = [p for p in pairs if not any(q[0] < p[0] and p[1] < q[1] for q in pairs)]
    return sorted(outer), stray, stack


def _wording(text: str, start: int, end: int, number: DocNumberMatch | None = None, floor: int = 0) -> str:
    """The citation as written from ``start`` to ``end`` and over its 文号, line breaks dropped. A 文号
    that numbers the notice publishing the title takes in the whole notice: 关于印发《X》的通知（文号）,
    文号文件…关于印发《X》的通知."""
    if number is None:
        return squeeze(text[start:end]).strip()
    notice = _NOTICE_END.match(squeeze(text[end : end + 8]))
    if notice and _PUBLISHING.search(squeeze(text[max(floor, start - 8) : start])):
        end = _walk(text, end, notice.end())
        start = name_start(text, start, floor)[0]
    return squeeze(text[min(start, number.start) : max(end, number.end)]).strip()


def _each(cite: Citation, numbers: list[DocNumberMatch]) -> list[Citation]:
    """The citation once per 文号 beside its title (《X》（A号、B号）: X as A, X as B, one wording), else as it is."""
    return [
        cite.model_copy(update={"doc_number": n.number.text, "doc_number_inferred": n.inferred})
        for n in numbers
    ] or [cite]


def _numbers_only(text: str, start: int, end: int) -> list[DocNumberMatch]:
    """The 文号 of a title that is a list of them and nothing else (国发〔2021〕9号和〔2022〕3号), else none."""
    runs = list(find_doc_number_lists(text[start:end]))
    if (
        len(runs) != 1
        or len(runs[0]) < 2
        or text[start:end].strip() != text[start + runs[0][0].start : start + runs[0][-1].end]
    ):
        return []
    return [DocNumberMatch(d.number, start + d.start, start + d.end, d.inferred) for d in runs[0]]


def _walk(text: str, at: int, n: int) -> int:
    """The offset ``n`` non-space characters on from ``at``."""
    while n > 0 and at < len(text):
        n -= not text[at].isspace()
        at += 1
    return at


def _embedding(text: str, open_: int, close: int, after: str, floor: int) -> tuple[int, int] | None:
    """The span of a longer name the 《》 title sits in (…实施《X》细则, 关于贯彻落实《X》有关问题的通知), or None."""
    suffix = _EMBEDDING_SUFFIX.match(after)
    if suffix is None:
        suffix = _EMBEDDING_NOTICE.match(after)
        if suffix is None:
            return None
        start, _ = name_start(text, open_, floor)
        prefix = squeeze(text[start:open_])
        if _PUBLISHING.search(prefix) or ("关于" not in prefix and not _FORWARDING.search(prefix)):
            return None
    else:
        start, _ = name_start(text, open_, floor)
    date = _LEADING_DATE.match(text, start)  # "根据2023年5月23日市科委关于同意《X》的批复"
    start = date.end() if date and date.end() < open_ else start
    return start, _walk(text, close + 1, suffix.end())  # the squeezed suffix walked back onto the text


def _is_document(title: str, before: str, after: str, has_number: bool) -> bool:
    """Whether a 《》 title names a policy document (not a magazine, event, programme or product)."""
    if has_number:
        return True
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", title)
    if _NOT_DOCUMENT_AFTER.match(after) or _NOT_DOCUMENT_END.search(bare):
        return False
    if _MAKING_BEFORE.search(before):  # 开发《科学方法》课程: made by the project, whatever its name ends in
        return False
    if _HAS_TYPE.search(title):
        return True
    return not (_PRODUCT_BEFORE.search(before) or _ENUMERATED_EVENTS.match(after))


def _bracketed(text: str, section: str | None, masked: list[str]) -> tuple[list[Citation], dict[str, str]]:
    """The 《》 citations of a text, and the 简称 it defines (short title → the full title before it)."""
    found: list[Citation] = []
    claimed: set[int] = set()
    short_names: dict[str, str] = {}
    for p_start, p_end in _paragraphs(text):
        pairs, stray, unclosed = _pairs(text, p_start, p_end)
        dropped = -2  # the 》 of the last title found to be no document (a course, a book of the project's)
        for open_, close in pairs:
            for i in range(open_, close + 1):
                masked[i] = "\x00"
            title = squeeze(text[open_ + 1 : close]).strip()
            before = squeeze(text[max(p_start, open_ - 12) : open_])
            after = squeeze(text[close + 1 : min(p_end, close + 30)])
            if len(title) < 2:
                continue
            if _SHORT_NAME_BEFORE.search(_WS.sub("", before)):  # "（以下⏎简称 《纲要》）"
                if found:
                    short_names[title] = found[-1].title
                continue
            embedding = _embedding(text, open_, close, after, p_start)
            if embedding is not None:
                start, end = embedding
                for i in range(start, end):
                    masked[i] = "\x00"
                own = numbers_after(text, end - 1, p_end, claimed)
                cite = Citation(
                    title=squeeze(text[start:end]),
                    section=section,
                    bracketed=False,
                    start=start,
                    end=end,
                    wording=_wording(text, start, end, wording_span(own)),
                )
                found += _each(cite, own)
                continue
            numbers = (
                []  # "转发《X》（文号）": the 文号 is the forwarding notice's, not X's
                if _FORWARDING.search(before)
                else numbers_after(text, close, p_end, claimed)
                or [n for n in [number_before(text, open_, p_start, claimed)] if n is not None]
            )
            beside = wording_span(numbers)
            number = beside.number.text if beside else None
            listed = [] if number is not None else _numbers_only(text, open_ + 1, close)
            if listed:  # 《国科发火字〔1994〕304号和〔2003〕96号》: each 文号 cited, as a 文号 alone is
                found += [
                    Citation(title=n.number.text, doc_number=n.number.text, doc_number_inferred=n.inferred,
                             section=section, start=n.start, end=n.end, wording=squeeze(text[n.start : n.end]))
                    for n in listed
                ]  # fmt: skip
                continue
            if number is None:
                inner = next(iter(find_doc_numbers(title)), None)
                number = inner.number.text if inner is not None and inner.start == 0 else None
            chained = dropped >= 0 and _CHAINED.fullmatch(squeeze(text[dropped + 1 : open_])) is not None
            if not _is_document(title, before, after, number is not None) or (chained and number is None):
                dropped = close
                continue
            cite = Citation(
                title=title,
                doc_number=number,
                section=section,
                start=open_ + 1,
                end=close,
                short_for=short_names.get(title),
                wording=_wording(text, open_, close + 1, beside, p_start),
            )
            found += _each(cite, numbers)
        for close in stray:  # 》 without its 《: "、中央财政科研项目专家咨询费管理办法》财科教〔2017〕128号"
            start, _ = name_start(text, close, p_start)
            title = squeeze(text[start:close])
            if len(title) < 4 or not _HAS_TYPE.search(title) or GENERIC_START.match(title):
                continue
            own = numbers_after(text, close, p_end, claimed)
            for i in range(start, close + 1):
                masked[i] = "\x00"
            cite = Citation(title=title, section=section, start=start, end=close,
                            wording=_wording(text, start, close + 1, wording_span(own)))  # fmt: skip
            found += _each(cite, own)
        found += _unclosed(text, unclosed, (p_start, p_end), section, masked, claimed)
    return found, short_names


def _unclosed(
    text: str,
    opens: list[int],
    paragraph: tuple[int, int],
    section: str | None,
    masked: list[str],
    claimed: set[int],
) -> list[Citation]:
    """Titles whose 《 is never closed: "依据《上海市科学技术普及条例，开展…" (bracketed, ends at its type)."""
    found = []
    for open_ in opens:
        stop = _unclosed_end(text, open_, paragraph[1])
        if stop is None:
            continue
        title = squeeze(text[open_ + 1 : stop]).strip()
        before = squeeze(text[max(paragraph[0], open_ - 12) : open_])
        if len(title) < 4 or GENERIC_START.match(title) or not _is_document(title, before, "", False):
            continue
        numbers = numbers_after(text, stop - 1, paragraph[1], claimed)
        for i in range(open_, stop):
            masked[i] = "\x00"
        cite = Citation(title=title, section=section, start=open_ + 1, end=stop,
                        wording=_wording(text, open_, stop, wording_span(numbers)))  # fmt: skip
        found += _each(cite, numbers)
    return found


def _unclosed_end(text: str, open_: int, limit: int) -> int | None:
    """Where the title opened at ``open_`` (and never closed) ends: after its first document-type word
    that stands before punctuation or a citing word; None when there is none within reach."""
    window = text[open_ + 1 : min(limit, open_ + 1 + MAX_UNCLOSED)]
    cut = re.search(r"[《》〈〉]|\n[ \t\u3000]*\n", window)
    window = window[: cut.start()] if cut else window
    for m in _UNCLOSED_END.finditer(window):
        return open_ + 1 + m.end()
    return None


def find_citations(text: str, *, section: str | None = None) -> list[Citation]:
    """Every document cited in a section's text, in order of appearance, with the title's offsets.

    >>> [c.title for c in find_citations("《社会团体登记管理条例》；《基金会管理条例》等法律法规《社会组织评估管理办法》")]
    ['社会团体登记管理条例', '基金会管理条例', '社会组织评估管理办法']
    >>> [(c.title, c.bracketed) for c in find_citations("3、科普基础设施发展规划（2008-2010-2015）中提到，大力发展")]
    [('科普基础设施发展规划（2008-2010-2015）', False)]
    >>> [(c.title, c.doc_number) for c in find_citations("依据国发〔2021〕9号文件，开展科普工作。")]
    [('国发〔2021〕9号', '国发〔2021〕9号')]
    """
    if not text:
        return []
    masked = list(text)
    found, _ = _bracketed(text, section, masked)
    found += find_unbracketed(text, section, "".join(masked))
    found += find_bare_numbers(text, section, found)
    return sorted(found, key=lambda c: c.start)


SHORT_TITLE = re.compile(
    rf"(?:本|该|此|上述)?(?P<type>(?:实施|管理|若干|指导|行动|发展|工作|暂行)?(?:{DOC_TYPES}))"
)
"""A bare short title that names no document by itself (《条例》, 《纲要》, 《实施方案》)."""
_TRAILING_PAREN = re.compile(r"[（(][^（）()]*[）)]$")


def find_short_names(text: str) -> dict[str, str]:
    """The 简称 a text defines: short title → the full title cited right before it.

    >>> find_short_names("《全民科学素质行动计划纲要（2006—2010—2020年）》（以下\\n简称《纲要》）")
    {'纲要': '全民科学素质行动计划纲要（2006—2010—2020年）'}
    """
    if "称" not in text or "《" not in text:  # no 简称《…》 to define: spare the 《》 pass
        return {}
    return _bracketed(text, None, list(text))[1]


def resolve_short_titles(
    citations: Sequence[Citation],
    *,
    context: Sequence[Citation] = (),
    short_names: Mapping[str, str] | None = None,
) -> list[Citation]:
    """The citations of one project with each bare short title given the full title it stands for.

    A short title defined as a 简称 anywhere in the project (``short_names``, :func:`find_short_names`
    of its texts) stands for its definition; a bare type word (《条例》, :data:`SHORT_TITLE`) for the
    nearest document of that type the project cites before it, else after it, else for the nearest
    one ``context`` (the citations of the document's earlier projects, in order) cites. A short
    title nothing fits stays as it is (it becomes an ambiguous document when linked).

    >>> found = find_citations("贯彻《信访工作条例》。") + find_citations("落实《条例》要求。")
    >>> [(c.title, c.short_for) for c in resolve_short_titles(found)]
    [('信访工作条例', None), ('条例', '信访工作条例')]
    """
    short_names = short_names or {}
    out = list(citations)
    for i, c in enumerate(out):
        if c.short_for is not None or not c.bracketed:
            continue
        title = squeeze(c.title)
        full = short_names.get(title)
        if full is None and (m := SHORT_TITLE.fullmatch(title)) is not None:
            nearest = [*reversed(out[:i]), *out[i + 1 :], *reversed(context)]
            full = next((d.short_for or d.title for d in nearest if _is_full_title_of(d, m["type"])), None)
        if full is not None and full != c.title:
            out[i] = c.model_copy(update={"short_for": full})
    return out


def _is_full_title_of(citation: Citation, doc_type: str) -> bool:
    title = squeeze(citation.short_for or citation.title)
    return SHORT_TITLE.fullmatch(title) is None and _TRAILING_PAREN.sub("", title).endswith(doc_type)


__all__ = ["SHORT_TITLE", "find_citations", "find_short_names", "resolve_short_titles"]
