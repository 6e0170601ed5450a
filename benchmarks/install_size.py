"""Measure the production install: a fresh venv with Jaring and its dependencies only.

Usage: .venv/bin/python benchmarks/install_size.py
Runs `python -m venv` and `pip install <this checkout>` (no dev tools) in a temporary
folder, then prints the venv's size and the largest distributions in it (bytes on
disk as files, compiled bytecode included): once as a laptop installs it (SQLite,
waitress), once with the `server` extra (PostgreSQL driver, Redis, gunicorn).
Budget (issue 13): under 80 MiB.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MIB = 80
MIB = 1024 * 1024
# Run inside the new venv: the size of each installed distribution's files.
SIZES = """
import importlib.metadata as md, json, pathlib
sizes = {}
for dist in md.distributions():
    files = [pathlib.Path(dist.locate_file(f)) for f in dist.files or []]
    sizes[dist.metadata["Name"]] = sum(p.stat().st_size for p in files if p.is_file())
print(json.dumps(sizes))
"""


def tree_size(folder: Path) -> int:
    """Return the bytes of every file under `folder`."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(extra: str) -> tuple[int, int, dict[str, int]]:
    """Install this checkout (with `extra`, e.g. "[server]") into a fresh venv.

    Return the venv's size, the empty venv's size, and each distribution's size.
    """
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        empty = tree_size(venv)
        python = venv / ("Scripts" if sys.platform == "win32" else "bin") / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", f"{ROOT}{extra}"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        total = tree_size(venv)
        sizes = json.loads(
            subprocess.run(
                [str(python), "-c", SIZES], check=True, capture_output=True, text=True
            ).stdout
        )
    return total, empty, sizes


def report(label: str, total: int, empty: int, sizes: dict[str, int]) -> None:
    """Print one install's size and its largest distributions."""
    own = {"pip", "setuptools"}  # what `python -m venv` puts in an empty venv
    print(f"{label}: {total / MIB:.1f} MiB")
    print(f"  of which the empty venv (pip, setuptools): {empty / MIB:.1f} MiB")
    print(f"  Jaring and its dependencies: {(total - empty) / MIB:.1f} MiB")
    print("  largest distributions:")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:12]:
        note = " (the venv's own)" if name.lower() in own else ""
        print(f"    {size / MIB:6.1f} MiB  {name}{note}")


def main() -> int:
    """Measure the laptop install and the server install; 1 if the laptop's is over."""
    laptop = measure("")
    report("laptop install (pip install .)", *laptop)
    server = measure("[server]")
    report("server install (pip install '.[server]')", *server)
    verdict = "within" if laptop[0] <= BUDGET_MIB * MIB else "OVER"
    print(f"laptop install: {verdict} the budget of {BUDGET_MIB} MiB")
    return 0 if laptop[0] <= BUDGET_MIB * MIB else 1


if __name__ == "__main__":
    sys.exit(main())
