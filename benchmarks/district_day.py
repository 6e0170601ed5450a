"""A day of a district, played: a class of 60 and a district of 600 against gunicorn.

Usage: .venv/bin/python benchmarks/district_day.py [--databases sqlite,postgresql]
[--sizes class,district] [--postgres URL] [--no-write]   (or: make bench-district)

For each database and size: migrate a fresh database, create an organisation, one
facilitator and one school session per class through the app's own services, start
gunicorn as the README advises for production (4 workers x 4 threads, gthread,
Redis for rate-limit counters, TRUSTED_PROXIES=1 with each school's address in
X-Forwarded-For, as behind nginx), and let Locust (benchmarks/district_locustfile.py,
headless, bounded in users, spawn rate and time) play the day. Afterwards read the
database and check: every quiz answer the load script saw confirmed is stored exactly
once (by the submission ids it sent), nothing else is stored, progress counts add up,
no request failed, and every gunicorn worker's resident memory is under 120 MiB.
Writes p50/p95 per step to benchmarks/RESULTS.md and exits non-zero if a check fails.

Needs the `bench` extra (Locust: make bench-district), Redis on 127.0.0.1:6379 and,
for PostgreSQL, a server at --postgres (a fresh schema is made and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import create_engine, func, select

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from throughput import POSTGRES, database, free_port, machine, reachable  # noqa: E402

from courses.content.catalog import Catalog  # noqa: E402
from courses.people.models import ModuleProgress, QuizAttempt, Role, User  # noqa: E402

RESULTS = HERE / "RESULTS.md"
LOCUSTFILE = HERE / "district_locustfile.py"
HEADING = "## A day of a district, played (`benchmarks/district_day.py`)"
NOTES = "### Reading these numbers"  # written by hand; kept when the table is redone
REDIS = "redis://127.0.0.1:6379"
WORKERS, THREADS = 4, 4
CLASS_SIZE = 60
MEMORY_LIMIT_MIB = 120
PASSWORD = "district day password, long enough"
COURSE = "spotting-recruitment-scams"
LANGUAGE = "id"  # the sessions' and the learners' language
KNOWS = 0.7  # the chance a learner answers a question right on a first try
MODULES_BEFORE, MODULES_AFTER = 2, 1  # modules studied before and after resuming
THINK = (3.0, 9.0)  # seconds between a learner's steps (reading, typing)
POLL_SECONDS = 5.0  # the session page's refresh (`every 5s`)
STEPS = {
    "join_form": "open the join page",
    "join": "join (code and name; personal code shown)",
    "course": "open the course",
    "module": "read a module",
    "quiz": "submit a quiz (plain form POST, stored)",
    "resend": "the same quiz form sent again (same result)",
    "try_again": "try again (blank quiz, htmx)",
    "resume_form": "another device: open /resume",
    "resume": "another device: sign in with the personal code",
    "progress": "another device: progress page",
    "staff_login_form": "facilitator: open /login",
    "staff_login": "facilitator: sign in (password)",
    "session_page": "facilitator: session page with the grid",
    "grid_changed": "facilitator: grid poll, changed (200)",
    "grid_unchanged": "facilitator: grid poll, unchanged (204)",
}


@dataclass(frozen=True)
class Size:
    """How many classes, how fast they arrive, and how long the run may take."""

    name: str
    title: str
    classes: int
    spawn_rate: float
    max_seconds: int

    @property
    def learners(self) -> int:
        """Return the number of learners."""
        return self.classes * CLASS_SIZE


SIZES = {
    "class": Size("class", "class of 60", 1, 2.0, 300),
    "district": Size("district", "district of 600", 10, 10.0, 480),
}


@dataclass
class Run:
    """What one run measured and what the database held afterwards."""

    database: str
    size: Size
    seconds: float = 0.0
    times: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    memory: list[tuple[int, int]] = field(default_factory=list)  # (RSS, peak) KiB
    memory_before: list[int] = field(default_factory=list)  # RSS KiB, before the load
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the load
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load, start/end
    problems: list[str] = field(default_factory=list)


def environment(database_url: str) -> dict[str, str]:
    """Return the server's environment: the production settings behind a proxy."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "district-day-benchmark",
        "CODE_KEY": "district-day-benchmark-code-key",
        "RATELIMIT_STORAGE_URI": REDIS,
        "TRUSTED_PROXIES": "1",
    }


