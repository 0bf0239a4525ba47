"""The vector index: one interface (:class:`~budgetscope.vector.base.VectorIndex`) over two Qdrant engines.

- :mod:`.base`: the interface and what both engines share (embedding, batching, search and fusion);
- :mod:`.edge`: qdrant-edge, the Qdrant engine in-process, the embedded default (the only module
  importing ``qdrant_edge``); :mod:`.client`: qdrant-client, for a server or cluster (``--qdrant-url``);
- :mod:`.query`: names, filters, errors, fusion and grouping (pure); :mod:`.fusion`: rank fusion;
  :mod:`.sparse`: BM25 vectors over jieba terms; :mod:`.points`: a record's chunks;
- :mod:`.lock`: one process per embedded index; :mod:`.sync`: the data home's index and its sync
  with the store.

Importing this package loads no engine.
"""
