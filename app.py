"""WSGI entry point: build the Jaring application (`flask --app app ...`)."""

from pathlib import Path
from typing import Any

from flask import Flask

from courses.platform import (
    assets,
    content_store,
    db,
    http_security,
    locale,
)
from courses.platform.config import default_config
from courses.platform.extensions import (
    babel,
    compress,
    csrf,
    htmx,
    limiter,
    login_manager,
)
from courses.web import (
    attendance,
    auth,
    cli,
    contact_groups,
    converters,
    course_pages,
    editor,
    editor_messages,
    errors,
    fragments,
    joining,
    learner,
    lessons,
    pages,
    presentation,
    reports,
    session_learners,
    session_tools,
    sessions,
    staff,
    sync,
    sync_push,
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the application."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.update(default_config(Path(app.instance_path)))
    if config:
        app.config.update(config)

    db.init_app(app)
    converters.init_app(app)
    content_store.init_app(app)
    babel.init_app(app, locale_selector=locale.select_locale)
    locale.init_app(app)
    sync.init_app(app)  # before CSRF: bundle files may be larger than other forms
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    http_security.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    contact_groups.init_app(app)
    editor_messages.init_app(app)
    fragments.init_app(app)
    cli.init_app(app)

    for module in (
        pages, course_pages, lessons, auth, joining, learner, editor,  # learning
        sessions, session_tools, session_learners, attendance, presentation,  # running
        reports, staff, sync, sync_push,  # reporting, the organisation, sync
    ):  # fmt: skip
        app.register_blueprint(module.bp)
    return app
