"""The shipped curriculum passes the content check and renders in all its languages;
every help link it shows has a form that works when tapped."""

import re
from datetime import date
from html import escape
from pathlib import Path

import pytest
from flask import Flask

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


@pytest.fixture
def shipped(app: Flask) -> Flask:
    """The test app, serving the shipped content instead of the fixture."""
    from courses.platform.content_store import init_app

    app.config["CONTENT_DIR"] = CONTENT
    init_app(app)
    return app


def test_every_shipped_module_page_renders_in_id_and_en(shipped):
    app = shipped
    client = app.test_client()
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
                # Each module ends with its sources, after the quiz if it has one.
                start = html.index('id="quiz"') if 'id="quiz"' in html else 0
                assert "[S" in html[start:], url


LINK = re.compile(r'<a class="channel" href="([^"]+)"[^>]*>([^<]+)</a>')


def check_link(href: str, shown: str) -> None:
    """Assert a help link's form: what a phone or WhatsApp can really open."""
    digits = re.sub(r"\D", "", shown)
    if href.startswith("tel:") or href.startswith("sms:"):
        assert re.fullmatch(r"(tel|sms):\+?\d{3,15}", href), href
        assert href.split(":")[1].lstrip("+") == digits, (href, shown)
        assert href.split(":")[1].startswith("+") == shown.startswith("+"), href
    elif href.startswith("https://wa.me/"):
        number = href.removeprefix("https://wa.me/")
        assert shown.startswith("+"), f"WhatsApp shown in national form: {shown}"
        assert re.fullmatch(r"[1-9]\d{7,14}", number), href  # country code, no 0
        assert number == digits, (href, shown)
    elif href.startswith("mailto:"):
        assert re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.[a-z]{2,}", href), href
    else:
        assert href.startswith("https://") and href == shown, href


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_help_link_has_a_form_that_works(shipped, language):
    """Every contact is rendered on /help; each link is checked as a string."""
    app = shipped
    html = app.test_client().get("/help", headers={"Accept-Language": language})
    page = html.get_data(as_text=True)
    catalog = app.extensions["catalog"]
    links = LINK.findall(page)
    assert len(links) == sum(len(c.channels) for c in catalog.contacts.values())
    for href, shown in links:
        check_link(href, shown)
    for contact in catalog.contacts.values():
        card = page.split(f'id="contact-{contact.id}"')[1].split('<div class="contact')[
            0
        ]
        for channel in contact.channels:
            if channel.domestic:  # a number without + says where it can be dialled
                assert 'class="meta"' in card and channel.value in card
        if contact.caution:  # never alone: the card links to sound contacts
            assert 'class="caution"' in card
            assert any(f'href="#contact-{other}"' in card for other in contact.see_also)


def test_a_contact_that_needs_confirming_is_never_alone_in_a_lesson(shipped):
    app = shipped
    catalog = app.extensions["catalog"]
    client = app.test_client()
    shown = 0
    for course in catalog.courses:
        for module in course.modules:
            for language, version in module.versions.items():
                ids = [s.contact_id for s in version.body + version.after_quiz]
                if not any(catalog.contacts[i].caution for i in ids if i):
                    continue
                url = f"/courses/{course.slug}/{module.slug}"
                page = client.get(url, headers={"Accept-Language": language})
                html = page.get_data(as_text=True)
                for cid in filter(None, ids):
                    if catalog.contacts[cid].caution:
                        shown += 1
                        sound = [
                            other
                            for other in catalog.contacts[cid].see_also
                            if not catalog.contacts[other].caution
                        ]
                        assert any(f'id="contact-{o}"' in html for o in sound), url
    assert shown > 0  # the shipped lessons do show such contacts


HOME = {"id": "ID", "en": "ID", "tl": "PH", "vi": "VN", "ar": "SA"}
CARD = re.compile(r'<div class="contact[^"]*" id="contact-([a-z0-9-]+)"')
FALLBACK_NOTES = ("is not yet available", "not yet available in", "For now, this")


@pytest.mark.parametrize("language", sorted(HOME))
def test_getting_help_is_whole_in_every_language_with_its_countrys_help_first(
    shipped, language
):
    """Every page of the getting-help course is in the reader's language (no note
    about a fallback), and the first help card a lesson shows is for the country
    that language's readers live or work in."""
    client = shipped.test_client()
    client.set_cookie("lang", language)
    catalog = shipped.extensions["catalog"]
    course = catalog.course("getting-help")
    contacts = catalog.contacts
    pages = [f"/courses/{course.slug}/", f"/courses/{course.slug}/guide"]
    pages += [f"/courses/{course.slug}/{m.slug}" for m in course.modules]
    first_cards = []
    for url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 302), url
        if response.status_code == 302:  # the guide is for staff
            continue
        assert f'<html lang="{language}"' in html
        english_note = [n for n in FALLBACK_NOTES if n in html]
        assert 'class="notice" lang' not in html or not english_note, url
        assert all(module.versions.get(language) for module in course.modules)
        cards = CARD.findall(html)
        if cards:
            first_cards.append(contacts[cards[0]].country)
    assert first_cards, "the course shows help contacts"
    share = sum(country == HOME[language] for country in first_cards) / len(first_cards)
    assert share >= 0.5, (language, first_cards)
