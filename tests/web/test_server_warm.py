"""`serve` warms up before its first user: the encoder and the index open, the cached dictionaries read whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import budgetscope
from budgetscope.api import indexing
from budgetscope.cache import BucketDict
from budgetscope.index import encoders
from budgetscope.vector.sparse import _segmenter
from budgetscope.web.data import Data
from budgetscope.web.server import warm


def test_server_warm_reads_the_cached_dictionaries_whole(
    corpus: Path, tmp_path: Path, embed_once: Any
) -> None:
    home = tmp_path / "home"
    with embed_once(), budgetscope.open(home) as bs:  # a home to serve (its embedding is not under test)
        bs.ingest([corpus / "sast-2026-performance-targets.txt"])
    # a fresh process's state: no encoder loaded, jieba's dictionary not read
    indexing._encoders.clear()
    encoders._USE.clear()
    _segmenter.cache_clear()
    assert isinstance(_segmenter().FREQ, BucketDict)
    with budgetscope.open(home) as bs:
        warm(Data(bs))
    assert not isinstance(_segmenter().FREQ, BucketDict)
    models = list(encoders._USE.values())
    assert models and all(not isinstance(m._sp._prefixes, BucketDict) for m in models)
