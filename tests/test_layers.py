"""The package's layers: every import points down, and the content pipeline is pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "courses"
# Lower layers first; a module may import its own layer and those before it.
LAYERS = ("content", "platform", "people", "web")
# The content pipeline runs without an application (content check, preview worker).
NOT_IN_CONTENT = ("flask", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy")


def modules() -> list[Path]:
    """Return every Python file of the package."""
    return sorted(PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str | None:
    """Return the layer a file belongs to (None for the package's __init__)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def imported_names(path: Path) -> list[tuple[int, list[str]]]:
    """Return (line, dotted names) per import statement, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(("courses", *path.relative_to(PACKAGE).parent.parts))
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.append((node.lineno, [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}".rstrip(".")
            # `from courses import web` imports the subpackage `courses.web`
            found.append(
                (node.lineno, [base, *(f"{base}.{a.name}" for a in node.names)])
            )
    return found


def problem(layer: str, name: str) -> str | None:
    """Say why importing `name` breaks the rules of `layer`, or return None."""
    parts = name.split(".")
    if parts[0] == "courses" and len(parts) > 1 and parts[1] in LAYERS:
        if LAYERS.index(parts[1]) > LAYERS.index(layer):
            return f"{layer} imports {name}"
    if layer == "content" and parts[0] in NOT_IN_CONTENT:
        return f"the content pipeline imports {name}"
    return None


def violations(path: Path) -> list[str]:
    """Return every import in `path` that points up a layer or breaks purity."""
    layer = layer_of(path)
    if layer is None:
        return []
    where = path.relative_to(PACKAGE.parent)
    found = []
    for line, names in imported_names(path):
        reasons = [r for name in names if (r := problem(layer, name))]
        if reasons:
            found.append(f"{where}:{line}: {reasons[0]}")
    return found


def test_every_module_lives_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"
    } == set(LAYERS)


def test_each_layer_says_what_it_holds_and_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(
            ast.parse((PACKAGE / layer / "__init__.py").read_text())
        )
        assert doc and "import" in doc, layer


def test_imports_point_down_only():
    assert [v for path in modules() for v in violations(path)] == []


@pytest.mark.parametrize(
    ("layer", "statement", "expected"),
    [
        ("content", "from courses.people.models import User", "content imports"),
        ("platform", "from courses.web import pages", "platform imports"),
        ("people", "import courses.web.access", "people imports"),
        ("people", "from courses import web", "people imports"),
        ("content", "from flask import request", "content pipeline imports flask"),
        ("web", "from courses.people import accounts", None),
    ],
)
def test_the_check_catches_an_upward_import(
    tmp_path, monkeypatch, layer, statement, expected
):
    """Feed the checker a module that breaks the rule (so it can fail)."""
    package = tmp_path / "courses"
    (package / layer).mkdir(parents=True)
    module = package / layer / "bad.py"
    module.write_text(f'"""A module."""\n{statement}\n')
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)
    found = violations(module)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found


def test_every_package_is_installed():
    """pyproject.toml lists every package of courses/ (one not listed is left out)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "courses").rglob("__init__.py")
    }
    assert listed == found
