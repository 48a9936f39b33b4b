"""N people using the app at once: page loads over Streamlit's WebSocket, against 1 and 2 processes.

    python -m bench.bench_concurrency [--lines 1000000] [--sessions 20] [--processes 1 2]
                                      [--pages overview channels customers retention budget] [--rounds 2]
                                      [--load-lines 1000000]

For each process count: that many ``streamlit run app.py`` processes on one warehouse (the demo at
``--lines`` order lines, bench/out) behind nginx (deploy/nginx.conf.tmpl, sticky by cookie), as
README "Several processes" deploys them. One warm-up session per process opens every page once (the
shared caches fill, as they are after the first person of the day). Then ``--sessions`` clients
connect at the same moment, each with its own cookie (so nginx spreads them over the processes),
and each opens the pages in order, ``--rounds`` times, the way a browser does: a ``rerun_script``
message with the page's hash and the URL's query string, timed until the server's
``script_finished``. Prints p50, p95 and max of those page loads, and errors (a page that raised,
a refused or dropped connection, a run that did not finish in 120 s). With ``--load-lines N`` the
last configuration runs again while ``python -m data load`` writes a CSV of N order lines (exported
from the demo) as a new dataset: the load's wall time and whether it succeeded are printed beside
the sessions' figures. Also printed: the app processes' CPU seconds per page load during the crowd (from
/proc; a load running beside it is not counted) and this process's CPU (the clients). Asserts nothing.

The clients are asyncio coroutines in this process; they parse protobuf messages and do nothing
else, but they share the machine's cores with the servers, as a browser on the same machine would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, demo_warehouse, table
from tests.e2e.conftest import free_port, start_server

QUERY = "lang=en&preset=last_year"
PAGES = ("overview", "channels", "customers", "retention", "budget")
RUN_TIMEOUT_S = 120.0


@contextlib.contextmanager
def _processes(db: Path, count: int) -> Iterator[list[int]]:
    """``count`` app processes over ``db`` on free ports (the browser tests' ``start_server``: logs in
    test-output/e2e), each healthy before this yields their ports; one cookie secret, as behind nginx."""
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16)}
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(start_server(db, f"bench_process_{i + 1}.log", env)) for i in range(count)]
        yield [int(url.rsplit(":", 1)[1]) for url in urls]


def _back(page: str | None):
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.util import calc_hash

    msg = BackMsg()
    msg.rerun_script.query_string = QUERY
    if page is not None:
        msg.rerun_script.page_script_hash = calc_hash(page)
    return msg.SerializeToString()


async def _run_page(ws, page: str | None) -> tuple[float, str | None]:
    """Open ``page`` (None: the default page) on the session ``ws``; (seconds, error or None)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    began = time.perf_counter()
    await ws.send(_back(page))
    error = None
    deadline = began + RUN_TIMEOUT_S
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=max(deadline - time.perf_counter(), 0.1))
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "exception":
                error = error or f"exception: {msg.delta.new_element.exception.message[:120]}"
        elif kind == "page_not_found":
            error = error or f"page not found: {page}"
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the app reran itself (a URL or state sync): the page is not there yet
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                error = error or "compile error"
            return time.perf_counter() - began, error


async def _session(
    url: str,
    pages: tuple[str, ...],
    rounds: int,
    start: asyncio.Event,
    results: list[tuple[str, float]],
    errors: list[str],
) -> None:
    from websockets.asyncio.client import connect

    await start.wait()
    try:
        async with connect(
            url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": f"slroute={uuid.uuid4().hex}"},
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        ) as ws:
            for _ in range(rounds):
                for page in pages:
                    seconds, error = await _run_page(ws, page)
                    results.append((page, seconds))
                    if error:
                        errors.append(f"{page}: {error}")
    except Exception as exc:  # noqa: BLE001 - every failure is a counted error, the run goes on
        errors.append(f"session: {type(exc).__name__}: {exc}"[:200])


async def _crowd(
    url: str, sessions: int, pages: tuple[str, ...], rounds: int
) -> tuple[list[tuple[str, float]], list[str]]:
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    start = asyncio.Event()
    tasks = [asyncio.create_task(_session(url, pages, rounds, start, results, errors)) for _ in range(sessions)]
    start.set()
    await asyncio.gather(*tasks)
    return results, errors


