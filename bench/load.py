"""Load benchmark: requests/s of search through gunicorn, compared with /healthz.

    .venv/bin/python bench/load.py                          # 10,000 services, 10 s an endpoint
    .venv/bin/python bench/load.py --services 2000 --duration 5
    .venv/bin/python bench/load.py --client python          # without wrk (threads + http.client)

Seeds a temporary SQLite database with synthetic services through the real importer (the setup
of bench/search.py) and builds the index, then serves it with
``gunicorn --workers 2 --bind 127.0.0.1:PORT wsgi:app`` (DATABASE_URL, WELLBEING_INDEX_DIR,
WELLBEING_INSTANCE_DIR and SECRET_KEY set for it; the listings are embedded first, so the server
searches by words and meaning).
Each endpoint is warmed up, then loaded with wrk (``apt-get install -y wrk``) rotating through
varied queries. wrk and gunicorn share this machine's CPUs, so the figures are for comparing
endpoints and versions on one machine, not capacity. Only numbers are printed; the target
(search API at least 5% of /healthz) is shown beside them, never enforced.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flask_migrate import upgrade  # noqa: E402

from bench import search as search_bench  # noqa: E402
from wellbeing.extensions import db  # noqa: E402

HOST = "127.0.0.1"
TARGET = 0.05  # search API requests/s as a share of /healthz's
WRK_RESULT = "WRK_RESULT"
LUA = """
local paths = {%(paths)s}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%(marker)s %%d %%d %%.1f %%.1f %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Endpoint:
    name: str
    paths: list[str]
    search: bool = True
    note: str = ""


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_status: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def endpoints(texts: list[str], outcodes: list[str], rng: random.Random) -> list[Endpoint]:
    """The endpoints to load, each with varied query strings to rotate through."""

    def near(path: str) -> list[str]:
        return [
            f"{path}?{urlencode({'search': text, 'postcode': rng.choice(outcodes)})}"
            for _ in range(3)
            for text in texts
        ]

    return [
        Endpoint("/healthz", ["/healthz"], search=False),
        Endpoint(
            "/api/oruk/services?search=<word>",
            [f"/api/oruk/services?{urlencode({'search': text})}" for text in texts],
        ),
        Endpoint("/api/oruk/services?search=<word>&postcode=<outcode>", near("/api/oruk/services")),
        Endpoint(
            "/api/oruk/service_at_locations?search=<word>&postcode=<outcode>",
            near("/api/oruk/service_at_locations"),
            note="extra: the ORUK endpoint that reads postcode",
        ),
        Endpoint("/directory?q=<word>", [f"/directory?{urlencode({'q': text})}" for text in texts]),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn serving the app from this repository, in its own session (Ctrl-C is ours)."""

    def __init__(self, workers: int, port: int, log: Path) -> None:
        self.workers, self.port, self.log = workers, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        if not gunicorn.exists():
            gunicorn = REPO / ".venv" / "bin" / "gunicorn"
        command = [str(gunicorn), "--workers", str(self.workers), "--bind", f"{HOST}:{self.port}"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                [*command, "wsgi:app"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited before /healthz answered:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise SystemExit(f"/healthz did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def stop(self) -> None:
        """Graceful shutdown (SIGTERM to the master); kill its process group if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)  # gunicorn's graceful timeout is 30 s
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session we started it in
            process.wait()


def wrk_load(url: str, paths: list[str], args: argparse.Namespace, folder: Path) -> Result:
    script = folder / "rotate.lua"
    quoted = ", ".join(json.dumps(path) for path in paths)  # URL-encoded: no Lua escapes needed
    script.write_text(LUA % {"paths": quoted, "marker": WRK_RESULT})
    command = [
        "wrk", f"-t{min(args.threads, args.connections)}", f"-c{args.connections}",
        f"-d{args.duration}s", "--timeout", "30s", "-s", str(script), url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(WRK_RESULT)), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    requests, micros, p50, p99, bad_status, socket_errors = line.split()[1:]
    return Result(
        int(requests),
        int(micros) / 1e6,
        float(p50) / 1000,
        float(p99) / 1000,
        int(bad_status),
        int(socket_errors),
    )


