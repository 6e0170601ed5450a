"""Run the app under gunicorn on a free loopback port (server and browser tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from courses.platform import migrations

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(
    database_url: str, content_dir: Path, workers: int = 3, **env: str
) -> Iterator[str]:
    """Migrate the database, start gunicorn, yield its base URL, stop it after."""
    migrations.upgrade(database_url)
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-server-test",
        "CONTENT_DIR": str(content_dir),
        **env,
    }
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--threads", "4", "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()",
        ],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            if httpx.get(base + "/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")
