"""Quiz submission: graded on the server, explained, and never a 500 for bad input."""

from sqlalchemy import func, select

from courses.people.models import QuizAttempt
from courses.platform.db import get_session
from tests.factories import make_class_session
from tests.helpers import RIGHT, WRONG, join, quiz_form, submit


def count_attempts(app):
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(QuizAttempt))


def test_anonymous_submission_is_graded_with_explanations_and_not_stored(app, client):
    response = submit(client, RIGHT)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 of 3" in html
    assert "Workers should not pay for a job." in html
    assert "<html" in html  # no JavaScript: a full page
    assert count_attempts(app) == 0


def test_wrong_answers_show_right_ones_and_fail(client):
    html = submit(client, WRONG).get_data(as_text=True)
    assert "0 of 3" in html
    assert "is-right" in html and "is-wrong" in html
    assert "To pass, you need 70%" in html


def test_htmx_submission_returns_only_the_quiz(client):
    response = submit(client, RIGHT, **{"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="quiz"')
    assert "<html" not in html


def test_missing_answer_is_422_keeps_ticks_and_marks_the_question(app, client):
    code = make_class_session(app)
    join(client, code)
    response = submit(client, {"q.fee": "b", "q.2": ["a"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in html
    assert 'value="b" checked' in html  # the learner's tick is kept
    assert count_attempts(app) == 0


def test_tampered_answers_are_400_and_store_nothing(app, client):
    code = make_class_session(app)
    join(client, code)
    cases = [
        {**RIGHT, "q.nope": "a"},  # extra question
        {**RIGHT, "q.fee": "z"},  # unknown option
        {**RIGHT, "q.fee": ["b", "b"]},  # duplicate
        {**RIGHT, "q.fee": ["a", "b"]},  # two answers to a single-answer question
        {**RIGHT, "role": "admin"},  # mass assignment attempt
    ]
    for answers in cases:
        response = submit(client, answers)
        assert response.status_code == 400, answers
        assert "Traceback" not in response.get_data(as_text=True)
    assert count_attempts(app) == 0


def test_submission_without_key_or_for_unknown_module_is_4xx(client):
    form = quiz_form(client)
    form["submission_id"] = "short"
    assert submit(client, RIGHT, form).status_code == 400
    response = client.post("/courses/sample-course/nope/quiz", data=form)
    assert response.status_code == 404
    response = client.post("/courses/sample-course/extra-reading/quiz", data=form)
    assert response.status_code == 404


def test_expired_csrf_token_keeps_the_answers(client):
    form = quiz_form(client)
    form["csrf_token"] = "expired"
    response = submit(client, {"q.fee": "b"}, form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="b" checked' in html
    assert "send them again" in html


def test_quiz_is_graded_against_the_language_it_was_shown_in(client):
    form = quiz_form(client, **{"Accept-Language": "id"})
    assert form["lang"] == "id"
    html = submit(client, RIGHT, form, **{"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Pekerja tidak boleh membayar" in html
