"""Progress: one attempt per submission, kept across languages, seen only by owner."""

import re

from sqlalchemy import func, select

from courses.people.models import ModuleProgress, QuizAttempt, User
from courses.platform.db import get_session
from tests.conftest import csrf_from
from tests.factories import make_class_session
from tests.helpers import MODULE, RIGHT, WRONG, join, quiz_form, submit


def rows(app, model):
    with app.app_context():
        return list(get_session().scalars(select(model)))


SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def test_opening_a_module_starts_it_once(app, client):
    join(client, make_class_session(app))
    client.get(MODULE, headers=SAME_SITE)
    client.get(MODULE, headers=SAME_SITE)
    progress = rows(app, ModuleProgress)
    assert len(progress) == 1
    assert progress[0].completed_at is None
    html = client.get("/courses/sample-course/").get_data(as_text=True)
    assert "Started" in html or "Dimulai" in html


def test_a_replayed_submission_records_one_attempt_with_the_same_result(app, client):
    join(client, make_class_session(app))
    form = quiz_form(client)
    first = submit(client, RIGHT, form).get_data(as_text=True)
    # The same form sent again (double tap, resend after a timeout), even changed:
    again = submit(client, WRONG, form).get_data(as_text=True)
    assert "3 of 3" in first and "3 of 3" in again
    attempts = rows(app, QuizAttempt)
    assert len(attempts) == 1
    assert attempts[0].passed and attempts[0].percent == 100
    assert attempts[0].language == "en"
    assert len(attempts[0].quiz_fingerprint) == 64
    progress = rows(app, ModuleProgress)[0]
    assert progress.attempt_count == 1 and progress.completed_at is not None


def test_retries_keep_best_and_latest_scores(app, client):
    join(client, make_class_session(app))
    submit(client, RIGHT)
    submit(client, WRONG)
    progress = rows(app, ModuleProgress)[0]
    assert (progress.best_percent, progress.latest_percent) == (100, 0)
    assert progress.attempt_count == 2
    assert progress.completed_at is not None  # a later fail does not undo a pass


def test_progress_belongs_to_the_module_not_the_language(app, client):
    join(client, make_class_session(app))
    form = quiz_form(client, **{"Accept-Language": "id"})
    submit(client, RIGHT, form)
    html = client.get(
        "/courses/sample-course/", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Completed" in html and "100%" in html
    assert rows(app, QuizAttempt)[0].language == "id"


def test_module_without_quiz_is_marked_done_and_course_completes(app, client):
    join(client, make_class_session(app))
    submit(client, RIGHT)
    page = client.get("/me/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # extra-reading is optional, so the course is complete after the first module.
    assert "Course complete" in page
    token = csrf_from(client, "/courses/sample-course/extra-reading")
    response = client.post(
        "/courses/sample-course/extra-reading/done", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert sum(1 for p in rows(app, ModuleProgress) if p.completed_at) == 2


def test_a_learner_never_sees_another_learners_attempts(app):
    code = make_class_session(app)
    ayu, budi = app.test_client(), app.test_client()
    join(ayu, code, "Ayu")
    join(budi, code, "Budi")
    submit(ayu, RIGHT)
    attempt_id = rows(app, QuizAttempt)[0].public_id
    assert ayu.get(f"/me/attempts/{attempt_id}").status_code == 200
    for probe in (attempt_id, "1", str(2**64), "A" * 16, "1" * 400):
        assert budi.get(f"/me/attempts/{probe}").status_code == 404
    data = budi.get("/me/data").get_data(as_text=True)
    assert "Ayu" not in data and "first-steps" not in data
    assert "Budi" in data


def test_my_data_shows_everything_and_delete_removes_it(app, client):
    join(client, make_class_session(app), "Citra")
    submit(client, RIGHT)
    data = client.get("/me/data", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    # What a person recognises: titles and words, not internal names.
    assert "Citra" in data and "First steps" in data and "Sample course" in data
    assert "first-steps" not in data and "Learner" in data and "3 answers" in data
    attempt_url = re.search(r'href="(/me/attempts/[\w-]{16})"', data).group(1)
    attempt = client.get(attempt_url, headers={"Accept-Language": "en"})
    assert "A warning sign" in attempt.get_data(as_text=True)  # the chosen answer
    token = csrf_from(client, "/me/delete")
    refused = client.post("/me/delete", data={"csrf_token": token})
    assert refused.status_code == 400
    assert len(rows(app, User)) == 1
    done = client.post("/me/delete", data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 302
    assert (
        rows(app, User) == []
        and rows(app, QuizAttempt) == []
        and rows(app, ModuleProgress) == []
    )
    assert client.get("/me/").status_code == 302


def test_new_personal_code_replaces_the_old_one(app, client):
    old = join(client, make_class_session(app))
    token = csrf_from(client, "/me/")
    page = client.post("/me/new-code", data={"csrf_token": token}).get_data(
        as_text=True
    )
    new = re.search(r'class="personal-code"[^>]*>([A-Z0-9-]+)<', page).group(1)
    assert new != old
    other = app.test_client()
    token = csrf_from(other, "/resume")
    assert (
        other.post(
            "/resume", data={"personal_code": old, "csrf_token": token}
        ).status_code
        == 400
    )
    assert (
        other.post(
            "/resume", data={"personal_code": new, "csrf_token": token}
        ).status_code
        == 302
    )


def test_course_page_uses_one_query_for_all_module_states(app, client):
    from sqlalchemy import event

    from courses.platform.db import get_engine

    join(client, make_class_session(app))
    submit(client, RIGHT)
    statements = []
    with app.app_context():
        engine = get_engine()

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/courses/sample-course/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 3  # user, class session at most, and one progress query
    with app.app_context():
        assert (
            get_session().scalar(select(func.count()).select_from(ModuleProgress)) == 1
        )


def test_a_link_from_another_site_records_nothing(app, client):
    """Only a navigation from our own pages (or a POST) writes progress."""
    join(client, make_class_session(app))
    client.get(MODULE, headers={"Sec-Fetch-Site": "cross-site"})
    client.get(MODULE, headers={"Referer": "https://chat.example/x"})
    client.get(MODULE)  # typed in, or a browser that says nothing
    assert rows(app, ModuleProgress) == []
    client.get(MODULE, headers={"Referer": "http://localhost/courses/"})
    assert len(rows(app, ModuleProgress)) == 1


def test_opening_a_started_module_again_writes_nothing(app, client):
    from sqlalchemy import event

    from courses.platform.db import get_engine

    join(client, make_class_session(app))
    client.get(MODULE, headers=SAME_SITE)
    statements: list[str] = []
    with app.app_context():
        engine = get_engine()

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get(MODULE, headers=SAME_SITE)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements and set(statements) == {"SELECT"}
    assert len(statements) <= 2  # the learner with their sessions; their progress
