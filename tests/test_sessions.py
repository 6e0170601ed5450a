"""Facilitators run sessions from the web: create, join, watch, close, record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from courses.people.models import ClassSession, Membership, User
from courses.platform.db import get_engine, get_session
from tests.conftest import csrf_from
from tests.facilitation import (
    answer,
    join_code_of,
    learner,
    new_session,
    staff_client,
)
from tests.helpers import MODULE, RIGHT, WRONG, join


@pytest.fixture
def guru(app):
    return staff_client(app)


def post(client, url: str, **data: object):
    data["csrf_token"] = csrf_from(client, "/sessions/")
    return client.post(url, data=data, headers={"Accept-Language": "en"})


def test_a_session_is_created_from_the_web_with_a_random_public_id(app, guru):
    public_id = new_session(guru)
    assert not public_id.isdigit() and len(public_id) == 16
    page = guru.get(f"/sessions/{public_id}").get_data(as_text=True)
    code = join_code_of(guru, public_id)
    assert "SMP 2 Mataram 9B" in page
    assert f"/join?code={code}" in page  # the address the QR code opens
    qr = guru.get(f"/sessions/{public_id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and qr.data.startswith(b"<svg")
    with app.app_context():
        found = get_session().scalars(select(ClassSession)).one()
        assert (found.kind, found.district, found.language) == (
            "school",
            "Mataram",
            "id",
        )
        assert [(m.course_slug, m.module_slug) for m in found.modules] == [
            ("sample-course", None)
        ]


def test_the_join_sheet_speaks_the_sessions_language(guru):
    public_id = new_session(guru, language="id")
    sheet = guru.get(
        f"/sessions/{public_id}/join-sheet", headers={"Accept-Language": "en"}
    )
    html = sheet.get_data(as_text=True)
    assert 'lang="id"' in html and join_code_of(guru, public_id) in html
    assert "Buka alamat ini" in html  # the instructions, in Indonesian


def test_a_bad_form_is_400_with_messages_and_keeps_what_was_typed(guru):
    token = csrf_from(guru, "/sessions/new")
    response = guru.post(
        "/sessions/new",
        data={"csrf_token": token, "title": "", "kind": "school", "held_on": "31/12",
              "district": "Kabupaten Lombok Timur"},
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give the session a title" in html
    assert "Choose at least one course or module" in html
    assert "Give the date as year-month-day" in html
    assert 'value="Kabupaten Lombok Timur"' in html


def test_closing_refuses_joins_with_a_message_and_keeps_records(app, guru):
    public_id = new_session(guru)
    code = join_code_of(guru, public_id)
    learner(app, code, "Ayu")
    post(guru, f"/sessions/{public_id}/close")
    client = app.test_client()
    token = csrf_from(client, "/join")
    refused = client.post(
        "/join",
        data={"join_code": code, "display_name": "Budi", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 400
    assert "This class has ended" in refused.get_data(as_text=True)
    page = guru.get(f"/sessions/{public_id}").get_data(as_text=True)
    assert "Ayu" in page and "This session is closed" in page
    post(guru, f"/sessions/{public_id}/reopen")
    learner(app, code, "Budi")


def test_a_returning_learner_keeps_one_record_in_two_sessions(app, guru):
    first, second = new_session(guru, "9B"), new_session(guru, "Village")
    client, personal = learner(app, join_code_of(guru, first), "Ayu")
    token = csrf_from(client, "/join")
    joined = client.post(
        "/join",
        data={"join_code": join_code_of(guru, second), "display_name": "Ayu",
              "csrf_token": token},
    )  # fmt: skip
    assert joined.status_code == 302
    learners = select(User).where(User.role == "learner")
    with app.app_context():
        db = get_session()
        assert len(db.scalars(learners).all()) == 1
        assert len(db.scalars(select(Membership)).all()) == 2
    for public_id in (first, second):
        assert "Ayu" in guru.get(f"/sessions/{public_id}").get_data(as_text=True)
    # Signed out and back with the personal code on another phone: still one record.
    other = app.test_client()
    token = csrf_from(other, "/resume")
    other.post("/resume", data={"personal_code": personal, "csrf_token": token})
    with app.app_context():
        assert len(get_session().scalars(learners).all()) == 1


def test_a_name_already_used_in_the_session_asks_for_an_initial(app, guru):
    code = join_code_of(guru, new_session(guru))
    join(app.test_client(), code, "Ayu")
    client = app.test_client()
    token = csrf_from(client, "/join")
    response = client.post(
        "/join",
        data={"join_code": code, "display_name": "  AYU ", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "Add an initial" in response.get_data(as_text=True)
    join(app.test_client(), code, "Ayu S")


def test_facilitator_renames_removes_and_deletes_learners(app, guru):
    public_id = new_session(guru)
    code = join_code_of(guru, public_id)
    learner(app, code, "Ayuu")
    learner(app, code, "Budi")
    learner(app, code, "Citra")
    page = guru.get(f"/sessions/{public_id}/learners").get_data(as_text=True)
    ids = dict(
        (name, member)
        for member, name in re.findall(
            r'id="learner-([\w-]{16})" dir="auto">([^<]+)<', page
        )
    )
    base = f"/sessions/{public_id}/learners"
    taken = post(guru, f"{base}/{ids['Ayuu']}/rename", name="budi")
    assert taken.status_code == 400 and "Add an initial" in taken.get_data(as_text=True)
    assert post(guru, f"{base}/{ids['Ayuu']}/rename", name="Ayu").status_code == 302
    assert post(guru, f"{base}/{ids['Budi']}/remove").status_code == 302
    unconfirmed = post(guru, f"{base}/{ids['Citra']}/delete")
    assert unconfirmed.status_code == 400
    assert post(guru, f"{base}/{ids['Citra']}/delete", confirm="yes").status_code == 302
    with app.app_context():
        db = get_session()
        names = sorted(
            u.display_name
            for u in db.scalars(select(User).where(User.role == "learner"))
        )
        assert names == ["Ayu", "Budi"]  # Budi left the session but kept his record
        assert len(db.scalars(select(Membership)).all()) == 1


def test_shared_phone_offers_the_next_person(app, guru):
    public_id = new_session(guru, shared_phone="1")
    code = join_code_of(guru, public_id)
    phone = app.test_client()
    join(phone, code, "Ayu", remember=True)
    assert phone.get_cookie("remember_token") is None  # never remembered here
    page = phone.get("/me/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Next person" in page
    response = phone.post("/next-person", data={"csrf_token": csrf_from(phone, "/me/")})
    assert response.headers["Location"] == f"/join?code={code}"
    assert phone.get("/me/").status_code == 302  # signed out
    assert f'value="{code}"' in phone.get(response.headers["Location"]).get_data(
        as_text=True
    )


def grid_statements(app, client, url: str) -> int:
    """Return how many SQL statements one request runs."""
    statements = []
    with app.app_context():
        engine = get_engine()

    def count(*_args: object) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_live_grid_shows_each_learners_state_and_the_hardest_question(app, guru):
    public_id = new_session(guru)
    code = join_code_of(guru, public_id)
    reader, _ = learner(app, code, "Ayu")
    reader.get(MODULE, headers={"Sec-Fetch-Site": "same-origin"})  # opened only
    passer, _ = learner(app, code, "Budi")
    answer(passer, MODULE, RIGHT)
    failer, _ = learner(app, code, "Citra")
    answer(failer, MODULE, WRONG)
    learner(app, code, "Dewi")  # joined only
    page = guru.get(f"/sessions/{public_id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    rows = {
        name: row
        for name, row in re.findall(r'dir="auto">(\w+)</th>(.*?)</tr>', html, re.S)
    }
    assert "Reading" in rows["Ayu"]
    assert "Passed" in rows["Budi"] and "100%" in rows["Budi"]
    assert "Not yet passed" in rows["Citra"] and "0%" in rows["Citra"]
    assert "Not started" in rows["Dewi"]
    assert "4 learners joined" in html
    assert "Most got this wrong" in html and "1 of 2 right" in html


def test_the_grid_counts_each_learners_latest_try_only(app, guru):
    public_id = new_session(guru)
    code = join_code_of(guru, public_id)
    retrier, _ = learner(app, code, "Eka")
    answer(retrier, MODULE, WRONG)
    answer(retrier, MODULE, WRONG)
    answer(retrier, MODULE, RIGHT)  # the latest of three tries
    failer, _ = learner(app, code, "Fajar")
    answer(failer, MODULE, WRONG)
    html = guru.get(f"/sessions/{public_id}", headers={"Accept-Language": "en"})
    html = html.get_data(as_text=True)
    assert "1 of 2 right" in html  # one answer per learner: Eka's last try
    assert " of 3 right" not in html and " of 4 right" not in html
    rows = dict(re.findall(r'dir="auto">(\w+)</th>(.*?)</tr>', html, re.S))
    assert "Passed" in rows["Eka"] and "100%" in rows["Eka"]


def test_the_grid_refresh_is_a_fragment_and_204_when_nothing_changed(app, guru):
    public_id = new_session(guru)
    url = f"/sessions/{public_id}/grid"
    fragment = guru.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert (
        'hx-swap-oob="innerHTML"' in html and "HX-Request" in fragment.headers["Vary"]
    )
    version = re.search(r'"v": "([0-9a-f]+)"', html).group(1)
    same = guru.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    assert same.status_code == 204
    learner(app, join_code_of(guru, public_id), "Ayu")
    changed = guru.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    assert changed.status_code == 200 and "Ayu" in changed.get_data(as_text=True)
    whole = guru.get(url)  # opened directly: the whole page
    assert "<html" in whole.get_data(as_text=True)


def test_the_grid_costs_the_same_queries_for_2_and_60_learners(app, guru):
    small, large = new_session(guru, "Small"), new_session(guru, "Large")
    for public_id, count in ((small, 2), (large, 60)):
        code = join_code_of(guru, public_id)
        for number in range(count):
            client, _ = learner(app, code, f"L{number}")
            if number % 2:
                answer(client, MODULE, RIGHT)
    assert grid_statements(app, guru, f"/sessions/{small}/grid") == grid_statements(
        app, guru, f"/sessions/{large}/grid"
    )


def test_an_unchanged_grid_is_answered_without_loading_attempts(app, guru):
    public_id = new_session(guru)
    code = join_code_of(guru, public_id)
    client, _ = learner(app, code, "Ayu")
    answer(client, MODULE, RIGHT)
    url = f"/sessions/{public_id}/grid"
    html = guru.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    version = re.search(r'"v": "([0-9a-f]+)"', html).group(1)
    statements: list[str] = []
    with app.app_context():
        engine = get_engine()

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        same = guru.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert same.status_code == 204
    assert not any("quiz_attempt.answers" in s for s in statements)
    answer(client, MODULE, RIGHT)  # a new attempt: the version moves on
    again = guru.get(f"{url}?v={version}", headers={"HX-Request": "true"})
    assert again.status_code == 200


def test_the_facilitators_home_lists_todays_sessions_first(app, guru):
    new_session(guru, "Long ago", held_on="2020-01-01")
    from datetime import date

    new_session(guru, "Today", held_on=date.today().isoformat())
    new_session(guru, "Next year", held_on=f"{date.today().year + 1}-01-01")
    html = guru.get("/sessions/").get_data(as_text=True)
    assert html.index("Today") < html.index("Next year") < html.index("Long ago")
