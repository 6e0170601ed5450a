"""Bind the content Catalog to the app: load once, reload in debug when files change."""

import os
from datetime import date
from pathlib import Path

from flask import Flask, current_app

from courses.content.catalog import Catalog
from courses.content.loader import load_catalog


def init_app(app: Flask) -> None:
    """Load the catalog from CONTENT_DIR once and log every problem found."""
    app.extensions["catalog"] = _load(app)
    app.extensions["catalog_signature"] = _signature(Path(app.config["CONTENT_DIR"]))

    @app.context_processor
    def inject_contacts() -> dict[str, object]:
        return {"catalog_contacts": get_catalog().contacts}


def _load(app: Flask) -> Catalog:
    catalog = load_catalog(
        Path(app.config["CONTENT_DIR"]),
        app.config["LANGUAGES"],
        today=date.today(),
        contact_max_age_days=app.config["CONTACT_MAX_AGE_DAYS"],
    )
    for problem in catalog.problems:
        level = app.logger.warning if problem.fatal else app.logger.info
        level("content: %s", problem)
    return catalog


def get_catalog() -> Catalog:
    """Return the catalog; with CONTENT_RELOAD or debug, re-read it after a change."""
    app = current_app
    if app.debug or app.config["CONTENT_RELOAD"]:
        signature = _signature(Path(app.config["CONTENT_DIR"]))
        if signature != app.extensions["catalog_signature"]:
            app.extensions["catalog"] = _load(app)
            app.extensions["catalog_signature"] = signature
    catalog: Catalog = app.extensions["catalog"]
    return catalog


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Return the names, sizes and modification times of every content file."""
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            found.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))
