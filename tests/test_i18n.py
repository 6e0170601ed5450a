"""Locale choice: explicit choice, then Accept-Language, then the default."""

import pytest

from tests.conftest import csrf_from


def title_language(client, **headers):
    html = client.get("/", headers=headers).get_data(as_text=True)
    return html.split('<html lang="')[1].split('"')[0]


def test_accept_language_picks_the_interface_language(client):
    assert title_language(client, **{"Accept-Language": "en-GB,en;q=0.9"}) == "en"
    assert title_language(client, **{"Accept-Language": "id-ID,id;q=0.9"}) == "id"
    assert title_language(client, **{"Accept-Language": "vi"}) == "vi"


def test_default_language_without_any_preference(client):
    assert title_language(client) == "id"
    assert title_language(client, **{"Accept-Language": "de"}) == "id"


def test_explicit_choice_wins_over_accept_language_and_is_remembered(client):
    token = csrf_from(client)
    response = client.post(
        "/language", data={"lang": "ar", "next": "/courses/", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/"
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.parametrize(
    "value", ["xx/../..", "../../../../etc/passwd", "en_US\x00", "", "EN", "zz"]
)
def test_hostile_language_values_fall_back_safely(client, value):
    client.set_cookie("lang", value)
    response = client.get("/", headers={"Accept-Language": "../../x"})
    assert response.status_code == 200
    assert '<html lang="id" dir="ltr">' in response.get_data(as_text=True)


def test_language_switch_refuses_open_redirects(client):
    token = csrf_from(client)
    for target in ("//evil.example", "https://evil.example", "/\\evil", "javascript:x"):
        response = client.post(
            "/language", data={"lang": "en", "next": target, "csrf_token": token}
        )
        assert response.headers["Location"] == "/"


def test_interface_strings_are_translated(client):
    indonesian = client.get("/", headers={"Accept-Language": "id"}).get_data(
        as_text=True
    )
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Get help" in english
    assert "Get help" not in indonesian
    assert "Courses" not in indonesian


@pytest.mark.parametrize("language", ["id", "en", "fil", "vi", "ar"])
def test_every_interface_string_is_translated(language):
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "translations" / language / "LC_MESSAGES"
    with (path / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [
        m.id
        for m in catalog
        if m.id
        and (
            "fuzzy" in m.flags
            or not (m.string if isinstance(m.string, str) else all(m.string))
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "quick_exit"),
    [
        ("id", "Keluar cepat"),
        ("tl", "Umalis agad"),
        ("vi", "Thoát nhanh"),
        ("ar", "خروج سريع"),
    ],
)
def test_each_language_shows_its_own_interface(client, language, quick_exit):
    html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'<html lang="{language}"' in html
    assert quick_exit in html


def test_english_catalogue_is_exactly_its_source_strings():
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    wrong = [
        m.id
        for m in catalog
        if m.id and m.string != (m.id if isinstance(m.id, str) else tuple(m.id[:2]))
    ]
    assert wrong == []
