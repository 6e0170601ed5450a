"""Requests per second of Jaring against the framework's floor (SQLite, PostgreSQL).

Usage: .venv/bin/python benchmarks/throughput.py [--seconds 5] [--rounds 3]
[--databases sqlite,postgresql] [--postgres URL] [--no-write]   (or: make
bench-throughput)

For each database: migrate a fresh one (`flask --app app db upgrade`), create a
facilitator and a session, start Jaring under gunicorn, let a class of 60 join and
answer, then save what Jaring answers to each measured request. A bare Flask + Jinja +
Flask-Compress app (benchmarks/floor_app.py) serves those same bytes under the same
gunicorn settings. wrk drives both with the same load, taking turns for several rounds
(the median counts). On SQLite the classroom command (waitress) is measured too. The
results are appended to benchmarks/RESULTS.md.

Needs wrk (Debian's package: make wrk) and, for PostgreSQL, a server at --postgres
(a fresh schema is made and dropped).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
RESULTS = HERE / "RESULTS.md"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MODULE = "/courses/spotting-recruitment-scams/too-good-to-be-true"
CLASS_SIZE = 60
WORKERS, THREADS, CONNECTIONS, WRK_THREADS = 2, 4, 10, 2
WAITRESS_THREADS = 8
WARM_UP_SECONDS = 2
PASSWORD = "benchmark password, long enough"
TARGETS = {"anonymous": 0.7, "learner": 0.5}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'type="hidden" name="([^"]+)" value="([^"]*)"')
CHOICE = re.compile(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]*)"')


@dataclass
class Scenario:
    """One measured request: how to send it to Jaring, and its name on the floor."""

    name: str
    title: str
    path: str
    headers: dict[str, str]
    body: str | None = None  # a form with SUBMISSION where a fresh id goes (POST)
    status: int = 200


@dataclass
class Measurement:
    """What wrk reported for one run."""

    rps: float
    requests: int
    bad: int  # non-2xx/3xx answers, socket errors and timeouts
    kb_per_response: float
    low: float = 0.0  # the slowest and fastest of several runs
    high: float = 0.0


@dataclass
class Block:
    """The measurements of one database: scenario name -> server -> Measurement."""

    database: str
    results: dict[str, dict[str, Measurement]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """Return the environment for our processes: this checkout, fixed keys."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "throughput-benchmark",
        "CODE_KEY": "throughput-benchmark-code-key",
        **extra,
    }


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(command: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
    """Run a server until the block ends; yield its base URL once it answers."""
    with tempfile.TemporaryFile() as log:  # a file: a full pipe would stop a server
        process = subprocess.Popen(  # noqa: S603 - our own servers, fixed arguments
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{command[2]} exited: {log.read()!r}")
                try:
                    httpx.get(base + "/", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def gunicorn(app: str, env: dict[str, str], *extra: str) -> tuple[list[str], int]:
    """Return the gunicorn command (the same settings for Jaring and the floor)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
               "--threads", str(THREADS), "--worker-class", "gthread", "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", *extra, app]  # fmt: skip
    return command, port


def flask(env: dict[str, str], *args: str) -> str:
    """Run `flask --app app ARGS` and return what it printed."""
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@contextmanager
def database(kind: str, postgres: str) -> Iterator[str]:
    """Yield the URL of a fresh database of `kind`, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    joiner = "&" if "?" in postgres else "?"
    try:
        yield f"{postgres}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def quiz_form(html: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return a quiz's hidden fields and each question's options."""
    start = html.index('id="quiz"')
    quiz = html[start : html.index("</section>", start)]
    options: dict[str, list[str]] = {}
    for name, value in CHOICE.findall(quiz):
        options.setdefault(name, []).append(value)
    return dict(HIDDEN.findall(quiz)), options


def cookie_header(client: httpx.Client) -> str:
    """Return the client's cookies as one Cookie header."""
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)


def join(base: str, code: str, number: int) -> httpx.Client:
    """Join the class as learner `number`; open and answer a few modules."""
    client = httpx.Client(base_url=base, headers={"Accept-Language": "en"}, timeout=60)
    token = CSRF.search(client.get("/join").text)[1]
    answer = client.post(
        "/join",
        data={
            "join_code": code,
            "display_name": f"Learner {number}",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 200, answer.status_code
    course = client.get("/courses/spotting-recruitment-scams/").text
    modules = re.findall(
        r'href="(/courses/spotting-recruitment-scams/[a-z0-9-]+)"', course
    )
    for position, url in enumerate(dict.fromkeys(modules)):
        if position > number % 5:
            break
        page = client.get(url, headers={"Sec-Fetch-Site": "same-origin"}).text
        if 'id="quiz"' not in page or position == number % 5:
            continue  # still reading this one
        hidden, options = quiz_form(page)
        ticks = {q: choices[(number + i) % len(choices)]
                 for i, (q, choices) in enumerate(options.items())}  # fmt: skip
        client.post(url + "/quiz", data={**hidden, **ticks})
    return client


def sign_in_facilitator(base: str) -> tuple[httpx.Client, str, str]:
    """Sign the facilitator in; return the client, session id and grid version."""
    client = httpx.Client(base_url=base, headers={"Accept-Language": "en"}, timeout=60)
    token = CSRF.search(client.get("/login").text)[1]
    client.post(
        "/login", data={"username": "guru", "password": PASSWORD, "csrf_token": token}
    )
    page = client.get("/sessions/").text
    public_id = re.search(r'href="/sessions/([A-Za-z0-9_-]{16})"', page)[1]
    show = client.get(f"/sessions/{public_id}").text
    version = re.search(r'hx-vals=\'\{"v": "([^"]+)"\}\'', show)[1]
    return client, public_id, version


@contextmanager
def set_up_class(base: str, code: str) -> Iterator[httpx.Client]:
    """Let a class of 60 join and work; yield the first learner's client."""
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        learners = list(pool.map(lambda n: join(base, code, n), range(CLASS_SIZE)))
    for learner in learners[1:]:
        learner.close()
    # The measured learner has opened the module before (the steady state: no write).
    learners[0].get(MODULE, headers={"Sec-Fetch-Site": "same-origin"})
    try:
        yield learners[0]
    finally:
        learners[0].close()


def scenarios(base: str, learner: httpx.Client) -> list[Scenario]:
    """Return the measured requests, with the cookies they need."""
    learner.base_url = httpx.URL(base)
    facilitator, public_id, version = sign_in_facilitator(base)
    facilitator.close()
    gzip = {"Accept-Encoding": "gzip", "Accept-Language": "en"}
    as_learner = {**gzip, "Cookie": cookie_header(learner)}
    as_facilitator = {
        **gzip,
        "Cookie": cookie_header(facilitator),
        "HX-Request": "true",
    }
    hidden, options = quiz_form(learner.get(MODULE).text)
    form = {**hidden, "submission_id": "SUBMISSION"}
    form.update({q: choices[0] for q, choices in options.items()})
    grid = f"/sessions/{public_id}/grid"
    return [
        Scenario("anonymous", "module page, anonymous", MODULE, gzip),
        Scenario(
            "learner",
            "module page, signed-in learner",
            MODULE,
            {**as_learner, "Sec-Fetch-Site": "same-origin"},
        ),  # fmt: skip
        Scenario(
            "grid", f"live grid of {CLASS_SIZE} (htmx fragment)", grid, as_facilitator
        ),  # fmt: skip
        Scenario(
            "unchanged",
            "live grid, unchanged (204)",
            f"{grid}?v={version}",
            as_facilitator,
            status=204,
        ),  # fmt: skip
        Scenario(
            "quiz",
            "quiz submission (POST, stored)",
            MODULE + "/quiz",
            {
                **as_learner,
                "HX-Request": "true",
                "Sec-Fetch-Site": "same-origin",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=urlencode(form),
        ),  # fmt: skip
    ]


def save_floor_pages(base: str, cases: list[Scenario], folder: Path) -> None:
    """Fetch each answer once from Jaring and save it as a template for the floor."""
    with httpx.Client(base_url=base, timeout=60) as client:
        for case in cases:
            headers = {k: v for k, v in case.headers.items() if k != "Accept-Encoding"}
            if case.body is None:
                answer = client.get(case.path, headers=headers)
            else:
                body = case.body.replace("SUBMISSION", secrets.token_urlsafe(18))
                answer = client.post(case.path, headers=headers, content=body)
            assert answer.status_code == case.status, (case.name, answer.status_code)
            page = "{% raw %}" + answer.text + "{% endraw %}"
            (folder / f"{case.name}.html").write_text(page, encoding="utf-8")


def wrk(url: str, case: Scenario, seconds: int, folder: Path) -> Measurement:
    """Run wrk against `url` for `seconds`; return what it measured."""
    headers = [arg for k, v in case.headers.items() for arg in ("-H", f"{k}: {v}")]
    script: list[str] = []
    if case.body is not None:
        body_file = folder / "form.txt"
        body_file.write_text(case.body, encoding="utf-8")
        # A tag per run keeps the submission ids of every run apart.
        script = ["-s", str(HERE / "post_form.lua")]
        script_args = ["--", str(body_file), f"r{secrets.token_hex(4)}"]
    output = subprocess.run(  # noqa: S603 - wrk, fixed arguments
        ["wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s",
         "--timeout", "10s", *headers, *script, url, *(script_args if script else [])],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return parse_wrk(output)


def parse_wrk(output: str) -> Measurement:
    """Read requests/s, request count, failures and bytes per answer from wrk."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    requests = int(re.search(r"(\d+) requests in", output)[1])
    bad = sum(
        int(n)
        for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    )
    size = re.search(r"Transfer/sec:\s+([\d.]+)([KMG]?B)", output)
    scale = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[size[2]]
    kb = float(size[1]) * scale / rps / 1024 if rps else 0.0
    return Measurement(rps, requests, bad, kb, rps, rps)


def stored_attempts(database_url: str) -> int:
    """Return how many quiz attempts the database holds."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM quiz_attempt"))
    finally:
        engine.dispose()


@dataclass
class Target:
    """A running server and the path of each scenario on it."""

    label: str
    base: str
    paths: dict[str, str] = field(default_factory=dict)

    def url(self, case: Scenario) -> str:
        """Return the URL of `case` on this server."""
        return self.base + self.paths.get(case.name, case.path)


def combine(runs: list[Measurement]) -> Measurement:
    """Return the median run's requests/s with the range, and the totals."""
    rates = sorted(run.rps for run in runs)
    return Measurement(
        rps=statistics.median(rates),
        requests=sum(run.requests for run in runs),
        bad=sum(run.bad for run in runs),
        kb_per_response=statistics.mean(run.kb_per_response for run in runs),
        low=rates[0],
        high=rates[-1],
    )


def measure(
    block: Block, targets: list[Target], cases: list[Scenario], seconds: int,
    rounds: int, folder: Path,
) -> int:  # fmt: skip
    """Measure every scenario on every server, the servers taking turns (so a slow
    moment of the machine hits them alike); return the POSTs Jaring answered."""
    answered = 0
    for case in cases:
        block.titles[case.name] = case.title
        runs: dict[str, list[Measurement]] = {t.label: [] for t in targets}
        for target in targets:
            if case.body is None:  # make sure it answers what it should
                status = httpx.get(target.url(case), headers=case.headers).status_code
                assert status == case.status, (target.label, case.name, status)
            warm = wrk(target.url(case), case, WARM_UP_SECONDS, folder)
            answered += warm.requests if case.body and target.label != "floor" else 0
        for _round in range(rounds):
            for target in targets:
                runs[target.label].append(wrk(target.url(case), case, seconds, folder))
        for label, results in runs.items():
            result = block.results.setdefault(case.name, {})[label] = combine(results)
            if case.body and label != "floor":
                answered += result.requests
            print(
                f"  {case.name:10} {label:8} {result.rps:8.1f} req/s "
                f"({result.low:.0f}-{result.high:.0f})  "
                f"{result.kb_per_response:5.1f} KB  bad {result.bad}",
                flush=True,
            )
    return answered


def run_database(kind: str, postgres: str, seconds: int, rounds: int) -> Block:
    """Set up one database, then measure Jaring, the floor and (SQLite) waitress."""
    block = Block(kind)
    with ExitStack() as stack:
        url = stack.enter_context(database(kind, postgres))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = environment(url, JARING_PASSWORD=PASSWORD)
        flask(env, "db", "upgrade")
        flask(env, "users", "create", "--username", "guru", "--role", "facilitator")
        code = flask(env, "sessions", "create", "--title", "SMP 2 Mataram 9B",
                     "--facilitator", "guru").split()[-1]  # fmt: skip
        base = stack.enter_context(server(*gunicorn("app:create_app()", env), env))
        learner = stack.enter_context(set_up_class(base, code))
        save_floor_pages(base, scenarios(base, learner), folder)
        cases = scenarios(base, learner)  # the grid's version after that answer
        floor_env = {**env, "FLOOR_PAGES": str(folder)}
        floor_command = gunicorn("floor_app:create_app()", floor_env,
                                 "--pythonpath", str(HERE))  # fmt: skip
        floor = stack.enter_context(server(*floor_command, floor_env))
        targets = [
            Target("jaring", base),
            Target("floor", floor, {case.name: f"/{case.name}" for case in cases}),
        ]
        if kind == "sqlite":
            port = free_port()
            command = [sys.executable, "-m", "courses.web.cli.classroom", "--host",
                       "127.0.0.1", "--port", str(port), "--threads",
                       str(WAITRESS_THREADS)]  # fmt: skip
            waitress = stack.enter_context(server(command, port, env))
            targets.append(Target("waitress", waitress))
        before = stored_attempts(url)
        answered = measure(block, targets, cases, seconds, rounds, folder)
        stored = stored_attempts(url) - before
        block.notes.append(
            f"quiz: {stored} attempts stored for {answered} submissions answered "
            "(warm-ups included; wrk does not count those still in flight at its end)"
        )
    return block


def reachable(postgres: str) -> bool:
    """Return True if the PostgreSQL server answers."""
    from sqlalchemy.exc import OperationalError

    engine = create_engine(postgres, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def machine() -> str:
    """Describe the machine: CPU, cores, memory, operating system."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found[1].strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text())[1])
        memory = f", {kb / 1024**2:.0f} GB RAM"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.platform(terse=True)}"


def versions(postgres: str, kinds: list[str]) -> str:
    """Name the versions of what was measured."""
    from importlib.metadata import version

    wrk_version = subprocess.run(  # noqa: S603, S607 - wrk from PATH
        ["wrk", "--version"], capture_output=True, text=True, check=False
    ).stdout.split(" [")[0]
    found = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    if "postgresql" in kinds:
        engine = create_engine(postgres)
        with engine.connect() as connection:
            found.append(connection.scalar(text("SHOW server_version")).split()[0])
            found[-1] = f"PostgreSQL {found[-1]}"
        engine.dispose()
    found += [f"gunicorn {version('gunicorn')}", f"waitress {version('waitress')}",
              f"Flask {version('flask')}", wrk_version.strip()]  # fmt: skip
    return ", ".join(found)


def rate(measured: Measurement) -> str:
    """Return requests/s with the range of the runs: "436 (420-450)"."""
    return f"{measured.rps:.0f} ({measured.low:.0f}-{measured.high:.0f})"


def report(blocks: list[Block], seconds: int, rounds: int, postgres: str) -> str:
    """Return the Markdown section for RESULTS.md."""
    kinds = [b.database for b in blocks]
    lines = [
        f"## Throughput against the framework's floor (`benchmarks/throughput.py`), "
        f"{date.today().isoformat()}",
        "",
        f"Machine: {machine()}. {versions(postgres, kinds)}.",
        "",
        f"Load: wrk, {WRK_THREADS} threads, {CONNECTIONS} connections, "
        f"`Accept-Encoding: gzip`; per request and server a {WARM_UP_SECONDS} s "
        f"warm-up, then {rounds} runs of {seconds} s, the servers taking turns; the "
        "median run counts (the range in brackets). wrk runs on the same machine as "
        "the servers and shares its cores. Servers: gunicorn "
        f"{WORKERS} workers x {THREADS} threads (gthread) for Jaring and for the floor "
        "(bare Flask + Jinja + Flask-Compress serving the bytes Jaring answered, "
        f"fetched once); the classroom command (waitress, {WAITRESS_THREADS} threads, "
        "one process) on SQLite. Module page: the English "
        f"`{MODULE}`; the class: {CLASS_SIZE} learners who joined, opened modules and "
        "answered quizzes. Anonymous: no cookie, as on a first visit (Jaring starts a "
        "session for the quiz form's CSRF token); learner: the cookie of a learner "
        "who opened the module before; grid: the facilitator's cookie and "
        "`HX-Request`, without (full grid) and with the current version (204); "
        "quiz: the htmx POST with a fresh submission id each time "
        "(`benchmarks/post_form.lua`), so every answer is graded and stored. "
        "KB: compressed bytes per answer, headers included.",
        "",
        "| request | database | Jaring req/s | floor req/s | ratio | target | "
        "classroom (waitress) req/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for block in blocks:
        for name, by_server in block.results.items():
            jaring, floor = by_server["jaring"], by_server["floor"]
            ratio = jaring.rps / floor.rps
            target = TARGETS.get(name)
            verdict = (
                f">= {target}: {'met' if ratio >= target else 'NOT met'}"
                if target
                else "-"
            )
            classroom = by_server.get("waitress")
            lines.append(
                f"| {block.titles[name]} ({jaring.kb_per_response:.1f} KB) | "
                f"{block.database} | {rate(jaring)} | {rate(floor)} | "
                f"{ratio:.2f} | {verdict} | {rate(classroom) if classroom else '-'} |"
            )
    failures = [
        f"{b.database} {name} {label}: {m.bad} of {m.requests}"
        for b in blocks
        for name, by_server in b.results.items()
        for label, m in by_server.items()
        if m.bad
    ]
    lines += ["", "Failed answers: " + ("; ".join(failures) if failures else "none.")]
    lines += [f"{b.database} {note}." for b in blocks for note in b.notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and append the results to RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", POSTGRES)
    )
    parser.add_argument("--no-write", action="store_true")
    arguments = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: make wrk (Debian's wrk package)")
    kinds = arguments.databases.split(",")
    if "postgresql" in kinds and not reachable(arguments.postgres):
        parser.error(
            f"PostgreSQL is not reachable at {arguments.postgres}: start it, give "
            "--postgres URL, or measure SQLite alone with --databases sqlite"
        )
    blocks = []
    for kind in kinds:
        print(f"{kind}:", flush=True)
        blocks.append(
            run_database(kind, arguments.postgres, arguments.seconds, arguments.rounds)
        )
    section = report(blocks, arguments.seconds, arguments.rounds, arguments.postgres)
    print("\n" + section)
    if not arguments.no_write:
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write("\n" + section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
