"""The classroom command (`jaring`): migrates, serves with waitress, shows the address.

Waitress is what runs on a facilitator's Windows laptop; here it runs on Linux, the same
code path apart from how the QR code is drawn and how content is parsed in a child.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import tomllib
from importlib import import_module
from pathlib import Path

import httpx
import pytest

from courses.content import bounded
from courses.web.cli import classroom
from tests.conftest import FIXTURES
from tests.server import ROOT, free_port

MODULE = "/courses/sample-course/first-steps"


def classroom_process(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    """Start the classroom command on `port` with a fresh SQLite database."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # this checkout's code, whatever is installed
        "DATABASE_URL": f"sqlite:///{tmp_path / 'class.sqlite3'}",
        "CONTENT_DIR": str(FIXTURES / "content"),
        "SECRET_KEY": "classroom-test",
        "CODE_KEY": "classroom-test-code-key",
    }
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "courses.web.cli.classroom", "--port", str(port)],
        cwd=tmp_path,  # not the project: the command finds it by itself
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(base: str, process: subprocess.Popen[str]) -> None:
    """Wait until the server at `base` answers (fail if its process ends first)."""
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"the classroom command exited: {process.stderr}")
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the classroom command did not start in time")


@pytest.mark.server
def test_classroom_command_migrates_serves_and_shows_the_address(tmp_path):
    port = free_port()
    process = classroom_process(tmp_path, port)
    try:
        wait_for(f"http://127.0.0.1:{port}", process)
        home = httpx.get(f"http://127.0.0.1:{port}/", headers={"Accept-Language": "en"})
        module = httpx.get(f"http://127.0.0.1:{port}{MODULE}")
        assert home.status_code == 200 and home.headers["server"] == "Jaring"
        assert module.status_code == 200 and 'id="quiz"' in module.text  # migrated
    finally:
        process.terminate()
        output, _errors = process.communicate(timeout=10)
    addresses = classroom.lan_addresses()
    if addresses:
        assert f"http://{addresses[0]}:{port}/" in output
        assert "\033[" in output  # the QR code, drawn in colours
    else:
        assert f"http://127.0.0.1:{port}/" in output


@pytest.mark.server
def test_a_port_in_use_is_a_sentence_not_a_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = classroom_process(tmp_path, port)
        _output, errors = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"Cannot listen on port {port}" in errors and "Traceback" not in errors


def test_the_jaring_script_is_the_classroom_command():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _sep, name = scripts["jaring"].partition(":")
    assert getattr(import_module(module), name) is classroom.main


def test_only_addresses_other_devices_reach_are_offered():
    found = ["127.0.0.1", "169.254.3.4", "8.8.8.8", "192.168.1.5", "192.168.1.5"]
    assert classroom._reachable(found) == ["192.168.1.5", "8.8.8.8"]
    assert all(address != "127.0.0.1" for address in classroom.lan_addresses())


def test_the_qr_code_is_drawn_in_black_and_white_on_any_terminal():
    url = "http://192.168.1.5:8000/"
    size = len(list(classroom.segno.make(url, error="m").matrix_iter(border=2)))
    unicode_out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    classroom.print_qr(url, unicode_out)
    unicode_out.seek(0)
    lines = unicode_out.read().splitlines()
    assert len(lines) == (size + 1) // 2  # two rows per line
    assert "\u2580" in lines[0] and "48;5;15" in lines[0]
    ascii_out = io.StringIO()  # no encoding: plain spaces on coloured backgrounds
    classroom.print_qr(url, ascii_out)
    assert len(ascii_out.getvalue().splitlines()) == size
    assert "\u2580" not in ascii_out.getvalue()


def test_content_is_parsed_in_a_spawned_child_where_there_is_no_forkserver(
    monkeypatch,
):
    monkeypatch.setattr(bounded, "START_METHOD", "spawn")  # as on Windows
    runner = bounded.BoundedRunner(seconds=30)
    try:
        assert runner.call(sum, [1, 2, 3]) == 6
    finally:
        runner.close()
