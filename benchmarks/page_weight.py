"""Measure first visits: every request a browser makes, gzip-compressed.

Usage: .venv/bin/python benchmarks/page_weight.py [--staff | --paint] [path ...]
Budget: at most 50 KB transferred in at most 5 requests. With --staff, the
facilitator's pages of a session with 60 learners who answered a quiz. With --paint,
the first paint in Chromium on an EDGE-like link with a 4x slower CPU
(benchmarks/first_paint.py).
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


def staff_pages(app, client) -> list[str]:
    """Sign a facilitator in, make a session of 60 learners; return its pages."""
    import secrets

    from courses.people import accounts, facilitation, roster
    from courses.people.facilitation import SessionDetails
    from courses.people.models import Role
    from courses.platform.db import Base, get_engine, get_session

    with app.app_context():
        Base.metadata.create_all(get_engine())
        db = get_session()
        org = accounts.get_or_create_organisation(db, "NGO")
        guru = accounts.create_staff(
            db, org, "guru", "a long password here", Role.FACILITATOR
        )
        details, _ = SessionDetails.from_form(
            {"kind": "school", "title": "SMP 2 Mataram 9B", "language": "id"}, ["id"]
        )
        catalog = app.extensions["catalog"]
        items = [c.slug for c in catalog.courses]
        class_session = facilitation.create_session(db, guru, details, items)
        key = secrets.token_bytes(16)
        for number in range(60):
            roster.join_new(db, class_session, f"Learner {number}", key)
        public_id = class_session.public_id
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "guru", "password": "a long password here",
                                "csrf_token": token})  # fmt: skip
    first = catalog.courses[0]
    return [
        "/sessions/",
        f"/sessions/{public_id}",
        f"/sessions/{public_id}/report",
        f"/sessions/{public_id}/join-sheet",
        f"/sessions/{public_id}/present/{first.slug}/{first.modules[0].slug}?part=1",
        "/reports",
    ]


def main(paths: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/b.db", "SECRET_KEY": "b"})
        client = app.test_client()
        catalog = app.extensions["catalog"]
        if paths[:1] == ["--staff"]:
            paths = staff_pages(app, client)
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
    if sys.argv[1:2] == ["--paint"]:
        from benchmarks import first_paint

        sys.exit(first_paint.main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