def answer_key(catalog: Catalog) -> dict[str, dict[str, list[str]]]:
    """Return each module page's right answers (what a learner who read it knows)."""
    course = catalog.course(COURSE)
    key: dict[str, dict[str, list[str]]] = {}
    for module in course.modules:
        quiz = module.version(LANGUAGE).quiz
        if quiz is not None:
            key[f"/courses/{COURSE}/{module.slug}"] = {
                q.field: [o.key for o in q.options if o.correct] for q in quiz.questions
            }
    return key


def set_up(
    database_url: str, size: Size
) -> tuple[list[dict[str, str]], dict[str, dict[str, list[str]]]]:
    """Migrate, then create the organisation, facilitators and one session a class;
    return the classes and the course's answer key."""
    from app import create_app
    from courses.people import accounts, facilitation
    from courses.platform import migrations
    from courses.platform.content_store import get_catalog
    from courses.platform.db import get_session

    migrations.upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "set-up"})
    classes = []
    with app.app_context():
        db = get_session()
        org = accounts.get_or_create_organisation(db, "Dinas Pendidikan Lombok Timur")
        items = facilitation.chosen_items(get_catalog(), [COURSE])
        for number in range(1, size.classes + 1):
            username = f"guru{number:02d}"
            guru = accounts.create_staff(db, org, username, PASSWORD, Role.FACILITATOR)
            details, _errors = facilitation.SessionDetails.from_form(
                {"kind": "school", "title": f"SMP {number} Selong, kelas 9A",
                 "district": "Lombok Timur", "province": "NTB", "country": "ID",
                 "language": LANGUAGE}, app.config["LANGUAGES"],
            )  # fmt: skip
            made = facilitation.create_session(db, guru, details, items)
            classes.append(
                {"code": made.join_code, "public_id": made.public_id,
                 "facilitator": username, "address": f"198.51.100.{number}"}
            )  # fmt: skip
        key = answer_key(get_catalog())
    return classes, key


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """Run gunicorn with the production settings; yield its URL and master pid."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
               "--threads", str(THREADS), "--worker-class", "gthread",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "app:create_app()"]  # fmt: skip
    with tempfile.TemporaryFile() as log:  # a file: a full pipe would stop a server
        process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, process, log)
            yield base, process.pid
        finally:
            process.terminate()
            process.wait(timeout=60)


def wait_until_up(base: str, process: subprocess.Popen[bytes], log: object) -> None:
    """Return once every worker can answer; raise if gunicorn exits."""
    for _ in range(900):
        if process.poll() is not None:
            log.seek(0)  # type: ignore[attr-defined]
            raise RuntimeError(f"gunicorn exited: {log.read()!r}")  # type: ignore[attr-defined]
        try:
            with urllib.request.urlopen(base + "/", timeout=10):  # noqa: S310 - loopback
                pass
            if len(workers_of(process.pid)) == WORKERS:
                return
        except OSError:  # refused, reset or timed out while workers start
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def workers_of(master: int) -> list[int]:
    """Return the process ids of the gunicorn master's workers."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def cpu_seconds_of(pid: int) -> float:
    """Return the CPU time a process has used, user and system, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """Return the CPU time of this process's finished children (Locust), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_cpu() -> float:
    """Return the CPU time every process on the machine has used, in seconds."""
    ticks = [
        int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    ]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float:
    """Return the CPU time of the PostgreSQL server's processes (all its clients)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" (", 1)[1].startswith("postgres)"):
                total += cpu_seconds_of(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return total


def cpu_now(master: int) -> dict[str, float]:
    """Return the CPU time used so far by the machine, gunicorn's workers,
    PostgreSQL and this process's finished children (Locust), in seconds."""
    return {
        "machine": machine_cpu(),
        "workers": sum(cpu_seconds_of(pid) for pid in workers_of(master)),
        "postgres": postgres_cpu(),
        "locust": children_cpu(),
    }


