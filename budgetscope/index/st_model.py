"""Where an ``st:`` encoder's model is, said before sentence-transformers is asked, and its load kept quiet.

``st:<model>`` names a folder (``st:/models/minilm``, ``st:./minilm``, ``st:~/minilm``, or any name of an
existing folder) or a Hugging Face model id already in the local cache (``st:all-MiniLM-L6-v2``).
Nothing here downloads or touches the network: a folder is looked at on disk, an id in the cache only.

Example:
    >>> missing_model("/nonexistent/budgetscope-model")
    'no model folder at /nonexistent/budgetscope-model'
    >>> is_folder_spec("all-MiniLM-L6-v2"), is_folder_spec("~/models/minilm")
    (False, True)
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

MODEL_FILES = ("modules.json", "config.json")
"""A sentence-transformers model folder holds at least one of these (``modules.json`` for a
sentence-transformers model, ``config.json`` for a plain transformers one it wraps)."""

NOISY_LOGGERS = ("sentence_transformers", "transformers", "huggingface_hub")
"""Libraries that log warnings on stderr while a model loads (a revision they cannot pin, an id they
cannot resolve): quiet during the load, since a failed load is one :class:`EncoderUnavailable` line."""


def is_folder_spec(model: str) -> bool:
    """Whether ``model`` names a folder rather than a Hugging Face id: a path written as one (absolute,
    ``./``, ``../``, ``~``) or a folder that exists. An id is ``name`` or ``org/name``."""
    return (
        os.path.isabs(model)
        or model.startswith(("./", "../", "~", ".\\", "..\\"))
        or model in (".", "..")
        or Path(model).exists()
    )


def model_folder(model: str) -> Path:
    """The folder a folder spec names (``~`` expanded, relative to the working directory)."""
    return Path(model).expanduser().absolute()


def missing_model(model: str) -> str | None:
    """Why no model can be loaded from the folder ``model`` names, in a few words, else None (the folder
    holds a model file). Only for a folder spec (:func:`is_folder_spec`)."""
    folder = model_folder(model)
    if not folder.exists():
        return f"no model folder at {folder}"
    if not folder.is_dir():
        return f"{folder} is a file, not a model folder"
    if not any((folder / name).is_file() for name in MODEL_FILES):
        return f"no model in the folder {folder}: it holds no {' or '.join(MODEL_FILES)}"
    return None


def uncached_id(model: str, cache_folder: str | None = None) -> bool:
    """Whether the Hugging Face id ``model`` has no model file in the local cache (None of
    :data:`MODEL_FILES` there); False when that cannot be told (no huggingface_hub)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    for name in MODEL_FILES:
        with contextlib.suppress(Exception):  # an id the hub refuses (bad characters) is not cached
            if isinstance(try_to_load_from_cache(model, name, cache_dir=cache_folder), str):
                return False
    return True


@contextlib.contextmanager
def quiet_load() -> Iterator[None]:
    """The model libraries' loggers at ERROR while a model loads, as they were afterwards."""
    loggers = [logging.getLogger(name) for name in NOISY_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(max(lg.getEffectiveLevel(), logging.ERROR))
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def hub_offline() -> Iterator[None]:
    """The Hugging Face hub offline while a model is imported and loaded, the caller's environment
    restored afterwards (a library does not change its host's settings for good)."""
    saved = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    for key, value in saved.items():
        if value is None:
            os.environ[key] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)


__all__ = ["hub_offline", "is_folder_spec", "missing_model", "model_folder", "quiet_load", "uncached_id"]
