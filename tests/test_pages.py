"""Every page renders in each language: right lang/dir, headers, no third parties."""

import re

import pytest

from tests.conftest import csrf_from

PAGES = [
    "/",
    "/courses/",
    "/courses/sample-course/",
    "/courses/sample-course/first-steps",
    "/courses/sample-course/extra-reading",
    "/help",
    "/safety",
    "/privacy",
    "/start",
    "/join",
    "/resume",
    "/login",
]
EXTERNAL = re.compile(r'(?:src|href|action)="(?:https?:)?//([^"/]+)')


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["id", "en", "tl", "vi", "ar"])
def test_page_renders_with_lang_and_dir(client, url, language):
    response = client.get(url, headers={"Accept-Language": language})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    )
    assert "Quick exit" in html or "Keluar cepat" in html or "data-quick-exit" in html
    assert 'href="/help"' in html


@pytest.mark.parametrize("url", PAGES)
def test_page_requests_nothing_from_another_host(client, url):
    html = client.get(url).get_data(as_text=True)
    hosts = set(EXTERNAL.findall(html))
    # The only links off-site are the quick exit target and help contacts' own
    # channels; nothing is *loaded* from another host (no src= at all).
    assert not re.search(r'src="(?:https?:)?//', html)
    assert hosts <= {"www.bbc.com", "wa.me", "example.org"}