def memory_of(pid: int) -> tuple[int, int]:
    """Return a process's resident memory now and at its peak, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def locust(base: str, size: Size, folder: Path, plan: dict) -> dict:
    """Play the day with Locust, headless and bounded; return what it recorded."""
    plan = {
        **plan, "learners": size.learners, "password": PASSWORD,
        "course": COURSE, "modules_before": MODULES_BEFORE,
        "modules_after": MODULES_AFTER, "think": THINK,
        "poll_seconds": POLL_SECONDS, "record": str(folder / "record.json"),
    }  # fmt: skip
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    users = size.learners + size.classes
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
               "--host", base, "--users", str(users), "--spawn-rate",
               str(size.spawn_rate), "--run-time", f"{size.max_seconds}s",
               "--only-summary", "--loglevel", "WARNING"]  # fmt: skip
    env = {**os.environ, "DISTRICT_PLAN": str(folder / "plan.json")}
    with (folder / "locust.log").open("w") as log:
        subprocess.run(  # noqa: S603 - Locust, fixed arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            timeout=size.max_seconds + 120, check=False,
        )  # fmt: skip
    record = folder / "record.json"
    if not record.exists():
        tail = (folder / "locust.log").read_text()[-2000:]
        raise RuntimeError(f"Locust recorded nothing:\n{tail}")
    return json.loads(record.read_text(encoding="utf-8"))


def stored(database_url: str) -> tuple[dict[str, int], int, int]:
    """Return attempts per submission id, learners, and progress's attempt count."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            keys = dict(
                connection.execute(
                    select(QuizAttempt.idempotency_key, func.count()).group_by(
                        QuizAttempt.idempotency_key
                    )
                ).all()
            )
            learners = connection.scalar(
                select(func.count()).where(User.role == Role.LEARNER.value)
            )
            counted = connection.scalar(select(func.sum(ModuleProgress.attempt_count)))
    finally:
        engine.dispose()
    return keys, learners or 0, counted or 0


def check_counts(run: Run, record: dict, database_url: str) -> None:
    """Compare what the load script saw confirmed with what the database holds."""
    keys, learners, counted = stored(database_url)
    answered = record["answered"]
    sent = set(answered)
    run.counts = {
        "learners": run.size.learners,
        "finished": record["finished"],
        "joined": learners,
        "requests": sum(len(times) for times in record["times"].values()),
        "failed": len(record["failures"]),
        "answered": len(answered),
        "stored": sum(keys.values()),
        "lost": len(sent - keys.keys()),
        "doubled": sum(count - 1 for count in keys.values() if count > 1),
        "unexpected": len(keys.keys() - sent),
        "resent": record["resent"],
        "progress_attempts": counted,
    }
    problems = {
        "failed": "requests failed",
        "lost": "confirmed answers are not stored",
        "doubled": "answers are stored more than once",
        "unexpected": "stored answers were never confirmed to the script",
    }
    run.problems += [f"{run.counts[k]} {text}" for k, text in problems.items()
                     if run.counts[k]]  # fmt: skip
    if len(sent) != len(answered):
        run.problems.append("the script sent a submission id twice as new")
    if record["finished"] != run.size.learners:
        run.problems.append(
            f"{record['finished']} of {run.size.learners} learners finished the day"
        )
    started = (record["learners"], record["facilitators"])
    if started != (run.size.learners, run.size.classes):
        run.problems.append(
            "Locust started {} learners and {} facilitators".format(*started)
        )
    if learners != run.size.learners:
        run.problems.append(f"{learners} learners in the database")
    if counted != run.counts["stored"]:
        run.problems.append(f"progress counts {counted} attempts, not the stored")


def check_memory(run: Run, master: int) -> None:
    """Read each worker's resident memory after the run; flag any over the limit."""
    run.memory = [memory_of(pid) for pid in workers_of(master)]
    over = [rss for rss, _peak in run.memory if rss > MEMORY_LIMIT_MIB * 1024]
    if over:
        largest = max(over) / 1024
        run.problems.append(f"a worker holds {largest:.0f} MiB after the run")


