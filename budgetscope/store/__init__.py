"""The entity store: SQLite tables of documents, records and what links them, behind a Protocol.

:mod:`.protocol` is the interface (it speaks only in :mod:`budgetscope.models`), :mod:`.sqlite` the
SQLite backend, :mod:`.schema` its tables, :mod:`.rows` models ↔ rows, :mod:`.migrate` older stores,
:mod:`.index_state` what the search index lags, :mod:`.series` a series's years, :mod:`.export` the store
written out as files.
"""
