"""The wrapped (2019) Shanghai form's indicator cells as PDFs print them (#9): a level-1 cell beside
the middle of its block, a level-3 cell wrapped over two lines.

Texts are sast-2019-performance-targets.txt, edited into the variant.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from budgetscope.pipeline.forms import segment_forms
from budgetscope.pipeline.forms_indicators import read_indicators
from budgetscope.pipeline.normalize import normalize_text

NAME = "sast-2019-performance-targets.txt"
# the 上海科普示范创建 form's rows under 效果目标, as the corpus prints them
EFFECT_ROWS = "生态效益目标\n\n影响力目标\n\n可持续目标 建立长效工作机制 制定和执行相关制度文件\n\n满意度目标 上海辖区内公民 85%"


def _rows(text: str, title_line: int) -> list[tuple[str | None, str | None, str | None, str | None]]:
    forms = segment_forms(normalize_text(text), doc=NAME, department=None, year=2019)
    form = next(r for r in forms if r.line == title_line).form
    assert form is not None
    return [(i.level1, i.level2, i.level3, i.target) for i in form.indicators]


def test_forms_wrapped_level1_beside_the_middle_of_its_block(corpus: Path) -> None:
    text = (corpus / NAME).read_text(encoding="utf-8")
    assert EFFECT_ROWS in text
    as_printed = _rows(text, 142)
    # the PDF centres the merged 影响力目标 cell on its rows: it comes out between them
    edited = text.replace(
        EFFECT_ROWS,
        "生态效益目标\n\n可持续目标 建立长效工作机制 制定和执行相关制度文件\n\n影响力目标\n\n满意度目标 上海辖区内公民 85%",
    )
    beside = _rows(edited, 142)
    assert beside == as_printed
    assert ("效果目标", "社会效益目标", "公民科学素质提升", "有所提升") in beside
    assert [r[:2] for r in beside[-2:]] == [("影响力目标", "可持续目标"), ("影响力目标", "满意度目标")]


def test_forms_wrapped_level3_cell_over_two_lines_is_one_indicator(corpus: Path) -> None:
    text = (corpus / NAME).read_text(encoding="utf-8")
    assert "民间学术交流人\n\n员投入\n" in text
    rows = [r for r in _rows(text, 289) if r[1] == "人员投入"]
    assert len(rows) == 1 and rows[0][2] == "民间学术交流人员投入"
    assert (rows[0][3] or "").startswith("配置学术、会务专业队伍")


def test_forms_wrapped_short_names_in_a_stack_stay_apart() -> None:
    rows = read_indicators(
        ["产出目标", "数量目标", "活动次数", "参与人员", "论文", "3次", "约200人次", "60篇"]
    )
    assert [r.level3 for r in rows] == ["活动次数", "参与人员", "论文"]


LABELS = ["产出目标", "效果目标", "影响力目标", "可持续目标", "满意度目标", "数量目标", "社会效益目标", ""]


@given(st.lists(st.one_of(st.sampled_from(LABELS), st.text(max_size=12)), max_size=30))
def test_forms_wrapped_indicators_never_raise(items: list[str]) -> None:
    for row in read_indicators(items):
        assert row.level3 is None or isinstance(row.level3, str)
