"""Bind the content Catalog to the app: load once, reload in debug when files change.

The Catalog is immutable, so apps of one process that read the same, unchanged tree
share one copy (tests build hundreds of apps on the fixture tree). Editors' previews
parse in a bounded child process kept per app.
"""

import os
import threading
from datetime import date
from pathlib import Path

from flask import Flask, current_app

from courses.content.bounded import BoundedRunner
from courses.content.catalog import Catalog
from courses.content.loader import load_catalog

Signature = tuple[tuple[str, int, int], ...]
_shared: dict[tuple[object, ...], Catalog] = {}
_shared_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Load the catalog from CONTENT_DIR once and log every problem found."""
    app.extensions["catalog"], app.extensions["catalog_signature"] = _load(app)
    app.extensions["preview_runner"] = BoundedRunner(
        app.config["PREVIEW_SECONDS"], app.config["PREVIEW_MEMORY_MB"]
    )

    @app.context_processor
    def inject_contacts() -> dict[str, object]:
        return {"catalog_contacts": get_catalog().contacts}


def _load(app: Flask) -> tuple[Catalog, Signature]:
    """Return the catalog of CONTENT_DIR as it is now, and the tree's signature."""
    root = Path(app.config["CONTENT_DIR"])
    signature = _signature(root)
    key = (
        str(root.resolve()),
        signature,
        tuple(app.config["LANGUAGES"]),
        date.today(),
        app.config["CONTACT_MAX_AGE_DAYS"],
        app.config["CONTACT_SOURCE_MAX_AGE_DAYS"],
    )
    with _shared_lock:
        catalog = _shared.get(key)
        if catalog is None:
            catalog = load_catalog(
                root,
                app.config["LANGUAGES"],
                today=date.today(),
                contact_max_age_days=app.config["CONTACT_MAX_AGE_DAYS"],
                seconds_per_file=app.config["CONTENT_SECONDS_PER_FILE"],
                source_max_age_days=app.config["CONTACT_SOURCE_MAX_AGE_DAYS"],
            )
            _shared.clear()  # keep only the newest tree
            _shared[key] = catalog
    for problem in catalog.problems:
        level = app.logger.warning if problem.fatal else app.logger.info
        level("content: %s", problem)
    return catalog, signature


def get_catalog() -> Catalog:
    """Return the catalog; with CONTENT_RELOAD or debug, re-read it after a change."""
    app = current_app
    if app.debug or app.config["CONTENT_RELOAD"]:
        signature = _signature(Path(app.config["CONTENT_DIR"]))
        if signature != app.extensions["catalog_signature"]:
            app.extensions["catalog"], app.extensions["catalog_signature"] = _load(app)
    catalog: Catalog = app.extensions["catalog"]
    return catalog


def preview_runner() -> BoundedRunner:
    """Return the app's bounded worker for editors' previews."""
    runner: BoundedRunner = current_app.extensions["preview_runner"]
    return runner


def _signature(root: Path) -> Signature:
    """Return the names, sizes and modification times of every content file."""
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            found.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))