def python_load(port: int, paths: list[str], args: argparse.Namespace) -> Result:
    """The same load without wrk: one thread a connection, a new connection a request."""
    latencies: list[float] = []
    bad = [0, 0]  # bad status, socket errors
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + args.duration

    def client(offset: int) -> None:
        n = offset
        while time.perf_counter() < deadline:
            path = paths[n % len(paths)]
            n += 1
            sent = time.perf_counter()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status_bad = not 200 <= response.status < 400
                socket_bad = False
            except OSError:
                status_bad, socket_bad = False, True
            finally:
                connection.close()
            elapsed = time.perf_counter() - sent
            with lock:
                latencies.append(elapsed)
                bad[0] += status_bad
                bad[1] += socket_bad

    threads = [
        threading.Thread(target=client, args=(n * 7919,), daemon=True)
        for n in range(args.connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Result(len(latencies), seconds, statistics.median(ordered) * 1000, p99 * 1000, *bad)


def probe(server: Server, endpoint: Endpoint) -> dict | None:
    """GET the first path once; stop with the answer if it is not 200. Returns JSON bodies."""
    try:
        with urllib.request.urlopen(server.url(endpoint.paths[0]), timeout=60) as response:  # noqa: S310
            body = response.read()
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        excerpt = error.read()[:500].decode(errors="replace")
        raise SystemExit(
            f"{endpoint.paths[0]} answered {error.code}:\n{excerpt}\n{server.log_tail()}"
        ) from None
    return json.loads(body) if kind.startswith("application/json") else None


def postcode_ignored(server: Server, texts: list[str], outcode: str) -> bool:
    """Whether /api/oruk/services gives the same totals with a postcode as without one."""
    for text in texts[:3]:
        plain = probe(server, Endpoint("", [f"/api/oruk/services?{urlencode({'search': text})}"]))
        query = urlencode({"search": text, "postcode": outcode})
        near = probe(server, Endpoint("", [f"/api/oruk/services?{query}"]))
        if (plain or {}).get("total_items") != (near or {}).get("total_items"):
            return False
    return True


def seed(folder: Path, services: int) -> list[str]:
    """The database and index under ``folder``; returns the outward codes in use."""
    started = time.perf_counter()
    app = search_bench.make_app(f"sqlite:///{folder / 'bench.db'}", str(folder / "index"))
    with app.app_context():
        upgrade()
        outcodes, rates = search_bench.setup(app, services, random.Random(services))
        search_bench.embed_listings(app, rates)  # the server then searches by meaning too
        db.session.remove()
        db.engine.dispose()
    print(
        f"Seeded {services:,} services in {time.perf_counter() - started:.0f} s "
        f"(import {rates['import']:,.0f}/s, reindex {rates['reindex_s']:.1f} s); "
        f"embedded {rates.get('embedded', 0):,.0f} listings/s; meaning-based search on",
        flush=True,
    )
    return outcodes


def child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BENCH_DATABASE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        WELLBEING_INDEX_DIR=str(folder / "index"),
        WELLBEING_INSTANCE_DIR=str(folder / "instance"),
        SECRET_KEY=secrets.token_hex(32),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    # The listings are embedded already; the server embeds any that change (none do here).
    env.setdefault(search_bench.EMBEDDINGS, "background")
    return env


def report(rows: list[tuple[Endpoint, Result]], args: argparse.Namespace) -> None:
    health = rows[0][1].rate
    print(
        f"\n{args.services:,} services, gunicorn {args.workers} workers, {args.client} "
        f"{args.connections} connections, {args.duration} s an endpoint, "
        f"{os.cpu_count()} CPUs shared by client and server"
    )
    print(f"{'endpoint':<66}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'of /healthz':>13}")
    for endpoint, result in rows:
        share = f"{result.rate / health:>12.1%}" if endpoint.search and health else f"{'':>12}"
        errors = result.bad_status + result.socket_errors
        print(
            f"{endpoint.name:<66}{result.rate:>9.1f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}"
            f"{errors:>8} {share}"
        )
    for endpoint, _result in rows:
        if endpoint.note:
            print(f"  {endpoint.name}: {endpoint.note}")
    api = [result.rate / health for endpoint, result in rows[1:3] if health]
    if api:
        print(f"search API at {min(api):.1%} of /healthz at worst (target: at least {TARGET:.0%})")


def run_load(
    server: Server, endpoint: Endpoint, args: argparse.Namespace, folder: Path, seconds: int
) -> Result:
    timed = argparse.Namespace(**(vars(args) | {"duration": seconds}))
    if args.client == "wrk":
        return wrk_load(server.url(""), endpoint.paths, timed, folder)
    return python_load(server.port, endpoint.paths, timed)


def measure(server: Server, args: argparse.Namespace, folder: Path, texts: list[str]) -> None:
    outcodes = seed(folder, args.services)
    server.start(child_env(folder))
    server.wait_healthy()
    print(f"gunicorn is up on {server.url('')} (log: {server.log})", flush=True)
    chosen = endpoints(texts, outcodes, random.Random(args.services))
    for endpoint in chosen:
        probe(server, endpoint)
    if postcode_ignored(server, texts, outcodes[0]):
        chosen[2].note = "same totals as without postcode: /api/oruk/services ignores postcode"
    rows = []
    for endpoint in chosen:
        if args.warmup > 0:
            run_load(server, endpoint, args, folder, args.warmup)
        result = run_load(server, endpoint, args, folder, args.duration)
        print(f"  {endpoint.name}: {result.rate:.1f} req/s", flush=True)
        rows.append((endpoint, result))
    report(rows, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10000, help="default 10,000")
    parser.add_argument("--duration", type=int, default=10, help="seconds an endpoint (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each endpoint (2)")
    parser.add_argument("--connections", type=int, default=8, help="open connections (8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="rotate through phrases and misspellings too, not only words",
    )
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        print(
            "wrk is not installed: install it with `apt-get install -y wrk` (Debian package wrk),\n"
            "or measure with the slower pure-Python client: bench/load.py --client python",
            file=sys.stderr,
        )
        sys.exit(2)
    texts = list(search_bench.WORD_QUERIES)
    if args.mixed:
        texts = [text for group in search_bench.TEXT_QUERIES.values() for text in group]

    def interrupted(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    folder = Path(tempfile.mkdtemp(prefix="wellbeing-load-"))
    server = Server(args.workers, args.port or free_port(), folder / "gunicorn.log")
    try:
        measure(server, args, folder, texts)
    except KeyboardInterrupt:
        print("\nInterrupted; stopping gunicorn", file=sys.stderr)
        sys.exit(130)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
