"""Extraction quality and speed: budgetscope against JioNLP (extract_money, extract_time) on the same sections.

Both systems see the same segmentation (budgetscope's), so the comparison isolates extraction.
JioNLP gives amounts without roles and has no citation extractor; for those columns the peer is
JioNLP's amounts with the simplest role rule (the first amount is the total, the rest components)
and a literal 《…》 regex for citations (what a user without budgetscope would write).

usage: python benchmarks/bench_extract.py [--repeat N]
Prints a Markdown table: the scorer's figures (../shared/eval/score.py) for each system, then
throughput in characters/second over every section of the corpus and the ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
DEV = ["sast-2026-department-budget.txt", "sast-2026-performance-targets.txt"]
FIELDS = ["narr_f1", "sections", "period", "total", "amounts_f1", "cites_f1", "unbr_r", "docno"]


def ours(paths: list[Path]) -> list[dict[str, Any]]:
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.extract import extract_documents

    docs = extract_documents([read_document(p) for p in paths])
    return [r.contract() for d in docs for r in d.records]


def jionlp_records(paths: list[Path]) -> list[dict[str, Any]]:
    import jionlp as jio

    from budgetscope.pipeline.document import read_document

    out = []
    for p in paths:
        doc = read_document(p)
        base = {"year": doc.year or 2026, "month": 1, "day": 1}
        for r in doc.records:
            rec = r.contract()
            rec.update(amounts=[], budget_total_yuan=None, period=None, citations=[], implementing_bodies=[])
            if r.kind == "narrative":
                budget = r.sections.get("budget") or ""
                money = jio.ner.extract_money(budget, with_parsing=True) if budget else []
                rec["amounts"] = [
                    {
                        "text": m["text"],
                        "yuan": float(
                            m["detail"]["num"]
                            if isinstance(m["detail"]["num"], str)
                            else m["detail"]["num"][0]
                        ),
                        "role": "total" if i == 0 else "component",
                        "section": "budget",
                    }
                    for i, m in enumerate(money)
                ]
                rec["budget_total_yuan"] = rec["amounts"][0]["yuan"] if rec["amounts"] else None
                period = r.sections.get("period") or ""
                times = jio.ner.extract_time(period, time_base=base, with_parsing=True) if period else []
                if times:
                    t = times[0]["detail"]["time"]
                    if isinstance(t, list) and len(t) == 2 and all(isinstance(x, str) for x in t):
                        rec["period"] = {"start": t[0][:10], "end": t[1][:10], "text": times[0]["text"]}
                for key, body in r.sections.items():
                    for m in re.finditer(r"《([^《》]+)》", body or ""):
                        rec["citations"].append(
                            {"title": m.group(1), "doc_number": None, "section": key, "bracketed": True}
                        )
            out.append(rec)
    return out


def score(records: list[dict[str, Any]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    line = subprocess.run(
        [sys.executable, str(SCORER), f.name], capture_output=True, text=True, check=True
    ).stdout
    figures = dict(kv.split("=") for kv in line.split())
    full = json.loads(
        subprocess.run(
            [sys.executable, str(SCORER), f.name, "--json"], capture_output=True, text=True, check=True
        ).stdout
    )
    figures["roles"] = str(full["narratives"]["amounts"]["role_acc"])
    return figures


def sections_of_corpus() -> list[str]:
    from budgetscope.pipeline.document import read_document

    texts = []
    for p in sorted((ROOT / "corpus").glob("*department-budget.txt")):
        for r in read_document(p).records:
            texts += [t for t in r.sections.values() if t]
    return texts


def throughput(repeat: int) -> tuple[float, float, int]:
    import jionlp as jio

    from budgetscope.pipeline.citations import find_citations
    from budgetscope.pipeline.dates import find_periods
    from budgetscope.pipeline.money import assign_roles, find_amounts

    texts = sections_of_corpus()
    chars = sum(map(len, texts)) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            assign_roles(t, find_amounts(t))
            find_periods(t, year=2026)
            find_citations(t)
    ours_s = time.perf_counter() - t0
    base = {"year": 2026, "month": 1, "day": 1}
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            jio.ner.extract_money(t, with_parsing=True)
            jio.ner.extract_time(t, time_base=base, with_parsing=True)
    jio_s = time.perf_counter() - t0
    return chars / ours_s, chars / jio_s, chars


def hard_cases() -> dict[str, dict[str, float]]:
    """Money F1 (value multisets) and period accuracy on benchmarks/extraction_cases.jsonl, both systems."""
    from collections import Counter
    from decimal import Decimal

    import jionlp as jio

    from budgetscope.pipeline.dates import parse_period
    from budgetscope.pipeline.money import find_amounts

    cases = [
        json.loads(x) for x in (ROOT / "benchmarks" / "extraction_cases.jsonl").read_text().splitlines() if x
    ]
    res: dict[str, dict[str, float]] = {}
    for system in ("budgetscope", "JioNLP"):
        tp = n_pred = n_gold = ok = n_period = 0
        for c in cases:
            if c["kind"] == "money":
                gold = Counter(Decimal(str(v)).quantize(Decimal("0.01")) for v in c["yuan"])
                if system == "budgetscope":
                    got = [a.yuan for a in find_amounts(c["text"])]
                else:
                    try:
                        got = [
                            Decimal(
                                str(
                                    m["detail"]["num"]
                                    if isinstance(m["detail"]["num"], str)
                                    else m["detail"]["num"][0]
                                )
                            )
                            for m in jio.ner.extract_money(c["text"], with_parsing=True)
                        ]
                    except Exception:
                        got = []
                pred = Counter(Decimal(v).quantize(Decimal("0.01")) for v in got)
                tp += sum((gold & pred).values())
                n_pred += sum(pred.values())
                n_gold += sum(gold.values())
            else:
                n_period += 1
                year = int(c["start"][:4]) if c["start"] else 2026
                if system == "budgetscope":
                    p = parse_period(c["text"], year=year)
                    got_p = (p.start.isoformat(), p.end.isoformat()) if p else (None, None)
                else:
                    got_p = (None, None)
                    try:
                        times = jio.ner.extract_time(
                            c["text"], time_base={"year": year, "month": 1, "day": 1}, with_parsing=True
                        )
                    except Exception:
                        times = []
                    spans = [
                        t
                        for t in times
                        if isinstance(t["detail"].get("time"), list)
                        and len(t["detail"]["time"]) == 2
                        and all(isinstance(x, str) for x in t["detail"]["time"])
                    ]
                    if spans:
                        got_p = (spans[0]["detail"]["time"][0][:10], spans[0]["detail"]["time"][1][:10])
                ok += got_p == (c["start"], c["end"])
        prec = tp / n_pred if n_pred else 1.0
        rec = tp / n_gold if n_gold else 1.0
        res[system] = {
            "money_f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
            "period_acc": round(ok / n_period, 4),
        }
    return res


def main() -> None:
    import logging

    logging.disable(logging.CRITICAL)  # JioNLP logs a traceback for every time string it cannot parse
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    paths = [ROOT / "corpus" / n for n in DEV]
    a_ours, a_jio = score(ours(paths)), score(jionlp_records(paths))
    cols = [*FIELDS, "roles"]
    print("| system | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    print("| budgetscope | " + " | ".join(a_ours.get(c, "") for c in cols) + " |")
    print("| JioNLP (+ 《》 regex) | " + " | ".join(a_jio.get(c, "") for c in cols) + " |")
    hard = hard_cases()
    print(
        "\nHard cases (benchmarks/extraction_cases.jsonl, real corpus strings plus a few constructed forms):\n"
    )
    print("| system | money F1 | period accuracy |\n|---|---|---|")
    for system, f in hard.items():
        print(f"| {system} | {f['money_f1']} | {f['period_acc']} |")
    ours_cps, jio_cps, chars = throughput(a.repeat)
    print(
        f"\nthroughput over {chars:,} characters of corpus sections: budgetscope {ours_cps:,.0f} chars/s "
        f"(amounts+roles, periods, citations), JioNLP {jio_cps:,.0f} chars/s (money, time); "
        f"ratio {ours_cps / jio_cps:.1f}x"
    )


if __name__ == "__main__":
    main()