def test_indonesian_and_english_versions_of_a_module(client):
    indonesian = client.get(
        "/courses/sample-course/first-steps", headers={"Accept-Language": "id"}
    ).get_data(as_text=True)
    english = client.get(
        "/courses/sample-course/first-steps", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "<h1>Langkah pertama</h1>" in indonesian
    assert "<h1>First steps</h1>" in english


def test_missing_translation_falls_back_with_a_note_in_the_readers_language(client):
    html = client.get(
        "/courses/sample-course/extra-reading", headers={"Accept-Language": "id"}
    ).get_data(as_text=True)
    assert "<h1>Extra reading</h1>" in html
    assert 'lang="en"' in html
    assert "belum tersedia" in html  # the note, in Indonesian


def test_module_page_shows_help_contact_from_the_contacts_file(client):
    html = client.get("/courses/sample-course/first-steps").get_data(as_text=True)
    assert 'href="tel:08000000"' in html
    assert 'href="https://wa.me/628000000000"' in html
    assert "[[contact:" not in html


def test_quiz_form_carries_no_answer_key(client):
    html = client.get("/courses/sample-course/first-steps").get_data(as_text=True)
    start = html.index('id="quiz"')
    quiz = html[start : html.index("</section>", start)]
    for leak in ("is-right", "right answer", "correct", "Workers should not pay"):
        assert leak not in quiz
    assert quiz.count('type="radio"') == 3 + 2  # single (3) and true-false (2)
    assert quiz.count('type="checkbox"') == 3


def test_help_page_lists_contacts_by_country_with_chosen_country_first(client):
    html = client.get("/help", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.index("Indonesia") < html.index("Philippines")
    client.set_cookie("country", "PH")
    html = client.get("/help", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.index('id="country-PH"') < html.index('id="country-ID"')


@pytest.mark.parametrize(
    "url",
    [
        "/courses/nope/",
        "/courses/sample-course/nope",
        "/courses/..%2f..%2fetc%2fpasswd",
        "/courses/sample-course/..%2f..%2fapp.py",
        "/courses/%2e%2e/%2e%2e/app.py",
        "/courses//etc/passwd",
        "/courses/sample-course/CON",
        "/courses/Sample-Course/",
    ],
)
def test_unknown_or_hostile_paths_are_404_without_file_contents(client, url):
    response = client.get(url, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "root:" not in body and "create_app" not in body
    assert "Traceback" not in body


def test_htmx_gets_fragment_and_plain_request_gets_page(client):
    url = "/courses/sample-course/first-steps/quiz"
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'id="quiz"' in fragment.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert "HX-Request" in page.headers["Vary"]


def test_security_and_privacy_headers(client):
    response = client.get("/courses/sample-course/first-steps")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"


def test_static_assets_have_hashed_urls_cached_for_a_year_and_gzip(client):
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[0-9a-f]{12}/[^"]+)"', html)
    assert any(u.endswith("css/jaring.css") for u in urls)
    assert any(u.endswith("js/htmx.min.js") for u in urls)
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
    css = [u for u in urls if u.endswith(".css")][0]
    assert (
        client.get(css, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"]
        == "gzip"
    )
    stale = re.sub(r"/static/[0-9a-f]{12}/", "/static/000000000000/", css)
    assert client.get(stale).status_code == 404


def test_no_inline_script_or_style(client):
    for url in PAGES:
        html = client.get(url, headers=FROM_OUR_PAGES).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and "style=" not in html, url
        assert " onclick=" not in html and "hx-on" not in html, url


FROM_OUR_PAGES = {"Sec-Fetch-Site": "same-origin"}


def _inline_styles(html: str) -> list[str]:
    return re.findall(r"<style>(.*?)</style>", html, re.S)


def test_a_first_visit_carries_the_stylesheet_allowed_by_its_hash(app, client):
    import base64
    import hashlib

    response = client.get("/courses/sample-course/first-steps")
    html = response.get_data(as_text=True)
    [style] = _inline_styles(html)
    css = app.extensions["assets"]["css/jaring.css"].body.decode()
    assert style == css  # the whole stylesheet, byte for byte
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy
    assert re.search(r'<link rel="prefetch" href="/static/\w+/css/jaring.css">', html)
    assert 'rel="stylesheet"' not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_later_visits_link_the_cached_stylesheet(client):
    client.get("/")  # the session cookie a first visit leaves
    for headers in ({}, {"Sec-Fetch-Site": "none"}, FROM_OUR_PAGES):
        html = client.get("/help", headers=headers).get_data(as_text=True)
        assert _inline_styles(html) == [], headers
        assert re.search(r'<link rel="stylesheet" href="/static/\w+/css/', html)
    fresh = client.application.test_client()
    html = fresh.get("/help", headers=FROM_OUR_PAGES).get_data(as_text=True)
    assert _inline_styles(html) == []  # no cookie, but sent from one of our pages


def test_facilitator_guide_is_for_staff_only(app, client):
    from tests.factories import make_class_session, make_staff
    from tests.helpers import join

    url = "/courses/sample-course/guide"
    assert client.get(url).status_code == 302  # not signed in: sign in first
    join(client, make_class_session(app))
    assert client.get(url).status_code == 404  # learners never see it
    make_staff(app, "guru", "correct horse battery")
    staff = app.test_client()
    token = csrf_from(staff, "/login")
    staff.post(
        "/login",
        data={
            "username": "guru",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    html = staff.get(url, headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Running a session with the sample course" in html
    assert "belum tersedia" in html  # shown in English with a note
    assert 'href="tel:08000000"' in html
    course = staff.get("/courses/sample-course/").get_data(as_text=True)
    assert url in course


def test_content_reload_shows_an_edited_lesson_without_debug(app_factory, tmp_path):
    import shutil
    import time

    from tests.conftest import FIXTURES

    tree = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", tree)
    app = app_factory(CONTENT_DIR=tree, CONTENT_RELOAD=True)
    assert app.debug is False
    client = app.test_client()
    url = "/courses/sample-course/first-steps"
    assert (
        "<h1>First steps</h1>"
        in client.get(url, headers={"Accept-Language": "en"}).text
    )
    lesson = tree / "sample-course" / "01-first-steps.en.md"
    time.sleep(0.01)
    lesson.write_text(
        lesson.read_text().replace("title: First steps", "title: New steps")
    )
    assert (
        "<h1>New steps</h1>" in client.get(url, headers={"Accept-Language": "en"}).text
    )
