"""Bodies that carry a project out together (A和B共同实施, A、B共同负责): every body of the list is read, and
a name with 和 inside it (上海市人力资源和社会保障局) stays one.

No bundled narrative names two bodies that act jointly. The strings are real corpus text edited into
that shape: sast-2026's 三、实施主体 上海市科学技术协会学会服务中心 (line 607) joined to other bodies the
corpus names (上海市科普事业中心, line 695; 上海科技报社, line 534), and stcsm-2025's list of issuers
上海市教育委员会、上海市人力资源和社会保障局、上海市财政局 (line 1376) made the bodies that carry a project out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents, implementing_bodies

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAST = CORPUS / "sast-2026-department-budget.txt"
SERVICE = "上海市科学技术协会学会服务中心"
POPULAR = "上海市科普事业中心"
ISSUERS = ["上海市教育委员会", "上海市人力资源和社会保障局", "上海市财政局"]


def test_implementing_joint_corpus_names_are_real() -> None:
    stcsm = (CORPUS / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    assert "、".join(ISSUERS) in stcsm
    assert all(name in SAST.read_text(encoding="utf-8") for name in (SERVICE, POPULAR, "上海科技报社"))


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        (f"{SERVICE}和{POPULAR}共同实施。", [SERVICE, POPULAR]),
        (f"由上海科技报社、{POPULAR}共同实施。", ["上海科技报社", POPULAR]),
        (f"{SERVICE}与{POPULAR}联合实施本项目。", [SERVICE, POPULAR]),
        (f"由{SERVICE}及{POPULAR}实施。", [SERVICE, POPULAR]),
        (f"{SERVICE}、{POPULAR}共同负责。", [SERVICE, POPULAR]),
        (f"由{'、'.join(ISSUERS)}共同实施。", ISSUERS),
        (f"{ISSUERS[0]}和{ISSUERS[1]}共同负责。", ISSUERS[:2]),
        (f"由{ISSUERS[1]}负责实施。", [ISSUERS[1]]),  # one body, its 和 no list
        (f"{ISSUERS[1]}和{ISSUERS[2]}共同实施。", ISSUERS[1:]),
    ],
)
def test_implementing_joint_every_body_of_the_list(text: str, bodies: list[str]) -> None:
    assert implementing_bodies(text) == bodies


def test_implementing_joint_read_in_a_narrative(tmp_path: Path) -> None:
    text = SAST.read_text(encoding="utf-8")
    section = f"三、实施主体\n\n{SERVICE}\n\n四、实施方案"
    assert section in text  # the first of the narratives it carries out (line 607)
    edited = tmp_path / "sast-2026-department-budget.txt"
    edited.write_text(
        text.replace(section, f"三、实施主体\n\n{SERVICE}和{POPULAR}共同实施。\n\n四、实施方案", 1), "utf-8"
    )
    (doc,) = extract_documents([read_document(edited)])
    joint = [r for r in doc.records if r.sections.get("implementing_body", "").startswith(SERVICE + "和")]
    assert [r.implementing_bodies for r in joint] == [[SERVICE, POPULAR]]
