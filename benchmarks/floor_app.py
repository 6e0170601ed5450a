"""The framework's floor: bare Flask, Jinja and Flask-Compress serving saved pages.

`benchmarks/throughput.py` saves what Jaring answered for each measured request into a
folder (one template per page, its text inside {% raw %}) and serves that folder with
this app under the same gunicorn settings, so the difference is what Jaring does
beyond routing, rendering a template and compressing it.
"""

import os
from pathlib import Path

from flask import Flask, Response, render_template, request
from flask_compress import Compress


def create_app(pages: str | None = None) -> Flask:
    """Return the floor app serving the templates in `pages` (or $FLOOR_PAGES)."""
    folder = Path(pages or os.environ["FLOOR_PAGES"])
    app = Flask(__name__, template_folder=str(folder), static_folder=None)
    # The same compression settings as Jaring (courses/platform/config.py).
    app.config["COMPRESS_MIMETYPES"] = ["text/html"]
    app.config["COMPRESS_MIN_SIZE"] = 300
    Compress(app)

    @app.get("/<name>")
    def page(name: str) -> str:
        return render_template(f"{name}.html")

    @app.post("/<name>")
    def form(name: str) -> str:
        request.form.to_dict(flat=False)  # read the form as Jaring does
        return render_template(f"{name}.html")

    @app.get("/unchanged")
    def unchanged() -> Response:
        return Response(status=204)

    return app
