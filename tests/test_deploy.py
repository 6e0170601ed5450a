"""Several machines: two app servers behind nginx, sharing PostgreSQL and Redis.

nginx runs from deploy/nginx.conf (rendered by deploy/render_nginx.py --standalone, as
the current user); two gunicorn servers run with TRUSTED_PROXIES=1, the same keys and
Redis for rate limits. The rendered config adds X-Jaring-Backend, which says which
server answered. Needs nginx (make nginx), Redis and TEST_DATABASE_URL: skipped
without them here, an error in CI.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from courses.people.codes import ALPHABET
from tests.conftest import FIXTURES, PG_URL, fresh_pg_schema
from tests.factories import class_session_in
from tests.server import ROOT, free_port, live_server

pytestmark = pytest.mark.server
IN_CI = os.environ.get("CI") == "true"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_URL = "redis://127.0.0.1:6379"
MODULE = "/courses/sample-course/first-steps"
RIGHT = {"q.fee": "b", "q.2": ["a", "b"], "q.3": "b"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSET = re.compile(r'href="(/static/[0-9a-f]+/css/[^"]+)"')


def missing() -> str | None:
    """Say what this machine lacks for the test, or None."""
    if not Path(NGINX).exists():
        return "Debian's nginx is not installed (make nginx)"
    if not PG_URL:
        return "TEST_DATABASE_URL (PostgreSQL) is not set"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return f"Redis is not running at {REDIS_URL}"
    return None


if (reason := missing()) is not None:
    if IN_CI:
        raise RuntimeError(f"CI needs it for the deployment test: {reason}")
    pytest.skip(reason, allow_module_level=True)


@dataclass
class Cluster:
    """nginx's address and the two app servers' addresses behind it."""

    base: str
    backends: tuple[str, str]
    join_code: str


def client(cluster: Cluster, source: str | None = None) -> httpx.Client:
    """Return a browser-like client of nginx, from loopback address `source`."""
    transport = httpx.HTTPTransport(local_address=source) if source else None
    return httpx.Client(
        base_url=cluster.base,
        transport=transport,
        timeout=30,
        headers={"Accept-Language": "en", "Origin": cluster.base},
    )


def random_loopback() -> str:
    """Return a loopback address no earlier run used (rate-limit counts stay in
    Redis for minutes)."""
    return "127." + ".".join(str(secrets.randbelow(250) + 1) for _ in range(3))


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL schema, dropped after."""
    with fresh_pg_schema("deploy") as url:
        yield url


@pytest.fixture(scope="module")
def cluster(
    pg_schema: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """Start two app servers and nginx in front of them."""
    settings = {
        "TRUSTED_PROXIES": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "CODE_KEY": f"deploy-test-{uuid.uuid4().hex}",  # the same on both servers
        "SLOW_AFTER_FAILURES": "5",  # so the client-address test is quick
    }
    with ExitStack() as stack:
        backends = tuple(
            stack.enter_context(
                live_server(pg_schema, FIXTURES / "content", workers=2, **settings)
            ).removeprefix("http://")
            for _ in range(2)
        )
        port = free_port()
        prefix = tmp_path_factory.mktemp("nginx")
        render = [sys.executable, str(ROOT / "deploy" / "render_nginx.py")]
        subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [*render, "--standalone", str(prefix), "--listen", f"127.0.0.1:{port}",
             "--app", backends[0], "--app", backends[1], "--show-backend"],
            check=True, capture_output=True,
        )  # fmt: skip
        stack.enter_context(running_nginx(prefix, port))
        code = class_session_in(pg_schema, "DPMYTS")
        yield Cluster(f"http://127.0.0.1:{port}", backends, code)


