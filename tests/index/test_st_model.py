"""An ``st:`` model that is not on this machine: one line naming the folder or the id and why, said before
sentence-transformers is asked, never a connection, no library warning on stderr (review 30-b #13)."""

from __future__ import annotations

import importlib.util
import logging
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.encoders import EncoderUnavailable, get_encoder
from budgetscope.index.st_model import is_folder_spec, missing_model, quiet_load

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="sentence-transformers (extra st) missing",
)


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every network connection tried during the test (none may be)."""
    tried: list[Any] = []
    real = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        tried.append(address)
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return tried


def _refused(spec: str) -> str:
    with pytest.raises(EncoderUnavailable) as err:
        get_encoder(spec).encode_documents(["科普活动"])
    return str(err.value)


def test_st_model_missing_folder_is_named(tmp_path: Path, connections: list[Any]) -> None:
    missing = tmp_path / "minilm"
    assert _refused(f"st:{missing}") == (
        f"encoder 'st:{missing}': no model folder at {missing} (nothing is downloaded)"
    )
    assert connections == []


def test_st_model_a_file_or_an_empty_folder_is_no_model(tmp_path: Path, connections: list[Any]) -> None:
    (tmp_path / "notes.txt").write_text("科普", encoding="utf-8")
    assert _refused(f"st:{tmp_path / 'notes.txt'}").endswith(
        f": {tmp_path / 'notes.txt'} is a file, not a model folder (nothing is downloaded)"
    )
    (tmp_path / "empty").mkdir()
    assert _refused(f"st:{tmp_path / 'empty'}").endswith(
        f": no model in the folder {tmp_path / 'empty'}: it holds no modules.json or config.json "
        "(nothing is downloaded)"
    )
    assert connections == []


def test_st_model_relative_and_home_folders_are_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connections: list[Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert "no model folder at " + str(tmp_path / "minilm") in _refused("st:./minilm")
    assert "no model folder at " + str(tmp_path / "home" / "minilm") in _refused("st:~/minilm")
    (tmp_path / "local").mkdir()  # an existing folder named like an id is the folder
    assert is_folder_spec("local") and not is_folder_spec("sentence-transformers/all-MiniLM-L6-v2")
    assert "no model in the folder " + str(tmp_path / "local") in _refused("st:local")
    assert connections == []


def test_st_model_id_not_in_the_cache_is_named_without_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connections: list[Any]
) -> None:
    monkeypatch.setenv("SENTENCE_TRANSFORMERS_HOME", str(tmp_path / "cache"))  # an empty cache
    message = _refused("st:sentence-transformers/budgetscope-no-such-model")
    assert message == (
        "encoder 'st:sentence-transformers/budgetscope-no-such-model': no folder "
        "'sentence-transformers/budgetscope-no-such-model' here, and no model of that name in the Hugging Face "
        "cache of this machine (nothing is downloaded; give the model's folder, st:/path)"
    )
    assert "Repo id" not in message and "huggingface.co" not in message and connections == []


def test_st_model_a_model_folder_is_not_missing(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    assert missing_model(str(tmp_path)) is None


def test_st_model_quiet_load_silences_the_libraries_then_restores(caplog: pytest.LogCaptureFixture) -> None:
    library = logging.getLogger("sentence_transformers.util.file_io")
    with caplog.at_level(logging.WARNING), quiet_load():
        library.warning("Could not resolve the revision of '/nonexistent'")
    assert caplog.records == []
    with caplog.at_level(logging.WARNING):
        library.warning("after the load")
    assert [r.getMessage() for r in caplog.records] == ["after the load"]


def test_st_model_cli_says_one_line_on_stderr(tmp_path: Path, corpus: Path) -> None:
    missing = tmp_path / "nonexistent"
    run = subprocess.run(
        [sys.executable, "-m", "budgetscope", "--home", str(tmp_path / "home"), "--encoder", f"st:{missing}",
         "ingest", str(corpus / "sast-2019-performance-targets.txt")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"error: nothing stored: encoder 'st:{missing}': no model folder at {missing} (nothing is downloaded)"
    ]
    assert not (tmp_path / "home" / "budgetscope.sqlite").exists()
