"""Every route declares who may see it, and every state change needs a CSRF token."""

import pytest
from flask import Flask, url_for

from courses.platform.extensions import csrf

PUBLIC_WITHOUT_POLICY = {"assets.serve"}  # hashed static files


def test_every_endpoint_declares_an_access_policy(app: Flask):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC_WITHOUT_POLICY
        and not hasattr(app.view_functions[rule.endpoint], "access")
    ]
    assert missing == []


# The one exemption, for two views: a laptop's push and pull carry no browser session
# and are admitted only by the device's signature over the body
# (courses/web/sync_push.py).
CSRF_EXEMPT = {"courses.web.sync_push.push", "courses.web.sync_push.pull"}


def test_nothing_is_exempt_from_csrf_but_the_signed_push_and_pull(app: Flask):
    assert csrf._exempt_views == CSRF_EXEMPT and not csrf._exempt_blueprints
    for endpoint in ("sync_push.push", "sync_push.pull"):
        assert app.view_functions[endpoint].access == "device-signature"


SAMPLE_VALUES = {
    "course_slug": "sample-course",
    "module_slug": "first-steps",
    "language": "en",
    "token": "t" * 20,
}


def post_urls(app: Flask) -> list[str]:
    """Return a concrete URL for every rule that accepts POST."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in (rule.methods or ()):
                values = {
                    arg: SAMPLE_VALUES.get(arg, "A" * 16) for arg in rule.arguments
                }
                urls.append(url_for(rule.endpoint, **values))
    return urls


def test_every_post_without_csrf_token_is_refused(app: Flask, client):
    urls = post_urls(app)
    assert len(urls) >= 8
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, data={"x": "1"}, headers=headers)
            assert response.status_code == 400, url
            assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost.evil"])
def test_cross_site_post_is_refused_even_with_a_token(client, origin):
    from tests.conftest import csrf_from

    token = csrf_from(client)
    response = client.post(
        "/language",
        data={"lang": "en", "csrf_token": token},
        headers={"Origin": origin},
    )
    assert response.status_code == 403


def test_methods_not_in_use_are_refused(client):
    assert client.open("/", method="TRACE").status_code == 405
    assert client.delete("/courses/").status_code == 405
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_no_unsafe_shortcuts_in_the_code():
    """No |safe in templates (content is Markup from the sanitiser); no f-string SQL."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates = "\n".join(p.read_text() for p in (root / "templates").rglob("*.html"))
    code = "\n".join(p.read_text() for p in (root / "courses").rglob("*.py"))
    assert "|safe" not in templates.replace(" ", "")
    assert code.count("csrf.exempt") == 1  # sync_push.py, see CSRF_EXEMPT above
    assert 'text(f"' not in code and "execute(f" not in code
