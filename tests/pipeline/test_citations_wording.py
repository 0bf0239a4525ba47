"""A citation's wording: the title and its 文号 as the document writes them, in the document's order.

The title and the 文号 read from it stay separate fields; ``wording`` is what ``cites``, ``show``,
the web pages and the exports quote. Excerpts are lines of the bundled corpus, and one sentence of
the Fuzhou healthcare-security budget PDF (p.31, as pdftotext -layout prints it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from budgetscope.models import number_added
from budgetscope.pipeline.citations import find_citations

# (excerpt, title, 文号, wording)
WORDED = [
    # Fuzhou healthcare security 2026 p.31: the 文号 first, 文件, the issuer, then the notice that publishes 《X》
    (
        "榕政办〔2017〕285号文件 福州市人民政府办公厅关于印发《福州市城乡居民基本医疗保险管理办法》的通知，",
        "福州市城乡居民基本医疗保险管理办法",
        "榕政办〔2017〕285号",
        "榕政办〔2017〕285号文件 福州市人民政府办公厅关于印发《福州市城乡居民基本医疗保险管理办法》的通知",
    ),
    # sast-2026 line 1144: the 文号 before the title, no 的通知 after it
    (
        "3. 根据上海市档案局沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》，各级机关单位借助发展契机",
        "上海市数字档案室建设评价办法",
        "沪档〔2018〕44号",
        "沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》",
    ),
    # stcsm-2025 line 777: the 文号 and 文件 before the title
    (
        "上海市科委对创业中心的功能定位（沪科党组合〔2007〕第011号文件《关于上海市科技创业中心功能定位的批复》）要求",
        "关于上海市科技创业中心功能定位的批复",
        "沪科党组合〔2007〕第011号",
        "沪科党组合〔2007〕第011号文件《关于上海市科技创业中心功能定位的批复》",
    ),
    # stcsm-2025 line 1374: the notice publishing the title, its 文号 in parentheses after it
    (
        "6、上海市人力资源和社会保障局关于印发《上海市博士后管理工作实施办法》的通知（沪人社专〔2020〕379号）。",
        "上海市博士后管理工作实施办法",
        "沪人社专〔2020〕379号",
        "上海市人力资源和社会保障局关于印发《上海市博士后管理工作实施办法》的通知（沪人社专〔2020〕379号）",
    ),
    # sast-2023 line 374: 印发 before the title, but no 的通知: the title and its 文号 only
    (
        "1、中共中央办公厅、国务院办公厅印发《中国科协所属学会有序承接政府转移职能扩大试点工作实施方案》（厅字〔2015〕15号）；",
        "中国科协所属学会有序承接政府转移职能扩大试点工作实施方案",
        "厅字〔2015〕15号",
        "《中国科协所属学会有序承接政府转移职能扩大试点工作实施方案》（厅字〔2015〕15号）",
    ),
    # sast-2023: the 号 outside the parenthesis is read as 科协发学字〔2017〕42号 and quoted as printed
    (
        "5、中国科协《关于进一步推进创新驱动助力工程的指导意见》（科协发学字〔2017〕42）号；",
        "关于进一步推进创新驱动助力工程的指导意见",
        "科协发学字〔2017〕42号",
        "《关于进一步推进创新驱动助力工程的指导意见》（科协发学字〔2017〕42）号",
    ),
    # stcsm-2025 line 1020: a 文号 without parentheses
    (
        "制度依据：《关于加快培育和发展战略性新兴产业的决定》国发〔2010〕32号、",
        "关于加快培育和发展战略性新兴产业的决定",
        "国发〔2010〕32号",
        "《关于加快培育和发展战略性新兴产业的决定》国发〔2010〕32号",
    ),
    # sast-2019 lines 22-23: a title broken over two lines is quoted without the break
    (
        "推进《全民科学素质行动计划纲要\n》实施，2019年，",
        "全民科学素质行动计划纲要",
        None,
        "《全民科学素质行动计划纲要》",
    ),
]


def test_citations_wording_examples_come_from_the_corpus(corpus: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
    for excerpt, *_ in WORDED[1:]:
        assert excerpt in text, excerpt


@pytest.mark.parametrize(("text", "title", "number", "wording"), WORDED)
def test_citations_wording_is_the_document_s_own(
    text: str, title: str, number: str | None, wording: str
) -> None:
    (cite,) = find_citations(text, section="legal_basis")
    assert (cite.title, cite.doc_number, cite.wording) == (title, number, wording)
    assert not cite.doc_number_inferred


def _texts(record: Any) -> list[str]:
    texts = [*record.sections.values(), *(record.form.texts.values() if record.form else [])]
    return [re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "", t) for t in texts if t]


def test_citations_wording_of_every_corpus_citation_is_in_its_text(extracted: list[Any]) -> None:
    """Every citation of the bundled corpus: its wording is a piece of its project's text (line breaks
    dropped) that holds its title, and its 文号 as written."""
    cited = [(r, c) for _, doc in extracted for r in doc.records for c in r.citations]
    assert len(cited) > 300
    for record, c in cited:
        assert c.wording and any(c.wording in t for t in _texts(record)), (record.name, c)
        assert c.title in c.wording or c.title == c.doc_number, c
        if (
            c.doc_number_inferred
        ):  # 〔2003〕96号 after 国科发火字〔1994〕304号和: the wording and what was added
            added = number_added(c.doc_number, c.wording)
            assert c.doc_number in (added + c.wording, c.wording + added), c
        elif c.doc_number:  # （科协发学字〔2017〕42）号 is read as 科协发学字〔2017〕42号
            assert c.doc_number in re.sub(r"[）)]号", "号", c.wording), c