def _server_cpu(ports: list[int]) -> float:
    """CPU seconds (user + system) used so far by the app processes serving ``ports`` (from /proc)."""
    wanted = {str(port) for port in ports}
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"streamlit" in args and b"--server.port" in args:
            port = args[args.index(b"--server.port") + 1].decode()
            if port in wanted:
                total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(q * (len(ordered) - 1))), len(ordered) - 1)]


def _export_csv(db: Path, lines: int, target: Path) -> Path:
    """The demo's first ``lines`` order lines as an order export (CSV with the fields a load maps)."""
    from data.snapshots import Warehouse

    con = Warehouse.open(db).reader()
    frame = con.execute(
        "SELECT order_id, line, order_date, customer_id, channel, region, product, quantity, revenue, cost "
        "FROM order_lines ORDER BY order_date, order_id, line LIMIT $n",
        {"n": lines},
    ).df()
    frame.to_csv(target, index=False)
    return target


def _load(db: Path, source: Path, name: str) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "data", "load", str(source), "--name", name, "--db", str(db), "--replace"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return (
        time.perf_counter() - began,
        "ok" if done.returncode == 0 else f"failed: {(done.stderr or done.stdout)[-200:]}",
    )


def measure(
    db: Path, processes: int, sessions: int, pages: tuple[str, ...], rounds: int, load_source: Path | None = None
) -> dict[str, object]:
    from concurrent.futures import ThreadPoolExecutor

    from tests.e2e.deploy import nginx

    with (
        tempfile.TemporaryDirectory(prefix="saleslens-bench-") as tmp,
        _processes(db, processes) as ports,
        nginx(Path(tmp) / "nginx", free_port(), ports) as url,
    ):
        for port in ports:  # warm-up: one session per process, straight to it
            results, errors = asyncio.run(_crowd(f"http://127.0.0.1:{port}", 1, pages, 1))
            if errors:
                raise RuntimeError(f"warm-up failed: {errors[:3]}")
        began, server_cpu, client_cpu = time.perf_counter(), _server_cpu(ports), time.process_time()
        with ThreadPoolExecutor(1) as pool:
            loading = pool.submit(_load, db, load_source, "bench_nightly") if load_source else None
            results, errors = asyncio.run(_crowd(url, sessions, pages, rounds))
            load_s, load_status = loading.result() if loading else (None, "")
        wall = time.perf_counter() - began
        server_cpu, client_cpu = _server_cpu(ports) - server_cpu, time.process_time() - client_cpu
    loads = [s for _, s in results]
    extra = {"CLI load s": f"{load_s:.1f}", "load": load_status} if loading else {}
    return {
        "processes": processes,
        "sessions": sessions,
        "page loads": len(loads),
        **extra,
        "p50 s": f"{statistics.median(loads):.2f}" if loads else "-",
        "p95 s": f"{_pct(loads, 0.95):.2f}" if loads else "-",
        "max s": f"{max(loads):.2f}" if loads else "-",
        "errors": len(errors),
        "wall s": f"{wall:.1f}",
        # where the cores went: the app processes per page load, and this process's clients in all
        "server cpu s/load": f"{server_cpu / len(loads):.3f}" if loads else "-",
        "client cpu s": f"{client_cpu:.1f}",
        "first error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--load-lines", type=int, default=0, help="also run a CLI load of this many lines during a crowd"
    )
    args = parser.parse_args()
    db = demo_warehouse(args.lines)
    print(
        f"{args.sessions} sessions at once, each opening {', '.join(args.pages)} x{args.rounds}; "
        f"{args.lines:,} order lines ({db}); {os.cpu_count()} cores"
    )
    rows = [measure(db, n, args.sessions, tuple(args.pages), args.rounds) for n in args.processes]
    print(table(rows))
    if args.load_lines:
        with tempfile.TemporaryDirectory(prefix="saleslens-load-") as tmp:
            source = _export_csv(db, args.load_lines, Path(tmp) / "nightly.csv")
            alone_s, alone_status = _load(db, source, "bench_nightly")
            print(f"\nCLI load of {args.load_lines:,} lines with no app running: {alone_s:.1f} s ({alone_status})")
            print(table([measure(db, args.processes[-1], args.sessions, tuple(args.pages), args.rounds, source)]))
        from data.snapshots import Warehouse

        Warehouse.open(db).delete("bench_nightly")


if __name__ == "__main__":
    main()
