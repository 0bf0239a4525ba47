"""Shared fixtures: the bundled corpus, real PDFs printed from its text, the corpus extracted once and a
store with it ingested once (not embedded: only tests that search embed a home), and ``embed_once``:
while the shared homes that search are built, USE embeds each batch of texts once per test run."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from budgetscope.store.protocol import EntityStore
from budgetscope.store.schema import DOCUMENT_TABLES, LINK_TABLES

# CI runs a fixed set of examples (no flaky red builds); locally, new random examples every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# the read cache of `segment`/`extract` goes to a folder of this test run, not the user's cache; the
# process that made it (pytest-xdist's workers inherit the variable) removes it when the run ends
if "BUDGETSCOPE_CACHE_DIR" not in os.environ:
    os.environ["BUDGETSCOPE_CACHE_DIR"] = tempfile.mkdtemp(prefix="budgetscope-test-cache-")
    atexit.register(shutil.rmtree, os.environ["BUDGETSCOPE_CACHE_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

SHARED_EMBEDDED_CORPUS = ("tests/web/", "tests/vector/test_vector_congruence.py")
"""Test files whose homes embed the whole bundled corpus: with pytest-xdist (``make test`` runs two
workers) they go to one worker, so the corpus is embedded once."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist: a file's tests run in one worker (its module fixtures are built once, as
    ``--dist loadfile``), and the files of :data:`SHARED_EMBEDDED_CORPUS` all in one worker.
    (``--dist loadgroup`` does not group with this pytest: its marks never reach the scheduler.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            name = nodeid.split("::", 1)[0]
            return next((g for g in SHARED_EMBEDDED_CORPUS if name.startswith(g)), name)

    return ByFile(config, log)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of the bundled corpus's whole documents (corpus/excerpts/ holds test pages, not documents)."""

    from budgetscope.paths import bundled_documents

    folder = tmp_path_factory.mktemp("corpus")
    for path in bundled_documents(CORPUS):
        shutil.copy2(path, folder / path.name)
    return folder


def cjk_font(tmp: Path) -> Path:
    """A TrueType CJK font (WenQuanYi Micro Hei, shipped by a PyPI package), extracted from its collection."""
    import paperang_p2_fonts_cjk
    from fontTools.ttLib import TTCollection

    ttc = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    out = tmp / "wqy-microhei.ttf"
    if not out.exists():
        TTCollection(str(ttc)).fonts[0].save(str(out))
    return out


def print_pdf(text: str, out: Path, font: Path, *, header: str = "", title_lines: int = 0) -> Path:
    """Print text to a PDF the way budget PDFs look: wrapped lines, running header, page numbers, centred title."""
    from fpdf import FPDF

    class Page(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("cjk", size=8)
                self.cell(0, 6, header, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", size=8)
            self.cell(0, 6, f"- {self.page_no()} -", align="C")

    pdf = Page(format="A4")
    pdf.add_font("cjk", fname=str(font))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for i, line in enumerate(text.split("\n")):
        if i < title_lines and line.strip():
            pdf.set_font("cjk", size=16)
            pdf.cell(0, 10, line.strip(), align="C", new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.set_font("cjk", size=10.5)
        if not line.strip():
            pdf.ln(3)
            continue
        pdf.multi_cell(0, 6, line.replace("\t", "    "), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))
    return out


@pytest.fixture(scope="session")
def district_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A district-level department budget printed to PDF, and the text it was printed from."""
    tmp = tmp_path_factory.mktemp("pdf")
    src = (CORPUS / "sast-2023-department-budget.txt").read_text(encoding="utf-8")
    text = src.replace("上海市2023年市级部门预算", "上海市浦东新区2023年区级部门预算")
    txt = tmp / "district-2023-department-budget.txt"
    txt.write_text(text, encoding="utf-8")
    pdf = print_pdf(
        text,
        tmp / "district-2023-department-budget.pdf",
        cjk_font(tmp),
        header="上海市浦东新区2023年区级部门预算",
        title_lines=6,
    )
    return pdf, txt


Dump = dict[str, list[tuple[Any, ...]]]


def dump_store(store: EntityStore) -> Dump:
    """Every row of every table, sorted: two stores with equal dumps hold the same data (the search
    index's marks, which count writes, left out)."""
    return {
        t: sorted(
            (tuple(sorted((k, v) for k, v in r.items() if k != "index_seq")) for r in store.select(t)),
            key=repr,
        )
        for t in (*DOCUMENT_TABLES, *LINK_TABLES)
    }


@pytest.fixture(scope="session")
def dump() -> Callable[[EntityStore], Dump]:
    return dump_store


@pytest.fixture(scope="session")
def extracted(corpus: Path) -> list[Any]:
    """(processed, document) of every corpus file: segmented, extracted, tables parsed."""
    from budgetscope.index.processing import process_file
    from budgetscope.paths import expand

    processed = [process_file(p) for p in expand([corpus])]
    return [(p, p.document) for p in processed]


@pytest.fixture(scope="session")
def corpus_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home with the bundled corpus ingested (read-only for tests)."""
    from budgetscope.index.ingest import ingest

    home = tmp_path_factory.mktemp("home")
    summary = ingest([corpus], home, workers=1)
    assert not summary.failed
    return home


_USE_BATCHES: dict[tuple[str, ...], Any] = {}
"""USE's vectors of each batch of document texts embedded under :func:`use_embedded_once` in this process."""


@contextmanager
def use_embedded_once(shared: Path | None = None) -> Iterator[None]:
    """While this is open, USE embeds each batch of document texts once per test run: the homes that
    tests search share most of their documents (the bundled corpus's), and embedding them again for
    each home took about a minute of the suite. A document's chunks go to the encoder in the same
    batches in every home, so a batch seen before gets the very vectors the model gave it (keyed by
    the whole batch, not by text: the model's floats depend on the batch a text is in, and the
    congruence test compares engines to 4 decimals). With ``shared``, a folder every pytest-xdist
    worker of the run sees, a batch is embedded by one worker and read back by the others (``.npy``,
    the same floats bit for bit; a lock per batch, so two workers never embed it twice). Queries are
    never memoized, and tests of the encoder or of an ingest's own work run outside it."""
    import fcntl
    import hashlib

    import numpy as np

    from budgetscope.index.encoders import UseEncoder

    real = UseEncoder.encode_documents

    def embedded(self: UseEncoder, texts: list[str]) -> Any:
        if shared is None:
            return real(self, texts)
        digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()
        path = shared / f"{digest}.npy"
        with open(shared / f"{digest}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                vectors = real(self, texts)
                part = path.with_suffix(f".{os.getpid()}.part")
                with open(part, "wb") as f:
                    np.save(f, vectors)
                os.replace(part, path)
                return vectors
        return np.load(path)

    def encode_documents(self: UseEncoder, texts: list[str]) -> Any:
        key = tuple(texts)
        if key not in _USE_BATCHES:
            _USE_BATCHES[key] = embedded(self, texts)
        return _USE_BATCHES[key].copy()

    UseEncoder.encode_documents = encode_documents  # type: ignore[method-assign]
    try:
        yield
    finally:
        UseEncoder.encode_documents = real  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embed_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], AbstractContextManager[None]]:
    """:func:`use_embedded_once`, for the fixtures that build a shared home to search; its batches are
    kept in the run's temporary root (under pytest-xdist, the folder above every worker's own)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "use-batches"
    shared.mkdir(exist_ok=True)
    return lambda: use_embedded_once(shared)