def play(kind: str, size: Size, postgres: str) -> Run:
    """Play one size on one fresh database; return what was measured and checked."""
    run = Run(kind, size)
    with database(kind, postgres) as url, tempfile.TemporaryDirectory() as folder:
        classes, key = set_up(url, size)
        plan = {"classes": classes, "answers": key, "knows": KNOWS}
        with gunicorn(environment(url)) as (base, master):
            started, load = time.monotonic(), os.getloadavg()[0]
            cpu = cpu_now(master)
            run.memory_before = [memory_of(pid)[0] for pid in workers_of(master)]
            record = locust(base, size, Path(folder), plan)
            run.seconds = time.monotonic() - started
            run.cpu = {k: v - cpu[k] for k, v in cpu_now(master).items()}
            run.load = (load, os.getloadavg()[0])
            check_memory(run, master)
        run.times, run.failures = record["times"], record["failures"]
        check_counts(run, record, url)  # the server has stopped: nothing in flight
    return run


def percentiles(times: list[float]) -> tuple[float, float]:
    """Return the 50th and 95th percentiles of `times` (milliseconds)."""
    if len(times) < 2:
        return (times[0], times[0]) if times else (0.0, 0.0)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94]


def step_cell(run: Run, step: str) -> str:
    """Return "p50 / p95 (count)" of one step in one run."""
    times = run.times.get(step, [])
    if not times:
        return "-"
    p50, p95 = percentiles(times)
    return f"{p50:.0f} / {p95:.0f} ({len(times)})"


def mib(kib: int) -> str:
    """Return KiB as MiB with one decimal."""
    return f"{kib / 1024:.1f}"


def check_rows(runs: list[Run]) -> list[str]:
    """Return the table rows of counts and memory, one column per run."""
    rows = {
        "learners who finished the day / asked for": "{finished} / {learners}",
        "learners in the database": "{joined}",
        "requests / failed": "{requests} / {failed}",
        "quiz answers confirmed to the script": "{answered}",
        "attempts stored": "{stored}",
        "lost / doubled / stored but never confirmed": "{lost} / {doubled} / "
        "{unexpected}",
        "forms sent twice (answered with the first result)": "{resent}",
        "attempts counted in progress": "{progress_attempts}",
    }
    table = {
        title: [form.format(**r.counts) for r in runs] for title, form in rows.items()
    }
    table["workers' RSS before the load, MiB"] = [
        ", ".join(mib(rss) for rss in r.memory_before) for r in runs
    ]
    table["workers' RSS after the run, MiB"] = [
        ", ".join(mib(rss) for rss, _peak in r.memory) for r in runs
    ]
    table["workers' peak RSS (VmHWM), MiB"] = [
        ", ".join(mib(peak) for _rss, peak in r.memory) for r in runs
    ]
    table["wall time of the load, s"] = [f"{r.seconds:.0f}" for r in runs]
    table["CPU time during the load, s: gunicorn's workers (ms per request)"] = [
        f"{r.cpu['workers']:.0f} ({1000 * r.cpu['workers'] / r.counts['requests']:.1f})"
        for r in runs
    ]
    table["CPU time, s: PostgreSQL server (all its clients), Locust"] = [
        f"{r.cpu['postgres']:.0f}, {r.cpu['locust']:.0f}" for r in runs
    ]
    table["CPU time, s: the whole machine (of 2 cores x wall time)"] = [
        f"{r.cpu['machine']:.0f} (of {2 * r.seconds:.0f})" for r in runs
    ]
    table["machine's load average (1 min), start / end"] = [
        f"{r.load[0]:.1f} / {r.load[1]:.1f}" for r in runs
    ]
    return [
        f"| {title} | " + " | ".join(cells) + " |" for title, cells in table.items()
    ]


def versions(runs: list[Run], postgres: str) -> str:
    """Name the versions of what was measured."""
    import platform
    import sqlite3

    from sqlalchemy import text

    found = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    if any(r.database == "postgresql" for r in runs):
        engine = create_engine(postgres)
        with engine.connect() as connection:
            server = connection.scalar(text("SHOW server_version")).split()[0]
        engine.dispose()
        found.append(f"PostgreSQL {server}")
    found += [f"gunicorn {version('gunicorn')}", f"Flask {version('flask')}",
              f"Locust {version('locust')}"]  # fmt: skip
    return ", ".join(found)


