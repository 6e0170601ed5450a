"""Run content parsing in a child process with a time and a memory limit.

Python-Markdown has inputs on which it takes minutes (it is quadratic on a long run of
"["), and a file can be written to exploit any such path, in the editor's preview or
in a file on disk. Parsing therefore runs in a separate process: when a call takes
longer than its time limit the process is killed and `TooComplex` is raised; when it
needs more memory than its limit, the allocation fails in the child alone.

The child comes from a "forkserver" (a clean, single-threaded process), which is safe
to use from a threaded web server and starts a child in a few milliseconds. Windows
has no forkserver and no memory limits: there the child is spawned, with the time
limit only.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # Windows (the classroom server on a facilitator's laptop)
    resource = None  # type: ignore[assignment]

Result = TypeVar("Result")
MEGABYTE = 1024 * 1024
START_SECONDS = 30.0
# Imported once in the forkserver, so each child starts with them loaded.
PRELOAD = ["courses.content.module_file"]
START_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)


class TooComplex(Exception):
    """A call that went over its time or memory limit."""


def _serve(connection: Connection, memory_bytes: int) -> None:
    """Child loop: run each (function, args) received and send back its outcome."""
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    connection.send(("ready", None))
    while True:
        try:
            function, args = connection.recv()
        except EOFError:  # the parent closed the pipe or died
            return
        try:
            connection.send(("ok", function(*args)))
        except MemoryError:
            connection.send(("too-large", None))
        except Exception as error:  # noqa: BLE001 - a bug: reported in the parent
            connection.send(("error", f"{type(error).__name__}: {error}"))


class BoundedRunner:
    """Runs functions in a child process, one call at a time, within limits.

    Functions and their arguments must be picklable (module-level functions).
    """

    def __init__(self, seconds: float, memory_mb: int = 512) -> None:
        self.seconds = seconds
        self.memory_bytes = memory_mb * MEGABYTE
        self._lock = threading.Lock()
        self._child: tuple[BaseProcess, Connection] | None = None

    def call(self, function: Callable[..., Result], *args: Any) -> Result:
        """Return function(*args), computed in the child; TooComplex past a limit."""
        with self._lock:
            connection = self._send(function, args)
            if not connection.poll(self.seconds):
                self._stop()
                raise TooComplex(f"took longer than {self.seconds:g} s")
            try:
                status, value = connection.recv()
            except (EOFError, OSError):  # the child died (e.g. out of memory)
                self._stop()
                raise TooComplex("the worker stopped") from None
        if status == "too-large":
            raise TooComplex("needed too much memory")
        if status == "error":
            raise RuntimeError(f"{function.__name__} failed in the worker: {value}")
        return value

    def _send(self, function: Callable[..., Any], args: tuple[Any, ...]) -> Connection:
        """Send a call to the child, starting a new one if there is none or it died."""
        for _attempt in range(2):
            _process, connection = self._child or self._start()
            try:
                connection.send((function, args))
                return connection
            except OSError:  # BrokenPipeError: the child was killed from outside
                self._stop()
        raise TooComplex("the worker could not be started")

    def _start(self) -> tuple[BaseProcess, Connection]:
        context = multiprocessing.get_context(START_METHOD)
        if START_METHOD == "forkserver":
            context.set_forkserver_preload(PRELOAD)
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_serve, args=(child_end, self.memory_bytes), daemon=True
        )
        process.start()
        child_end.close()
        self._child = (process, parent_end)
        # Starting may take a while on a busy machine; it does not count as the call's.
        if not parent_end.poll(START_SECONDS) or parent_end.recv()[0] != "ready":
            self._stop()
            raise TooComplex("the worker did not start")
        return self._child

    def _stop(self) -> None:
        if self._child is None:
            return
        process, connection = self._child
        self._child = None
        process.kill()
        process.join(timeout=5)
        connection.close()

    def close(self) -> None:
        """Stop the child process (a later call starts a new one)."""
        with self._lock:
            self._stop()

    def __enter__(self) -> BoundedRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