@contextmanager
def running_nginx(prefix: Path, port: int) -> Iterator[None]:
    """Run nginx with the configuration in `prefix` until the block ends."""
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
         "-e", str(prefix / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            if process.poll() is not None:
                log = (prefix / "error.log").read_text()
                raise RuntimeError(f"nginx exited: {log}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError("nginx did not start in time")
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def join(http: httpx.Client, code: str, name: str) -> None:
    """Join the class through nginx (the form and the answer may come from either
    server)."""
    token = CSRF.search(http.get("/join").text)[1]
    answer = http.post(
        "/join", data={"join_code": code, "display_name": name, "csrf_token": token}
    )
    assert answer.status_code == 200 and "personal-code" in answer.text, answer.text


def learner_visit(cluster: Cluster, number: int) -> list[tuple[int, str]]:
    """A learner's visit: join, read, answer, look at progress; (status, backend)s."""
    seen = []
    with client(cluster) as http:
        join(http, cluster.join_code, f"Learner {number}")
        for _ in range(3):
            page = http.get(MODULE, headers={"Sec-Fetch-Site": "same-origin"})
            seen.append(page)
        start = page.text.index('id="quiz"')
        quiz = page.text[start : page.text.index("</section>", start)]
        form = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', quiz))
        seen.append(http.post(MODULE + "/quiz", data={**form, **RIGHT}))
        seen.append(http.get("/me/"))
        seen.append(http.get(ASSET.search(page.text)[1]))
        for _ in range(4):
            seen.append(http.get("/"))
    assert "3 of 3" in seen[3].text
    return [(r.status_code, r.headers.get("x-jaring-backend", "nginx")) for r in seen]


def test_a_class_load_is_shared_by_both_servers_without_errors(cluster):
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = [
            item
            for visit in pool.map(lambda n: learner_visit(cluster, n), range(30))
            for item in visit
        ]
    statuses = Counter(status for status, _backend in results)
    answered_by = Counter(backend for _status, backend in results)
    assert statuses == {200: len(results)}, statuses
    share = {b: answered_by[b] / sum(answered_by[x] for x in cluster.backends)
             for b in cluster.backends}  # fmt: skip
    assert all(0.3 < part < 0.7 for part in share.values()), answered_by


def test_static_files_are_kept_by_nginx_for_a_year_gzipped(cluster):
    with client(cluster) as http:
        url = ASSET.search(http.get("/").text)[1]
        first = http.get(url, headers={"Accept-Encoding": "gzip"})
        again = http.get(url, headers={"Accept-Encoding": "gzip"})
        plain = http.get(url, headers={"Accept-Encoding": "identity"})
        unknown = http.get(re.sub(r"/static/[0-9a-f]+/", "/static/000000000000/", url))
    assert again.headers["x-cache-status"] == "HIT"
    for response in (first, again):
        assert response.headers["content-encoding"] == "gzip"
        assert "max-age=31536000" in response.headers["cache-control"]
        assert "set-cookie" not in response.headers
    name = url.split("/", 3)[3]
    assert plain.content == (ROOT / "static" / name).read_bytes()
    assert "content-encoding" not in plain.headers
    assert unknown.status_code == 404


def test_nginx_tells_the_app_who_the_client_is(cluster):
    """Failures from one address are slowed (counted in Redis by both servers);
    another address is not, even when the first one claims to be someone else."""
    busy, quiet = random_loopback(), random_loopback()
    with client(cluster, busy) as http:
        token = CSRF.search(http.get("/resume").text)[1]
        timings = []
        for attempt in range(15):
            code = "".join(secrets.choice(ALPHABET) for _ in range(10))
            started = time.monotonic()
            answer = http.post(
                "/resume",
                data={"personal_code": code, "csrf_token": token},
                headers={"X-Forwarded-For": f"10.9.8.{attempt}"},  # a lie, not believed
            )
            timings.append(time.monotonic() - started)
            assert answer.status_code == 400
    with client(cluster, quiet) as http:
        token = CSRF.search(http.get("/resume").text)[1]
        started = time.monotonic()
        answer = http.post(
            "/resume", data={"personal_code": "AAAAA-AAAAA", "csrf_token": token}
        )
        fresh = time.monotonic() - started
    assert answer.status_code == 400
    assert timings[-1] >= 0.45  # 10 failures over the 5 allowed: 0.5 s
    assert timings[-1] - fresh > 0.3, (fresh, timings)  # the other is not slowed


def test_signing_out_on_one_server_holds_on_the_other(cluster):
    with client(cluster) as http:
        join(http, cluster.join_code, "Sari")
        copied = dict(http.cookies)
        before = [http.get("/me/") for _ in range(4)]
        token = CSRF.search(before[-1].text)[1]
        signed_out = http.post("/logout", data={"csrf_token": token})
    assert [r.status_code for r in before] == [200] * 4
    assert signed_out.status_code == 302
    other = ({*cluster.backends} - {signed_out.headers["x-jaring-backend"]}).pop()
    with httpx.Client(base_url=cluster.base, cookies=copied) as thief:
        after = [thief.get("/me/") for _ in range(4)]
    assert all(
        r.status_code == 302 and "/start" in r.headers["location"] for r in after
    )
    assert other in {r.headers["x-jaring-backend"] for r in after}


def test_wrong_personal_codes_are_limited_across_servers(cluster):
    code = "".join(secrets.choice(ALPHABET) for _ in range(10))
    with client(cluster, random_loopback()) as http:
        token = CSRF.search(http.get("/resume").text)[1]
        answers = [
            http.post("/resume", data={"personal_code": code, "csrf_token": token})
            for _ in range(11)
        ]
    assert [a.status_code for a in answers] == [400] * 10 + [429]
    assert {a.headers["x-jaring-backend"] for a in answers[:10]} == set(
        cluster.backends
    )
