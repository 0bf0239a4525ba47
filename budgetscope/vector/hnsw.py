"""The HNSW graph of an embedded index (qdrant-edge) and of a collection on a Qdrant server: how it is
built and how wide a dense search looks (measured in ``benchmarks/bench_scale.py``; the README's scale
table)."""

from __future__ import annotations

HNSW_EF = 512
"""Candidates a dense HNSW search keeps (``hnsw_ef``; search()'s lists ask for more and keep as many):
dense recall@10 0.99 at 1,000,000 chunks with the graph below, in two builds (0.95 and 0.98 at 256;
the graph build is not deterministic), at 7 ms p95 for the dense query (``bench_scale.py``)."""
HNSW_M = 32
HNSW_EF_CONSTRUCT = 256
"""The HNSW graph an index is built with: links per node and candidates kept while linking (Qdrant's
defaults are 16 and 100). At 1,000,000 chunks the default graph gives dense recall@10 of 0.84 at
hnsw_ef 128 and 0.95 at 512 against exact search, this one 0.98 at 256 and 0.99 at 512
(``benchmarks/bench_scale.py``). Fixed when the index is created: an index built before keeps its graph
until ``budgetscope index --rebuild``."""


__all__ = ["HNSW_EF", "HNSW_EF_CONSTRUCT", "HNSW_M"]