def report(runs: list[Run], postgres: str) -> str:
    """Return the Markdown section for RESULTS.md."""
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    header = " | ".join(f"{names[r.database]}, {r.size.title}" for r in runs)
    problems = [f"{names[r.database]}, {r.size.title}: {p}"
                for r in runs for p in r.problems]  # fmt: skip
    lines = [
        f"{HEADING}, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. {versions(runs, postgres)}.",
        "",
        f"Server: gunicorn {WORKERS} workers x {THREADS} threads (gthread), Redis "
        "for rate-limit counters, `TRUSTED_PROXIES=1`; each school's pupils and "
        "facilitator come from one address (`X-Forwarded-For`, as one school router "
        "behind nginx). A fresh database per run, migrated; one facilitator and one "
        f"school session of the course `{COURSE}` per class, made with the app's "
        "services. Load: Locust (`benchmarks/district_locustfile.py`, headless) on "
        "the same 2 cores as the server, the facilitators first, then "
        f"{SIZES['class'].spawn_rate:g} learners a second for the class and "
        f"{SIZES['district'].spawn_rate:g} for the district (the classes in turn), "
        f"{THINK[0]:g}-{THINK[1]:g} s between a learner's steps. A learner opens the "
        "join page, joins with the class code and a name (unique in the class), "
        f"opens the course, reads {MODULES_BEFORE} modules and answers their quizzes "
        f"(on a first try each question right with a chance of {KNOWS:g}, else "
        "guessed, so some right and some wrong; after a failed try, "
        '"try again" with the right answers read from the result); a quarter of '
        "them send each first form twice (a double tap). Then the learner continues "
        "on another device: a fresh cookie jar signs in at `/resume` with the "
        "personal code shown after joining, opens the progress page, and follows "
        f"the course's Continue button to {MODULES_AFTER} more module. Each "
        f"facilitator signs in and polls the grid every {POLL_SECONDS:g} s with "
        "`HX-Request` and the version it has (204 when unchanged). Times: from "
        "sending to the whole answer, in ms, p50 / p95 (requests).",
        "",
        f"| step | {header} |",
        "|---|" + "---|" * len(runs),
    ]
    for step, title in STEPS.items():
        cells = " | ".join(step_cell(r, step) for r in runs)
        lines.append(f"| {title} | {cells} |")
    for r in runs:
        r.times["all"] = [t for times in r.times.values() for t in times]
    lines.append(
        "| **every request** | " + " | ".join(step_cell(r, "all") for r in runs) + " |"
    )
    lines += ["", f"| check | {header} |", "|---|" + "---|" * len(runs)]
    lines += check_rows(runs)
    verdict = (
        "Every check held: no failed request, every confirmed answer stored exactly "
        "once and nothing else, progress counts equal to the attempts, every "
        f"worker under {MEMORY_LIMIT_MIB} MiB after the run."
    )
    if problems:
        verdict = "**Checks that failed**: " + "; ".join(problems) + "."
    failures = sorted({f for r in runs for f in r.failures})[:10]
    lines += ["", verdict]
    if failures:
        lines += ["", "First failures: " + "; ".join(f"`{f}`" for f in failures) + "."]
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    """Replace this benchmark's section in RESULTS.md, or add it at the end; keep
    the notes written under it by hand."""
    text = RESULTS.read_text(encoding="utf-8")
    start = text.find(HEADING)
    if start < 0:
        RESULTS.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    end = text.find("\n## ", start + len(HEADING))
    old = text[start : end if end >= 0 else len(text)]
    if NOTES in old:
        section += "\n" + old[old.index(NOTES) :].rstrip("\n") + "\n"
    rest = text[end + 1 :] if end >= 0 else ""
    RESULTS.write_text(text[:start] + section + ("\n" + rest if rest else ""),
                       encoding="utf-8")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Play every size on every database; write the results; 1 if a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="class,district")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", POSTGRES)
    )
    parser.add_argument("--no-write", action="store_true")
    arguments = parser.parse_args(argv)
    kinds = arguments.databases.split(",")
    if "postgresql" in kinds and not reachable(arguments.postgres):
        parser.error(f"PostgreSQL is not reachable at {arguments.postgres}")
    runs = []
    for kind in kinds:
        for name in arguments.sizes.split(","):
            print(f"{kind}, {SIZES[name].title}:", flush=True)
            runs.append(play(kind, SIZES[name], arguments.postgres))
            print(
                "  " + ("; ".join(runs[-1].problems) or "all checks held"), flush=True
            )
    section = report(runs, arguments.postgres)
    print("\n" + section)
    if not arguments.no_write:
        write_section(section)
    return 1 if any(r.problems for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
