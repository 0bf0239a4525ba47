"""find_citations and 文号 parsing, on excerpts of the bundled corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.models import DocNumber
from budgetscope.pipeline.citations import find_citations, find_short_names, resolve_short_titles
from budgetscope.pipeline.docnumbers import find_doc_numbers, format_doc_number, parse_doc_number

# (excerpt of a corpus file, expected [(title, doc_number, bracketed)])
CITED = [
    # nested 《《》》: the outermost pair gives the title
    (
        "- 5、《中国科协关于印发《中国科学技术协会事业发展“十四五”规划（2021—2025年）》的通知》（科协发智字〔2021〕30号）",
        [
            (
                "中国科协关于印发《中国科学技术协会事业发展“十四五”规划（2021—2025年）》的通知",
                "科协发智字〔2021〕30号",
                True,
            )
        ],
    ),
    # inner 〈〉 kept; adjacent titles without separator
    (
        "《中国科学技术协会章程》《上海市科学技术协会实施〈中国科学技术协会章程〉细则》《上海市科学技术协会改革实施方案》",
        [
            ("中国科学技术协会章程", None, True),
            ("上海市科学技术协会实施〈中国科学技术协会章程〉细则", None, True),
            ("上海市科学技术协会改革实施方案", None, True),
        ],
    ),
    # an enumeration with 、, ending in 等法律法规
    (
        "6、根据《中华人民共和国合同法》、《中华人民共和国政府采购法》、《物业管理条例》、《公共机构节能条例》、"
        "《中华人民共和国消防法》、《上海市消防条例》等法律法规的规定。",
        [
            ("中华人民共和国合同法", None, True),
            ("中华人民共和国政府采购法", None, True),
            ("物业管理条例", None, True),
            ("公共机构节能条例", None, True),
            ("中华人民共和国消防法", None, True),
            ("上海市消防条例", None, True),
        ],
    ),
    # a title broken by a line break is joined
    (
        "为进一步贯彻落实《中华人民共和国科学技术普及法》，推进《全民科学素质行动计划纲要\n》实施，2019年",
        [("中华人民共和国科学技术普及法", None, True), ("全民科学素质行动计划纲要", None, True)],
    ),
    (
        "财务制度保障：《上海市科协本级项目支出预算编制及管理指南（试行）》、《上海市科协\n本级项目支出预算管理办法》",
        [
            ("上海市科协本级项目支出预算编制及管理指南（试行）", None, True),
            ("上海市科协本级项目支出预算管理办法", None, True),
        ],
    ),
    # 文号 after the title, in parentheses, square brackets, 【】, none, or broken over a line
    (
        "- 2、《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）",
        [("国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知", "国发〔2021〕9号", True)],
    ),
    (
        "《关于加强社会组织党的建设工作的意见（试行）》（中办发[2015]51号）文中指出",
        [("关于加强社会组织党的建设工作的意见（试行）", "中办发[2015]51号", True)],
    ),
    (
        "市科委《关于同意上海科技管理干部学院2023-2025部分学员宿舍楼修缮项目的批复》（沪科【2023】15号）。",
        [("关于同意上海科技管理干部学院2023-2025部分学员宿舍楼修缮项目的批复", "沪科【2023】15号", True)],
    ),
    (
        "9. 《国务院关于同意设立“全国科技工作者日”的批复》国函〔2016〕194号、《知识产权强国建设纲要（2021—2035年）》；",
        [
            ("国务院关于同意设立“全国科技工作者日”的批复", "国函〔2016〕194号", True),
            ("知识产权强国建设纲要（2021—2035年）", None, True),
        ],
    ),
    (
        "3、国务院办公厅下发《关于印发全民科学素质行动计划纲要（2016-2020年）的通知》（国\n办发[2016]10号）文件",
        [("关于印发全民科学素质行动计划纲要（2016-2020年）的通知", "国办发[2016]10号", True)],
    ),
    # 文号 before the title
    (
        "3. 根据上海市档案局沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》，",
        [("上海市数字档案室建设评价办法", "沪档〔2018〕44号", True)],
    ),
    # the notice's 文号 goes to the document it prints
    (
        "- 9、关于印发《关于推进上海市“社区书院”工作实施办法（试行）》的通知（沪科协2021〔51〕号）",
        [("关于推进上海市“社区书院”工作实施办法（试行）", "沪科协2021〔51〕号", True)],
    ),
    # malformed 文号 repaired; irregular ones kept verbatim
    (
        "5、中国科协《关于进一步推进创新驱动助力工程的指导意见》（科协发学字〔2017〕42）号；",
        [("关于进一步推进创新驱动助力工程的指导意见", "科协发学字〔2017〕42号", True)],
    ),
    (
        "《中共上海市委组织部 上海市科学技术协会关于印发〈关于加强党建引领基层科协建设的意见〉的通知》（沪组委2019发字126号）",
        [
            (
                "中共上海市委组织部 上海市科学技术协会关于印发〈关于加强党建引领基层科协建设的意见〉的通知",
                "沪组委2019发字126号",
                True,
            )
        ],
    ),
    # a 文号 belongs to its adjacent title only
    (
        "、《中国科协海智计划特聘专家服务管理办法》和《中国科协海智计划合作机构认定管理办法（试行）》（科协办发外字〔2023〕1号）、",
        [
            ("中国科协海智计划特聘专家服务管理办法", None, True),
            ("中国科协海智计划合作机构认定管理办法（试行）", "科协办发外字〔2023〕1号", True),
        ],
    ),
    # a year or a remark in parentheses is not a 文号
    (
        "（一）总体政策：1、《面向建设世界科技强国的中国科协规划纲要》（2018年）2、《中国科协关于实施学会创新和服务能力提升工程的意见》",
        [
            ("面向建设世界科技强国的中国科协规划纲要", None, True),
            ("中国科协关于实施学会创新和服务能力提升工程的意见", None, True),
        ],
    ),
    (
        "《关于推荐“2020-2025世界人工智能青年优秀论文奖”参评论文的通知》（历年征集通知）",
        [("关于推荐“2020-2025世界人工智能青年优秀论文奖”参评论文的通知", None, True)],
    ),
    # a 》 whose 《 was dropped
    (
        "、《上海市市级机关差旅费管理办法》沪财行〔2014〕9号、中央财政科研项目专家咨询费管理办法》财科教〔2017〕128号",
        [
            ("上海市市级机关差旅费管理办法", "沪财行〔2014〕9号", True),
            ("中央财政科研项目专家咨询费管理办法", "财科教〔2017〕128号", True),
        ],
    ),
    # documents named without 《》
    (
        "1、全民科学素质行动计划纲要（2021—2035年）第四部分中关于科普基础设施工程的任务中描述：",
        [("全民科学素质行动计划纲要（2021—2035年）", None, False)],
    ),
    (
        "3、科普基础设施发展规划（2008-2010-2015）中提到，大力发展科普基础设施，",
        [("科普基础设施发展规划（2008-2010-2015）", None, False)],
    ),
    (
        "依据：党的二十届三中全会会议决议中指出：深化党的建设制度改革，",
        [("党的二十届三中全会会议决议", None, False)],
    ),
    ("习近平总书记在党的二十大报告中指出：坚持大抓基层的鲜明导向，", [("党的二十大报告", None, False)]),
    ("大力贯彻落实市委群团改革方案，以专业化、社会化、艺术化方式，", [("市委群团改革方案", None, False)]),
    (
        "、《上海市科学技术协会改革实施方案》、上海市科协事业发展十四五规划。",
        [
            ("上海市科学技术协会改革实施方案", None, True),
            ("上海市科协事业发展十四五规划", None, False),
        ],
    ),
    (
        "中国科协与上海市政府签署的全面战略合作协议中有关“发起设立国际组织”",
        [("全面战略合作协议", None, False)],
    ),
    (
        "2、上海市科协“十二五”事业发展规划要点中第四部分——",
        [("上海市科协“十二五”事业发展规划要点", None, False)],
    ),
    (
        "（国发〔2018〕32号）及科技部每年发布的关于举办中国创新创业大赛的通知。",
        [("关于举办中国创新创业大赛的通知", None, False)],
    ),
    # a 《》 name inside a longer document name: the longer name is the citation
    (
        "；上海市科学技术协会实施《中国科学技术协会章程》细则相关内容；",
        [("上海市科学技术协会实施《中国科学技术协会章程》细则", None, False)],
    ),
    (
        "2、关于贯彻落实《国务院办公厅关于改革完善博士后制度的意见》有关问题的通知（人社部发〔2017〕20号）。",
        [
            (
                "关于贯彻落实《国务院办公厅关于改革完善博士后制度的意见》有关问题的通知",
                "人社部发〔2017〕20号",
                False,
            )
        ],
    ),
    # 《X》第十三条: an article reference, not a 文号 and not part of the name
    ("《中国科学技术协会章程》第十三条", [("中国科学技术协会章程", None, True)]),
]

NOT_CITED = [
    "根据中国反邪教协会、市委政法委相关文件精神为依据",  # issuing bodies only
    "市财政相关文件。市科协本级",
    "- 1、执行市科协代表大会决议；",  # an unnamed meeting's papers
    "6、贯彻落实习总书记在科学家座谈会上的讲话精神，",  # a speech
    "推动学会办事机构职业化：1、中国科协实施全国学会工作人员专业化职业化建设项目；",  # a programme
    "《十万个为什么》科普节目播放 800000",  # a broadcast programme
    "5. 广播版《十万个为什么》节目，由周一至周五每天播出10分钟频次",
    "海峡两岸科普论坛由福建省科协和台湾元智大学、《科学月刊》杂志社于2008年创办",  # a magazine
    "上海市科委和上海脑中心学术委员会共同主办的《开放聚力-上海脑科学与类脑智能发展研讨会》、《上海脑中心工作专题会》",
    "形成《工程科技发展战略研究》简报74份，《院士建议》31份，得到多位领导批示",  # the project's products
    "详见单位《财政项目支出绩效目标表》。",  # a form
    "完成的《2024年上海市技术合同统计年报》经设计排版、校对后印刷成册。",
    "“创·talk”分享活动、《创业故事汇》等对接媒体和行业资源的活动。",  # an event series
    "(4) 围绕国家战略规划、上海市科技工作要求及相关产业、",  # a generic plan, not a named document
    "对港澳工作方针政策、对台工作方针政策、",
]


def _corpus_text(corpus: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))


def test_citations_examples_come_from_the_corpus(corpus: Path) -> None:
    text = _corpus_text(corpus)
    for excerpt in [e for e, _ in CITED] + NOT_CITED:
        assert excerpt in text, excerpt


@pytest.mark.parametrize(("text", "expected"), CITED)
def test_citations_find(text: str, expected: list[tuple[str, str | None, bool]]) -> None:
    assert [(c.title, c.doc_number, c.bracketed) for c in find_citations(text)] == expected


@pytest.mark.parametrize("text", NOT_CITED)
def test_citations_skip_what_is_not_a_document(text: str) -> None:
    assert find_citations(text) == []


def test_citations_offsets_point_at_the_title() -> None:
    text = "依据：《中国科学技术协会章程》第十三条\n《上海市科协\n本级项目支出预算管理办法》"
    found = find_citations(text, section="legal_basis")
    assert [re.sub(r"\s+", "", text[c.start : c.end]) for c in found] == [c.title for c in found]
    assert {c.section for c in found} == {"legal_basis"}


def test_citations_short_name_definition() -> None:
    text = (
        "2006年，国务院颁布实施了《全民科学素质行动计划纲要（2006—2010—2020年）》（以下\n简称《纲要》），"
        "围绕“节约能源资源、保护生态环境、保障安全健康、促进创新创造”的\n纲要工作主题。自2006年《纲要》实施以来"
    )
    found = find_citations(text)
    assert [(c.title, c.short_for) for c in found] == [
        ("全民科学素质行动计划纲要（2006—2010—2020年）", None),
        ("纲要", "全民科学素质行动计划纲要（2006—2010—2020年）"),
    ]


def test_citations_nested_keeps_only_the_outermost() -> None:
    found = find_citations(
        "《中国科协关于印发《中国科学技术协会事业发展“十四五”规划（2021—2025年）》的通知》"
    )
    assert len(found) == 1 and found[0].title.startswith("中国科协关于印发《")


def test_citations_unclosed_title_is_dropped_but_later_ones_kept() -> None:
    text = "、《关于贯彻落实海外高层次人才\n\n项目设立的必\n要性《上海市科协改革实施方案》"
    assert [c.title for c in find_citations(text)] == ["上海市科协改革实施方案"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list(
                "《》〈〉（）()〔〕[]【】号年第发字沪科协关于印发的通知意见规划纲要细则条例法中提到根据、，。\n 0129—“”"
            )
        ),
        max_size=60,
    ).map("".join)
    | st.text(max_size=60)
)
def test_citations_never_raise(text: str) -> None:
    for c in find_citations(text):
        assert 0 <= c.start <= c.end <= len(text)
        assert c.title


# --- 文号 --------------------------------------------------------------------------------------------

NUMBERS = [
    ("国发〔2021〕9号", "国发", 2021, "9", "国发〔2021〕9号"),
    ("（国发〔2021〕9号）", "国发", 2021, "9", "国发〔2021〕9号"),
    ("中办发[2015]51号", "中办发", 2015, "51", "中办发[2015]51号"),
    ("沪科【2023】15号", "沪科", 2023, "15", "沪科【2023】15号"),
    ("国\n办发[2016]10号", "国办发", 2016, "10", "国办发[2016]10号"),
    ("（科协发学字〔2017〕42）号", "科协发学字", 2017, "42", "科协发学字〔2017〕42号"),
    ("沪组委2019发字126号", "沪组委", 2019, "发字126", "沪组委2019发字126号"),
    ("沪委组〔2019〕发字126号", "沪委组", 2019, "发字126", "沪委组〔2019〕发字126号"),
    ("沪科协2021〔51〕号", "沪科协", 2021, "51", "沪科协2021〔51〕号"),
    ("沪科党组合〔2007〕第011号", "沪科党组合", 2007, "011", "沪科党组合〔2007〕第011号"),
]


@pytest.mark.parametrize(("text", "agency", "year", "serial", "verbatim"), NUMBERS)
def test_docnumbers_parse(text: str, agency: str, year: int, serial: str, verbatim: str) -> None:
    n = parse_doc_number(text)
    assert n is not None
    assert (n.agency, n.year, n.serial, n.text) == (agency, year, serial, verbatim)


@pytest.mark.parametrize(
    "text",
    [
        "（2018年）",
        "（历年征集通知）",
        "（2023年10月10日上海市科学技术协会第十一次代表大会通过）",
        "第十三条",
        "",
    ],
)
def test_docnumbers_reject(text: str) -> None:
    assert parse_doc_number(text) is None


def _key(text: str) -> str:
    number = parse_doc_number(text)
    assert number is not None
    return number.key()


def test_docnumbers_bracket_styles_share_a_key() -> None:
    assert {_key(t) for t in ("国发〔2021〕9号", "国发[2021]9号", "国发(2021)9号", "国发【2021】9號")} == {
        "国发〔2021〕9号"
    }
    assert _key("國發（2021）9號") == "國發〔2021〕9号"  # traditional characters of the agency are kept


def test_docnumbers_find_trims_the_issuing_body() -> None:
    text = "根据上海市档案局沪档〔2018〕44号关于印发"
    (found,) = list(find_doc_numbers(text))
    assert found.number.text == "沪档〔2018〕44号" and text[found.start : found.end] == "沪档〔2018〕44号"


AGENCY = st.text(alphabet="国发办沪科协委府人社教财函厅字规组院编浦经工作站指导党", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(AGENCY, st.integers(1949, 2099), st.integers(1, 9999))
def test_docnumbers_format_parse_round_trip(agency: str, year: int, serial: int) -> None:
    number = DocNumber(text="", agency=agency, year=year, serial=str(serial))
    parsed = parse_doc_number(format_doc_number(number))
    assert parsed is not None
    assert (parsed.agency, parsed.year, parsed.serial) == (agency, year, str(serial))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_docnumbers_never_raise(text: str) -> None:
    parse_doc_number(text)
    for found in find_doc_numbers(text):
        assert 0 <= found.start < found.end <= len(text)


# Title marks as other documents write them: one side of 《》 missing, 〈〉 used alone, a document
# named in quotes, a 文号 labelled 文号：, a decree number (variants of corpus sentences).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # corpus: "依据《国家科学技术奖励条例》第十四、十五条，受市科委委托"
        ("依据《国家科学技术奖励条例第十四、十五条，受市科委委托", [("国家科学技术奖励条例", None, True)]),
        ("根据《上海市科学技术普及条例，开展工作。", [("上海市科学技术普及条例", None, True)]),
        # corpus: "根据《国家科学技术奖励条例》，国务院设立“国家科学技术奖”。"
        (
            "根据〈国家科学技术奖励条例〉，国务院设立“国家科学技术奖”。",
            [("国家科学技术奖励条例", None, True)],
        ),
        # corpus: "《上海市科普事业“十四五”发展规划》"
        ("按照“上海市科普事业“十四五”发展规划”要求", [("上海市科普事业“十四五”发展规划", None, False)]),
        # corpus: "《上海市科学技术奖励中心主要职责和人员编制规定》（沪编〔2013〕253号）"
        (
            "《上海市科学技术奖励中心主要职责和人员编制规定》（文号：沪编〔2013〕253号）",
            [("上海市科学技术奖励中心主要职责和人员编制规定", "沪编〔2013〕253号", True)],
        ),
        (
            "《中华人民共和国政府采购法实施条例》（国务院令第658号）、《上海市消防条例》",
            [("中华人民共和国政府采购法实施条例", "国务院令第658号", True), ("上海市消防条例", None, True)],
        ),
    ],
)
def test_citations_title_mark_variants(text: str, expected: list[tuple[str, str | None, bool]]) -> None:
    assert [(c.title, c.doc_number, c.bracketed) for c in find_citations(text)] == expected


# guangzhou-data-bureau-2026-project-performance-targets.pdf p. 6, 年度绩效目标 of the 视频资源服务
# project, verbatim: the plan the clause meets was cited as "以满足视频“十四五”规划" (the clause whole)
GUANGZHOU_VIDEO = "租赁期1年，以满足视频“十四五”规划要求。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GUANGZHOU_VIDEO, [("视频“十四五”规划", None, False)]),
        # corpus: "、《上海市科学技术协会改革实施方案》、上海市科协事业发展十四五规划。", put in clauses
        ("为满足上海市科协事业发展十四五规划要求，", [("上海市科协事业发展十四五规划", None, False)]),
        ("为落实上海市科协事业发展十四五规划要求，", [("上海市科协事业发展十四五规划", None, False)]),
        ("，符合上海市科协事业发展十四五规划要求。", [("上海市科协事业发展十四五规划", None, False)]),
        # a verb no stop word knows: the clause is no name, and nothing is cited
        ("，以对接上海市科协事业发展十四五规划要求。", []),
    ],
)
def test_citations_unbracketed_name_is_no_clause(
    text: str, expected: list[tuple[str, str | None, bool]]
) -> None:
    assert [(c.title, c.doc_number, c.bracketed) for c in find_citations(text)] == expected


def test_citations_unclosed_title_needs_a_document_type() -> None:
    assert find_citations("依据《关于贯彻落实海外高层次人才") == []  # truncated (the 2019 forms)
    assert find_citations("举办《上海科普大讲坛，邀请专家") == []  # no document type word


@pytest.mark.parametrize(
    ("text", "agency", "serial", "key"),
    [
        ("国务院令第658号", "国务院令", "658", "国务院令第658号"),
        ("（上海市人民政府令第12号）", "上海市人民政府令", "12", "上海市人民政府令第12号"),
        ("沪府令12号", "沪府令", "12", "沪府令第12号"),
        ("中华人民共和国主席令第十五号", "中华人民共和国主席令", "十五", "中华人民共和国主席令第十五号"),
    ],
)
def test_docnumbers_parse_decree_numbers(text: str, agency: str, serial: str, key: str) -> None:
    n = parse_doc_number(text)
    assert n is not None
    assert (n.agency, n.year, n.serial, n.key()) == (agency, None, serial, key)


def test_docnumbers_reject_orders_that_are_not_decrees() -> None:
    assert list(find_doc_numbers("按照指令第3号要求")) == []
    assert [d.number.text for d in find_doc_numbers("根据国务院令第658号")] == ["国务院令第658号"]


def test_citations_angle_brackets_alone_inside_a_longer_name() -> None:
    # 〈〉 as the only title marks, inside "…实施〈X〉细则" (crashed before: it looked for 》)
    found = find_citations("根据上海市科协实施〈中国科学技术协会章程〉细则开展工作")
    assert [(c.title, c.bracketed) for c in found] == [("上海市科协实施〈中国科学技术协会章程〉细则", False)]


FRAGMENTS = [
    "根据",
    "依据",
    "落实",
    "上海市科协",
    "实施",
    "关于",
    "印发",
    "的通知",
    "细则",
    "办法",
    "规划",
    "意见",
    "《",
    "》",
    "〈",
    "〉",
    "（国发〔2021〕9号）",
    "沪科协〔2015〕25号",
    "（2018年）",
    "、",
    "，",
    "。",
    "\n",
    "中华人民共和国科学技术普及法",
    "全民科学素质行动规划纲要",
    "（2021—2035年）",
    "中提到",
    "第十二条",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_citations_never_raise_on_budget_like_fragments(parts: list[str]) -> None:
    text = "".join(parts)
    for c in find_citations(text, section="legal_basis"):
        assert 0 <= c.start < c.end <= len(text) and c.title


def test_citations_short_name_definition_with_spaces_around_the_break() -> None:
    text = (
        "《全民科学素质行动计划纲要（2006—2010—2020年）》（以下 \n 简称 《纲要》）。自2006年《纲要》实施以来"
    )
    assert [(c.title, c.short_for) for c in find_citations(text)] == [
        ("全民科学素质行动计划纲要（2006—2010—2020年）", None),
        ("纲要", "全民科学素质行动计划纲要（2006—2010—2020年）"),
    ]


def test_citations_short_names_are_found_for_other_fields() -> None:
    # sast-2019-performance-targets.txt: defined in 项目概况, used in 项目设立的必要性
    overview = (
        "2006年，国务院颁布实施了《全民科学素质行动计划纲要（2006—2010—2020年）》（以下\n简称《纲要》），"
    )
    assert find_short_names(overview) == {"纲要": "全民科学素质行动计划纲要（2006—2010—2020年）"}
    assert find_short_names("《上海市科学技术普及条例》") == {}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # central-letters-and-calls-2026-department-budget.pdf, 信息化运行维护项目: 《条例》 after 《信访工作条例》
        (
            ["贯彻落实《信访工作条例》、全面推进信访工作法治化", "信访信息化工作作为落实《条例》的重要举措"],
            [("信访工作条例", None), ("条例", "信访工作条例")],
        ),
        # the nearest document of the type counts, cited before the short title or else after it
        (
            ["依据《社会团体登记管理条例》《上海市科学技术普及条例》，落实《条例》要求"],
            [
                ("社会团体登记管理条例", None),
                ("上海市科学技术普及条例", None),
                ("条例", "上海市科学技术普及条例"),
            ],
        ),
        (
            ["落实《纲要》要求", "《全民科学素质行动规划纲要（2021—2035年）》"],
            [
                ("纲要", "全民科学素质行动规划纲要（2021—2035年）"),
                ("全民科学素质行动规划纲要（2021—2035年）", None),
            ],
        ),
        # nothing of the type: the short title stays as it is; a full title is never shortened
        (
            ["依据《上海市科学技术普及条例》，落实《纲要》"],
            [("上海市科学技术普及条例", None), ("纲要", None)],
        ),
        (
            ["《物业管理条例》《上海市住宅物业管理条例》"],
            [("物业管理条例", None), ("上海市住宅物业管理条例", None)],
        ),
    ],
)
def test_citations_resolve_short_titles_within_a_project(
    texts: list[str], expected: list[tuple[str, str | None]]
) -> None:
    found = [c for t in texts for c in find_citations(t)]
    assert [(c.title, c.short_for) for c in resolve_short_titles(found)] == expected


def test_citations_resolve_short_titles_by_definition_then_context() -> None:
    used = find_citations("自2006年《纲要》实施以来")
    defined = {"纲要": "全民科学素质行动计划纲要（2006—2010—2020年）"}
    context = find_citations("《全民科学素质行动规划纲要（2021—2035年）》")
    assert resolve_short_titles(used, context=context, short_names=defined)[0].short_for == defined["纲要"]
    assert (
        resolve_short_titles(used, context=context)[0].short_for == "全民科学素质行动规划纲要（2021—2035年）"
    )


# sast-2026's 立项依据 lists 《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号);
# the same title written without 《》, as other departments' prose does
NOTICE = "国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the notice is cited, with the 文号 printed after it (not the 纲要 alone, not a year paren)
        (f"依据{NOTICE}（国发〔2021〕9号）开展工作。", [(NOTICE, "国发〔2021〕9号", False)]),
        # after a 《》 title and 和: listed with it
        (
            f"贯彻《中华人民共和国科学技术普及法》和{NOTICE}（国发〔2021〕9号），开展工作。",
            [("中华人民共和国科学技术普及法", None, True), (NOTICE, "国发〔2021〕9号", False)],
        ),
        # a year's parentheses end the name, whatever follows
        (
            "依据全民科学素质行动规划纲要（2021—2035年）开展工作。",
            [("全民科学素质行动规划纲要（2021—2035年）", None, False)],
        ),
        # 若干意见 after a citing verb, the clause's own verb right after it
        (
            "根据国务院关于加强科学技术普及工作的若干意见开展工作。",
            [("国务院关于加强科学技术普及工作的若干意见", None, False)],
        ),
    ],
)
def test_citations_unbracketed_notices_and_years(
    text: str, expected: list[tuple[str, str | None, bool]]
) -> None:
    assert [(c.title, c.doc_number, c.bracketed) for c in find_citations(text)] == expected


def test_citations_unbracketed_notice_is_the_corpus_title(corpus: Path) -> None:
    assert f"《{NOTICE}》（国发〔2021〕9号）" in (corpus / "sast-2026-department-budget.txt").read_text(
        encoding="utf-8"
    )
