"""Hypothesis over the CLI's inputs: file names, file contents, query strings, filter values.

Whatever the input: no traceback, an exit code in {0, 1, 2}, and when a command fails the store holds
exactly what it held before.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from budgetscope.search_cli.app import app
from tests.reliability.conftest import SOURCE, small_budget, store_rows

runner = CliRunner()
LINES = [line for line in SOURCE.read_text(encoding="utf-8").split("\n") if line.strip()][:400]
FUZZ = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

names = st.text(
    st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda n: n not in (".", "..") and len(n.encode()) < 200 and not n.startswith("."))
contents = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(LINES), min_size=1, max_size=40).map(lambda ls: "\n".join(ls).encode("utf-8")),
    st.sampled_from(["gb18030", "big5", "utf-16", "utf-16-le"]).map(
        lambda enc: small_budget(2031).encode(enc, "replace")
    ),
)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
queries = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)


def invoke(*args: object) -> Result:
    return runner.invoke(
        app, [str(a) for a in args], env={"BUDGETSCOPE_QDRANT_URL": None, "BUDGETSCOPE_HOME": None}
    )


def clean(result: Result) -> None:
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for line in result.stderr.splitlines():
        assert "\x1b" not in line


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("fuzz")
    f = tmp / "budget-2031.txt"
    f.write_text(small_budget(2031), encoding="utf-8")
    result = invoke("ingest", f, "--home", tmp / "home", "--encoder", "hash", "-q")
    assert result.exit_code == 0, result.output
    return tmp / "home"


@FUZZ
@given(name=names, suffix=st.sampled_from([".txt", ".pdf", ""]), data=contents)
def test_fuzz_ingest_any_file_never_crashes_and_failures_change_nothing(
    home: Path, name: str, suffix: str, data: bytes
) -> None:
    folder = Path(tempfile.mkdtemp(dir=home.parent))
    path = folder / (name + suffix)
    path.write_bytes(data)
    before = store_rows(home)
    result = invoke("ingest", path, "--home", home, "--no-index")
    clean(result)
    if result.exit_code != 0:
        assert store_rows(home) == before
    clean(invoke("segment", path, "--format", "table"))


@FUZZ
@given(
    query=queries,
    filters=st.dictionaries(
        st.sampled_from(["year", "department", "section", "cites", "kind"]), values, max_size=3
    ),
)
def test_fuzz_search_queries_file_any_query_and_filters(
    home: Path, query: str, filters: dict[str, object]
) -> None:
    with tempfile.NamedTemporaryFile(
        "w", suffix=".jsonl", dir=home.parent, delete=False, encoding="utf-8"
    ) as f:
        f.write(json.dumps({"query": query, "filters": filters}, ensure_ascii=False))
    before = store_rows(home)
    clean(invoke("search", "--queries", f.name, "--format", "jsonl", "--home", home))
    assert store_rows(home) == before


@FUZZ
@given(query=queries, department=st.none() | queries, year=st.none() | st.integers(-(10**6), 10**6))
def test_fuzz_search_and_cites_options(
    home: Path, query: str, department: str | None, year: int | None
) -> None:
    options = [*(["--department", department] if department is not None else []),
               *(["--year", year] if year is not None else [])]  # fmt: skip
    before = store_rows(home)
    clean(invoke("search", query, "--home", home, *options))
    clean(invoke("cites", query, "--home", home, *options))
    assert store_rows(home) == before
