"""Search latency of `budgetscope serve --allow-upload` while an upload is ingested, and how long
SIGTERM takes to stop it mid-upload.

usage: python benchmarks/bench_serve_upload.py --home DIR [--copies 15] [--timeout 30] [--sigterm-after S]
Copies the home (an ingested one: searches need an index) to a temporary folder, starts `budgetscope
serve --allow-upload` on it as a child process, uploads one text file made of ``--copies`` copies of
corpus/stcsm-2025-department-budget.txt (29 projects each), then asks ``/api/search?q=党建`` and
``/search?q=abc`` once a second until the job page says done, each with ``--timeout`` seconds to
answer. With ``--sigterm-after S``, sends SIGTERM S seconds into the upload instead and times the
exit. Prints Markdown rows: answered / refused (503) / timed out, and latency p50 / max; on stderr,
the job's progress each second and the slowest answers with what the job was doing then.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def upload(base: str, name: str, data: bytes) -> str:
    boundary = "----bench"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = Request(f"{base}/upload", data=body, method="POST",
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    with urlopen(request, timeout=120) as r:
        return str(r.url)


def timed_get(url: str, timeout: float) -> tuple[str, float]:
    """``ok``, ``503`` (or another status) or ``timeout``, and the seconds it took."""
    t0 = time.perf_counter()
    try:
        with urlopen(url, timeout=timeout) as r:
            r.read()
            status = "ok"
    except HTTPError as exc:
        status = str(exc.code)
    except (URLError, TimeoutError, OSError):
        status = "timeout"
    return status, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--sigterm-after", type=float)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-serve-upload-"))
    home = work / "home"
    shutil.copytree(args.home, home, ignore=shutil.ignore_patterns("serve.json", "uploads"))
    text = (ROOT / "corpus" / "stcsm-2025-department-budget.txt").read_bytes()
    data = b"\n".join([text] * args.copies)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-c", "from budgetscope.search_cli.app import main; main()", "serve",
           "--home", str(home), "--port", str(port), "--allow-upload"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while timed_get(f"{base}/api/projects", 5)[0] != "ok":
            if time.monotonic() > deadline:
                raise SystemExit("serve did not start")
            time.sleep(0.5)
        started = time.monotonic()
        job = upload(base, "bench-upload.txt", data)
        print(f"uploaded {len(data) / 1e6:.1f} MB ({args.copies} × stcsm-2025); job {job}", file=sys.stderr)
        results: dict[str, list[tuple[str, float]]] = {"/api/search?q=党建": [], "/search?q=abc": []}
        slow: list[tuple[float, float, str, str]] = []  # latency, when, path, what the job was doing
        doing = "uploaded"
        while True:
            if args.sigterm_after is not None and time.monotonic() - started >= args.sigterm_after:
                t0 = time.perf_counter()
                proc.send_signal(signal.SIGTERM)
                try:
                    code = proc.wait(timeout=120)
                    print(f"| SIGTERM {args.sigterm_after:.0f} s into the upload | exit {code} after "
                          f"{time.perf_counter() - t0:.1f} s |")  # fmt: skip
                except subprocess.TimeoutExpired:
                    print("| SIGTERM | still running after 120 s |")
                return
            for path, seen in results.items():
                route, query = path.split("=", 1)
                seen.append(timed_get(f"{base}{route}={quote(query)}", args.timeout))
                slow.append((seen[-1][1], time.monotonic() - started, path, doing))
            status, _ = timed_get(job, 30)
            page = urlopen(job, timeout=30).read().decode() if status == "ok" else ""
            if "完成 Done" in page:
                break
            progress = re.search(r'id="progress">([^<]*)', page)
            doing = progress.group(1).strip() if progress else status
            print(f"{time.monotonic() - started:6.0f} s {doing}", file=sys.stderr)
            time.sleep(1)
        print(
            f"ingest of the upload: {time.monotonic() - started:.0f} s; the slowest answers:", file=sys.stderr
        )
        for latency, when, path, what in sorted(slow, reverse=True)[:5]:
            print(f"  {latency:.2f} s at {when:.0f} s ({path}), the job: {what}", file=sys.stderr)
        print("| request during the upload | answered | 503 | timed out | p50 / max seconds |")
        print("|---|---|---|---|---|")
        for path, seen in results.items():
            seconds = sorted(t for _, t in seen)
            count = {k: sum(s == k for s, _ in seen) for k in ("ok", "503", "timeout")}
            print(f"| `{path}` | {count['ok']} | {count['503']} | {count['timeout']} | "
                  f"{seconds[len(seconds) // 2]:.2f} / {seconds[-1]:.2f} |")  # fmt: skip
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
