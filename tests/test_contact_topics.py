"""`[[contacts:TOPIC]]`: the places that help with a topic, for where the reader is.

A lesson names a topic; the page shows the registry's contacts of that topic for the
country the reader chose, else their session's, else their language's, else the
course's. Agency names show in the reader's language where the registry has them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.content.loader import load_catalog
from tests.conftest import FIXTURES

MODULE = "/courses/sample-course/first-steps"
EN = "sample-course/01-first-steps.en.md"
CONTACTS = """contacts:
  - id: id-report
    country: ID
    topics: [trafficking]
    organisation: {en: Indonesian Reporting Office, id: Kantor Pelaporan Indonesia}
    service: {en: Indonesian reporting line, id: Saluran pelaporan Indonesia}
    channels: [{type: phone, value: "0-800-1111"}]
    sources: [{name: Test source, date: 2099-01-01}]
    status: verified
    compared: 2099-01-01
  - id: ph-report
    country: PH
    topics: [trafficking]
    organisation: Philippine Reporting Office
    service: {en: Philippine reporting line}
    channels: [{type: phone, value: "+63 2 0000 0000"}]
    sources: [{name: Test source, date: 2099-01-01}]
    status: verified
    compared: 2099-01-01
  - id: id-emergency
    country: ID
    topics: [emergency]
    organisation: Indonesian Emergency Service
    service: {en: Emergency line}
    channels: [{type: phone, value: "112"}]
    sources: [{name: Test source, date: 2099-01-01}]
    status: verified
    compared: 2099-01-01
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    (root / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    settings = root / "sample-course" / "course.yaml"
    settings.write_text(settings.read_text() + "country: ID\n")
    for name in ("01-first-steps.en.md", "01-first-steps.id.md"):
        path = root / "sample-course" / name
        text = path.read_text(encoding="utf-8").replace(
            "[[contact:test-line]]", "[[contacts:trafficking]]"
        )
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def site(app_factory, tree):
    return app_factory(CONTENT_DIR=tree)


def page(client, language: str = "en") -> str:
    client.set_cookie("lang", language)
    response = client.get(MODULE)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_course_countrys_contacts_by_default(site):
    html = page(site.test_client())
    assert "Indonesian reporting line" in html
    assert "Philippine reporting line" not in html
    assert "Emergency line" not in html  # another topic
    assert "Help in Indonesia." in html


def test_the_readers_chosen_country_comes_first(site):
    client = site.test_client()
    client.set_cookie("country", "PH")
    html = page(client)
    assert "Philippine reporting line" in html
    assert "Indonesian reporting line" not in html
    assert "Help in Philippines." in html


def test_the_readers_language_country_before_the_courses(site):
    html = page(site.test_client(), "tl")
    assert "Philippine reporting line" in html
    assert "Indonesian reporting line" not in html


def test_a_country_without_such_contacts_falls_back_to_the_course_country(site):
    client = site.test_client()
    client.set_cookie("country", "VN")
    assert "Indonesian reporting line" in page(client)


def test_the_agency_name_in_the_readers_language(site):
    html = page(site.test_client(), "id")
    assert "Kantor Pelaporan Indonesia" in html
    assert "Indonesian Reporting Office" not in html


def test_choosing_a_country_returns_to_the_lesson(site):
    client = site.test_client()
    html = page(client)
    assert "/help?next=/courses/sample-course/first-steps#choose-country" in html
    help_page = client.get(f"/help?next={MODULE}").get_data(as_text=True)
    assert f'name="next" value="{MODULE}"' in help_page
    token = help_page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        "/help/country", data={"country": "PH", "next": MODULE, "csrf_token": token}
    )
    assert answer.status_code == 302 and answer.headers["Location"] == MODULE
    outside = client.post(
        "/help/country",
        data={"country": "PH", "next": "https://evil.example/", "csrf_token": token},
    )
    assert outside.headers["Location"] == "/help"  # never away from the site


def test_unknown_topics_and_tags_inside_text_are_reported(tree):
    path = tree / EN
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n[[contacts:weather]]\n\nCall [[contacts:emergency]] now.\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tree, ["en", "id"])
    messages = [p.message for p in catalog.problems if p.path == EN]
    assert any("unknown topic 'weather'" in m for m in messages)
    assert any("[[contacts:...]] on a line of its own" in m for m in messages)


def test_a_contact_with_an_unknown_topic_is_left_out(tree):
    contacts = tree / "contacts.yaml"
    contacts.write_text(
        contacts.read_text().replace("topics: [emergency]", "topics: [weather]")
    )
    catalog = load_catalog(tree, ["en", "id"])
    assert "id-emergency" not in catalog.contacts
    assert any("topics must be a list of" in p.message for p in catalog.problems)


def test_a_contact_shown_elsewhere_on_the_page_is_not_repeated(app_factory, tree):
    path = tree / EN
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "[[contacts:trafficking]]",
            "[[contact:id-emergency]]\n\n[[contacts:emergency]]\n\n[[contacts:trafficking]]",
        ),
        encoding="utf-8",
    )
    html = page(app_factory(CONTENT_DIR=tree).test_client())
    assert html.count('id="contact-id-emergency"') == 1
    assert html.count('id="contact-id-report"') == 1
