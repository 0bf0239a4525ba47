"""Build queries.jsonl and projects.jsonl of the issue-13 evaluation set from queries.txt.

The split is fixed by a hash of the query line (group, query, filters): even → "tune", odd →
"heldout", so adding a query never moves another one. projects.jsonl names each project of the
bundled corpus by its sources: a 2026 performance form and the narrative of the same project
(judged by reading both documents) are one project.

usage: python benchmarks/eval13/build_queries.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOCS = {
    "S19": "sast-2019-performance-targets.txt",
    "S23": "sast-2023-department-budget.txt",
    "S26": "sast-2026-department-budget.txt",
    "F26": "sast-2026-performance-targets.txt",
    "K25": "stcsm-2025-department-budget.txt",
}
NATIONAL = {  # ../shared/corpus-national
    "YT": "yantai-civil-affairs-2026-department-budget.pdf",
    "FZ": "fuzhou-healthcare-security-2026-department-budget.pdf",
    "XA": "xian-audit-2026-department-budget.pdf",
    "CQ": "chongqing-water-resources-2026-department-budget.pdf",
    "GZ": "guangzhou-data-bureau-2026-project-performance-targets.pdf",
    "HZ": "hangzhou-transport-2026-department-budget.pdf",
    "BJ": "beijing-commerce-2026-budget-tables.pdf",
    "CL": "central-letters-and-calls-2026-department-budget.pdf",
    "CS": "changsha-letters-and-calls-2026-department-budget.pdf",
}
DOCS.update(NATIONAL)
SAME_PROJECT_NATIONAL = [  # (doc alias, narrative name, form name) of a project told in prose and in its form
    ("CL", "信息化运行维护项目", "信息化运行维护"),
]
SAME_PROJECT = {  # form of sast-2026-performance-targets -> narrative of sast-2026-department-budget
    "创新服务与发展项目": "创新服务与发展项目",
    "市科协组织机构管理": "市科协组织机构管理",
    "落实推进《全民科学素质纲要》": "落实推进《全民科学素质纲要》",
    "离退休人员抚恤金丧葬费": "离退休人员抚恤金丧葬费",
    "科技人才举荐与服务": "科技人才举荐与服务",
    "科技创新智库建设": "科技创新智库建设",
    "上海市灾害防御协会工作经费": "上海市灾害防御协会工作经费",
    "机关服务费": "机关服务费",
    "学术交流与发展项目": "学术交流与发展项目",
    "学会创新与发展项目": "学会创新与发展项目",
    "国际科技人文交流与合作": "国际科技人文交流与合作",
    "市科协机构及常委会会议费": "市科协机构及全委会会议费",
    "科技工作者之家建设": "科技工作者之家建设",
}


def split_of(group: str, query: str, filters: dict) -> str:
    key = json.dumps([group, query, filters], ensure_ascii=False, sort_keys=True)
    return "tune" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "heldout"


def source(token: str) -> list[str]:
    alias, name = token.split(" ", 1)
    return [DOCS[alias], name.strip()]


def parse(lines: list[str]) -> list[dict]:
    """Queries in the format of queries.txt (``group | query | filters | judgements``), as JSON items."""
    out = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        group, query, filters_text, judged = (part.strip() for part in line.split("|", 3))
        filters = {} if filters_text == "-" else json.loads(filters_text)
        item: dict = {"group": group, "query": query, "filters": filters,
                      "split": split_of(group, query, filters)}  # fmt: skip
        aliases = {t.strip().split(" ")[-2 if group not in ("cites", "cites_ambiguous") else 0]
                   for t in judged.split(";") if t.strip()}  # fmt: skip
        item["corpus"] = "national" if aliases & set(NATIONAL) else "bundled"
        items = [t.strip() for t in judged.split(";") if t.strip()]
        if group == "cites":
            item["relevant"] = [source(t) for t in items]
        elif group == "cites_ambiguous":
            item["candidates"] = items
        else:
            item["judged"] = [[int(t.split(" ", 1)[0]), *source(t.split(" ", 1)[1])] for t in items]
        out.append(item)
    return out


def main() -> None:
    out = parse((HERE / "queries.txt").read_text(encoding="utf-8").splitlines())
    (HERE / "queries.jsonl").write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in out), encoding="utf-8"
    )
    projects = []
    for form, narrative in SAME_PROJECT.items():
        projects.append({"id": f"{DOCS['S26']}|{narrative}", "sources": [[DOCS["S26"], narrative],
                                                                       [DOCS["F26"], form]]})  # fmt: skip
    for alias, narrative, form in SAME_PROJECT_NATIONAL:
        projects.append({"id": f"{DOCS[alias]}|{narrative}", "sources": [[DOCS[alias], narrative],
                                                                      [DOCS[alias], form]]})  # fmt: skip
    (HERE / "projects.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in projects), encoding="utf-8"
    )
    groups: dict[str, list[int]] = {}
    for q in out:
        groups.setdefault(q["group"], [0, 0])[q["split"] == "heldout"] += 1
    print(len(out), "queries;", {g: f"{t} tune / {h} heldout" for g, (t, h) in groups.items()})


if __name__ == "__main__":
    main()
