"""The shipped curriculum passes the content check and renders in all its languages."""

from datetime import date
from html import escape
from pathlib import Path

from courses.content.loader import load_catalog
from courses.platform.config import LANGUAGES

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_shipped_content_has_no_problems():
    catalog = load_catalog(CONTENT, list(LANGUAGES), today=date.today())
    assert [str(p) for p in catalog.problems] == []
    assert len(catalog.courses) >= 3
    for course in catalog.courses:
        for module in course.modules:
            assert {"en", "id"} <= set(module.versions), module.slug


def test_every_shipped_module_page_renders_in_id_and_en(app):
    client = app.test_client()
    app.config["CONTENT_DIR"] = CONTENT
    from courses.platform.content_store import init_app

    init_app(app)
    catalog = app.extensions["catalog"]
    for course in catalog.courses:
        for module in course.modules:
            for language in module.versions:
                url = f"/courses/{course.slug}/{module.slug}"
                response = client.get(url, headers={"Accept-Language": language})
                html = response.get_data(as_text=True)
                assert response.status_code == 200, url
                title = escape(module.versions[language].title, quote=False)
                assert f"<h1>{title}</h1>" in html, url
                # Each module ends with its sources, after the quiz.
                assert "[S" in html[html.index('id="quiz"') :], url
