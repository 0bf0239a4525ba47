"""A running ``budgetscope serve``, found and asked by the CLI of the same data home.

The embedded search index is held by one process at a time. While ``budgetscope serve`` runs on a
home it holds the index, the encoder loaded and the dictionaries read, so it *advertises itself*:
a file ``serve.json`` in the home (owner-only) with its pid, its URL and a random token, written
once it listens, removed when it stops, ignored when its process is gone. ``search`` and ``cites``
on that home send the query to it over HTTP (a JSON endpoint of the web app that runs the same code
as the command; same output) and answer in-process when none is up or it does not answer;
``ingest`` and ``remove`` hand their work to it (:func:`stream`: it runs them on the index it holds,
saying how far it got as it goes); ``index`` stops with one line naming it (see :func:`refuse_writes`).

Standard library only: a CLI start pays for nothing else.

Example:
    >>> import tempfile
    >>> home = tempfile.mkdtemp()
    >>> running(home) is None
    True
    >>> s = advertise(home, url="http://127.0.0.1:8000/")
    >>> running(home) == s, s.pid == os.getpid()
    (True, True)
    >>> withdraw(home, s); running(home) is None
    True
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.errors import BudgetscopeError

if TYPE_CHECKING:
    import urllib.request

SERVE_FILE = "serve.json"
"""The advertisement of a running serve, in its data home."""

TOKEN_HEADER = "X-Budgetscope-Token"
"""The header the CLI endpoints of a serve want, holding the token of its advertisement."""

NO_SERVE_ENV = "BUDGETSCOPE_NO_SERVE"
"""Set (to anything but empty or 0) to answer in-process even when a serve is up."""

TIMEOUT = 300.0
"""Seconds a forwarded query may take (the serve may be busy with an upload)."""


@dataclass(frozen=True)
class Serving:
    """A serve as its advertisement describes it."""

    pid: int
    url: str
    """Where the CLI reaches it (a local address even when it listens on every interface)."""
    token: str
    qdrant_url: str | None = None
    encoder: str | None = None


class ServeUnavailable(Exception):
    """The advertised serve did not answer (gone, or another program on its port): answer in-process."""


class ServeError(BudgetscopeError):
    """The serve answered with an error (one line, as the command would print it)."""


def _file(home: Path | str) -> Path:
    return Path(home) / SERVE_FILE


def new_token() -> str:
    """A random token for an advertisement."""
    return secrets.token_urlsafe(24)


def advertise(
    home: Path | str,
    *,
    url: str,
    token: str | None = None,
    qdrant_url: str | None = None,
    encoder: str | None = None,
) -> Serving:
    """Write this process's advertisement into ``home`` (atomically, readable by its owner only)."""
    serving = Serving(os.getpid(), url, token or new_token(), qdrant_url, encoder)
    path = _file(home)
    tmp = path.with_name(f".{SERVE_FILE}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(serving), f)
    os.replace(tmp, path)
    return serving


def withdraw(home: Path | str, serving: Serving) -> None:
    """Remove the advertisement, if it is still this one (a newer serve's stays)."""
    path = _file(home)
    if _read(path) == serving:
        path.unlink(missing_ok=True)


def _read(path: Path) -> Serving | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Serving(
            int(data["pid"]),
            str(data["url"]),
            str(data["token"]),
            data.get("qdrant_url"),
            data.get("encoder"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:
        return False
    return True


def running(home: Path | str) -> Serving | None:
    """The serve advertised in ``home`` while its process lives; None when none is (a stale file is ignored)."""
    serving = _read(_file(home))
    if serving is None or not _alive(serving.pid):
        return None
    return serving


def serving_for(
    home: Path | str, qdrant_url: str | None = None, encoder: str | None = None
) -> Serving | None:
    """The serve a CLI query on ``home`` should go to: one is up on the same index (same Qdrant URL,
    and the same encoder when the command names one), and :data:`NO_SERVE_ENV` is not set."""
    if os.environ.get(NO_SERVE_ENV, "") not in ("", "0"):
        return None
    serving = running(home)
    if serving is None or (qdrant_url or None) != serving.qdrant_url:
        return None
    if encoder and encoder != serving.encoder:
        return None
    return serving


def exact_money(value: Any, key: str = "") -> Any:
    """JSON read with ``parse_float=Decimal``, its numbers floats again but for money (``*_yuan``):
    an amount crosses from a serve exact (a Decimal, whole or not), a score stays a float.

    >>> exact_money({"score": Decimal("0.5"), "hits": [{"budget_yuan": Decimal("1234567890123.45")}]})
    {'score': 0.5, 'hits': [{'budget_yuan': Decimal('1234567890123.45')}]}
    >>> exact_money({"budget_yuan": 7150000, "line": 2})  # a serve of an older version: written as an int
    {'budget_yuan': Decimal('7150000'), 'line': 2}
    """
    if isinstance(value, dict):
        return {k: exact_money(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [exact_money(v, key) for v in value]
    if not key.endswith("yuan"):
        return float(value) if isinstance(value, Decimal) else value
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _post(serving: Serving, path: str, payload: dict[str, Any]) -> urllib.request.Request:
    """A JSON POST of ``payload`` to a running serve's ``path``, with its token."""
    import urllib.request

    return urllib.request.Request(
        serving.url.rstrip("/") + path,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", TOKEN_HEADER: serving.token},
        method="POST",
    )


def ask(serving: Serving, path: str, payload: dict[str, Any], *, timeout: float = TIMEOUT) -> Any:
    """POST ``payload`` as JSON to the serve's ``path``; its JSON answer.

    :class:`ServeUnavailable` when it cannot be reached or refuses the token (answer in-process);
    :class:`ServeError` with the serve's one-line message when it answers with an error.
    """
    import urllib.error
    import urllib.request

    request = _post(serving, path, payload)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return exact_money(json.loads(response.read().decode("utf-8"), parse_float=Decimal))
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read().decode("utf-8")).get("error")
        except (ValueError, AttributeError, OSError):
            message = None
        if exc.code in (400, 503) and message:
            raise ServeError(str(message)) from None
        raise ServeUnavailable(f"{serving.url} answered {exc.code}") from None
    except TimeoutError:
        raise ServeError(
            f"the serve at {serving.url} (pid {serving.pid}) did not answer in {timeout:.0f} s"
        ) from None
    except (OSError, ValueError) as exc:  # refused, reset, not JSON: not our serve
        raise ServeUnavailable(f"{serving.url}: {exc}") from None


def answer_from_serve(
    home: Path | str, qdrant_url: str | None, encoder: str | None, path: str, request: dict[str, Any]
) -> dict[str, Any] | None:
    """The answer of a serve running on ``home`` to a CLI request, or None to answer in-process (none
    up, :data:`NO_SERVE_ENV` set, or it did not answer). :class:`ServeError` when it answered with an
    error (the command prints it as its own)."""
    import logging

    log = logging.getLogger("budgetscope.search_cli")
    serving = serving_for(home, qdrant_url, encoder)
    if serving is None:
        return None
    try:
        answer: dict[str, Any] = ask(serving, path, request)
    except ServeUnavailable as exc:
        log.info("no answer from a serve (%s): answering here", exc)
        return None
    log.info("answered by the serve at %s (pid %d)", serving.url, serving.pid)
    return answer


def holder(
    home: Path | str | None, qdrant_url: str | None = None, *, writes_index: bool = True
) -> Serving | None:
    """The serve that holds the embedded index of ``home``, for a command that writes it (``ingest``,
    ``index``, ``remove``): those hand their work to it or stop. None when no serve holds it, with a
    Qdrant server (``qdrant_url``: nothing is held) or when the command leaves the index alone
    (``writes_index=False``)."""
    from budgetscope.paths import data_home

    if qdrant_url or not writes_index:
        return None
    serving = running(data_home(home))
    if serving is None or serving.qdrant_url:
        return None
    return serving


def refuse_writes(
    home: Path | str | None, qdrant_url: str | None = None, *, writes_index: bool = True
) -> str | None:
    """The one-line reason a command that writes the embedded index of ``home`` and cannot hand its
    work to the serve holding it (``index``) cannot run now, or None (see :func:`holder`)."""
    from budgetscope.paths import data_home

    serving = holder(home, qdrant_url, writes_index=writes_index)
    if serving is None:
        return None
    return (
        f"a `budgetscope serve` (pid {serving.pid}, {serving.url}) holds the search index of {data_home(home)}: "
        f"stop it (Ctrl+C in its terminal, or kill {serving.pid}) and run this again"
    )


STREAM_SILENCE = 120.0
"""Seconds a streamed answer may stay silent (the serve says it is alive every 10 s) before the
command gives up on it."""


def stream(serving: Serving, path: str, payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """POST ``payload`` as JSON to the serve's ``path`` and yield the objects of its answer, one JSON
    object per line, as they come. :class:`ServeError` with the serve's one-line message when it
    refuses the request or stops answering; :class:`ServeUnavailable` when it cannot be reached."""
    import urllib.error
    import urllib.request

    request = _post(serving, path, payload)
    try:
        response = urllib.request.urlopen(request, timeout=STREAM_SILENCE)
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read().decode("utf-8")).get("error")
        except (ValueError, AttributeError, OSError):
            message = None
        raise ServeError(str(message or f"the serve at {serving.url} answered {exc.code}")) from None
    except (OSError, ValueError) as exc:
        raise ServeUnavailable(f"{serving.url}: {exc}") from None
    with response:
        try:
            for line in response:
                if line.strip():
                    yield json.loads(line.decode("utf-8"))
        except TimeoutError:
            raise ServeError(
                f"the serve at {serving.url} (pid {serving.pid}) stopped answering for {STREAM_SILENCE:.0f} s"
            ) from None
        except (OSError, ValueError) as exc:
            raise ServeError(f"the serve at {serving.url} (pid {serving.pid}) broke off: {exc}") from None


def hand_over(
    serving: Serving,
    path: str,
    payload: dict[str, Any],
    on_progress: Callable[[int, int, str], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """A write handed to the serve holding the index (:func:`stream`), its progress passed on as it
    comes; the serve's last answer (``{"summary": ..., "points": ...}``). :class:`ServeError` with the
    serve's one-line message when it failed."""
    import logging

    for n, item in enumerate(stream(serving, path, payload)):
        if n == 0:  # it answered: the work is its own now
            logging.getLogger("budgetscope.search_cli").info(
                "handed to the serve at %s (pid %d)", serving.url, serving.pid
            )
        if "progress" in item and on_progress is not None:
            done, total, name = item["progress"]
            on_progress(int(done), int(total), str(name))
        elif "phase" in item and on_phase is not None:
            on_phase(str(item["phase"]))
        elif "error" in item:
            raise ServeError(str(item["error"]))
        elif "summary" in item:
            return item
    raise ServeError(f"the serve at {serving.url} (pid {serving.pid}) ended without a summary")
