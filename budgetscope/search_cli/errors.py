"""Every failure of a command ends in one line on stderr and an exit code, never a traceback.

:class:`SafeGroup` is the command group of the ``budgetscope`` app: usage errors keep click's exit
code 2; a closed output pipe (``budgetscope export --out - | head``) is a normal end (exit 0); a full
disk, a damaged store or index and any unexpected error become ``error: …`` on one line and exit 1
(``--verbose`` adds the traceback). Messages are made one line and free of control characters
whatever file names or document text they quote (see :func:`one_line`).
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from typing import Any

import typer
from typer import _click as click  # typer vendors click: its Context is this one
from typer.core import TyperGroup
from typer.exceptions import TyperException

from budgetscope.messages import is_disk_full, one_line, quoted

VERBOSE_ENV = "BUDGETSCOPE_VERBOSE"
"""Set by ``--verbose``: errors print their traceback too."""


def describe(exc: BaseException) -> str:
    """:func:`budgetscope.api.errors.describe`, imported when an error happens (the API is heavy to import)."""
    from budgetscope.api.errors import describe as api_describe

    return api_describe(exc)


class _StderrHandler(logging.StreamHandler):
    """Logs to whatever ``sys.stderr`` is at the time (tests swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass

    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))  # names in log lines are untrusted too


def log_to_stderr() -> None:
    """``--verbose``: budgetscope's log messages (INFO and up) on stderr, one line each."""
    logger = logging.getLogger("budgetscope")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush of a closed pipe is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class SafeGroup(TyperGroup):
    """The app's group: global options apply for one command only; failures end in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        saved = dict(os.environ)
        logger = logging.getLogger("budgetscope")
        saved_log = (list(logger.handlers), logger.level)  # --verbose's handler: this command only
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except (TyperException, typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(0) from None
        except Exception as exc:
            if os.environ.get(VERBOSE_ENV):
                import traceback

                traceback.print_exc()
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                _quiet_stdout()
                raise typer.Exit(0) from None
            if is_disk_full(exc):
                _quiet_stdout()
            print(f"error: {one_line(describe(exc))}", file=sys.stderr)
            raise typer.Exit(1) from None
        finally:
            os.environ.clear()
            os.environ.update(saved)
            logger.handlers[:] = saved_log[0]
            logger.setLevel(saved_log[1])


__all__ = ["VERBOSE_ENV", "SafeGroup", "describe", "log_to_stderr", "one_line", "quoted"]
