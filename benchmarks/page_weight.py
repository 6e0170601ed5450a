"""Measure a module page's first visit: every request a browser makes, gzip-compressed.

Usage: .venv/bin/python benchmarks/page_weight.py [course/module ...]
Budget (issue 2): at most 50 KB transferred in at most 5 requests.
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402

BUDGET_BYTES = 50 * 1024
BUDGET_REQUESTS = 5
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def first_visit(client, path: str) -> list[tuple[str, int]]:
    """Return (url, compressed bytes) for the page and each asset it loads."""
    page = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip", "page was not compressed"
    sizes = [(path, len(page.data))]  # bytes as sent (Flask-Compress gzips pages)
    for url in ASSET.findall(gzip.decompress(page.data).decode()):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        sizes.append((url, len(response.data)))  # assets are served gzipped already
    return sizes


def main(paths: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/b.db", "SECRET_KEY": "b"})
        client = app.test_client()
        catalog = app.extensions["catalog"]
        paths = paths or [
            f"/courses/{c.slug}/{m.slug}" for c in catalog.courses for m in c.modules
        ]
        worst = 0
        for path in paths:
            sizes = first_visit(client, path)
            total = sum(size for _, size in sizes)
            worst = max(worst, total)
            flag = (
                "ok"
                if total <= BUDGET_BYTES and len(sizes) <= BUDGET_REQUESTS
                else "OVER"
            )
            print(f"{flag:4} {total / 1024:6.1f} KB {len(sizes)} requests  {path}")
        print(f"largest first visit: {worst / 1024:.1f} KB (budget 50 KB, 5 requests)")
        return 0 if worst <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
