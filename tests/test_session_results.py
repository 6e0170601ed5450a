"""What a session records and reports: head counts, group answers in the projector
view, pre- and post-tests, reports with charts and CSV, and certificates."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import csrf_from
from tests.facilitation import (
    answer,
    content_with_tests,
    join_code_of,
    learner,
    new_session,
    staff_client,
)
from tests.helpers import MODULE, RIGHT

PRE, LESSON, POST = (
    f"/courses/tested-course/{m}" for m in ("before", "lesson", "after")
)
ALL_RIGHT = {"q.fee": "b", "q.passport": "a"}
HALF_RIGHT = {"q.fee": "b", "q.passport": "b"}
NONE_RIGHT = {"q.fee": "a", "q.passport": "c"}


@pytest.fixture
def tested_app(app_factory, tmp_path):
    """An app whose content has a course with a pre-test and a post-test."""
    return app_factory(CONTENT_DIR=content_with_tests(tmp_path))


@pytest.fixture
def guru(tested_app):
    return staff_client(tested_app)


def post(client, url: str, **data: object):
    data["csrf_token"] = csrf_from(client, "/sessions/")
    return client.post(url, data=data, headers={"Accept-Language": "en"})


def counts_form(**numbers: int) -> dict[str, object]:
    fields = {f"count-{s}-{b}": 0 for s in ("female", "male", "other")
              for b in ("under-18", "18-plus")}  # fmt: skip
    fields.update({f"count-{k.replace('_', '-')}": v for k, v in numbers.items()})
    return fields


def test_head_counts_are_saved_corrected_and_checked(tested_app, guru):
    public_id = new_session(guru, items=("tested-course",))
    url = f"/sessions/{public_id}/attendance"
    assert (
        post(guru, url, **counts_form(female_under_18=12, male_under_18=9)).status_code
        == 302
    )
    bad = post(
        guru, url, **{**counts_form(female_under_18=12), "count-male-18-plus": "ten"}
    )
    assert bad.status_code == 400 and 'value="ten"' in bad.get_data(as_text=True)
    assert (
        post(guru, url, **counts_form(female_under_18=13, male_under_18=9)).status_code
        == 302
    )
    page = guru.get(url).get_data(as_text=True)
    assert 'name="count-female-under-18" id="count-female-under-18" value="13"' in page


def test_the_projector_view_shows_one_part_at_a_time_and_records_hands(
    tested_app, guru
):
    public_id = new_session(
        guru, items=("tested-course/before", "tested-course/lesson")
    )
    base = f"/sessions/{public_id}/present/tested-course/lesson"
    opening = guru.get(base).get_data(as_text=True)
    assert (
        "The lesson" in opening
        and 'rel="next"' in opening
        and 'rel="prev"' not in opening
    )
    section = guru.get(base + "?part=2").get_data(as_text=True)
    assert "Passports" in section and "Employers pay" not in section
    assert (
        guru.get(f"/sessions/{public_id}/present/sample-course/first-steps").status_code
        == 404
    )
    question_url = f"/sessions/{public_id}/present/tested-course/before"
    page = guru.get(question_url + "?part=2").get_data(as_text=True)
    assert "Is this a warning sign?" in page and "Employers pay the fees" not in page
    bad = post(
        guru, question_url + "/votes", part="2", **{"votes-a": "x", "votes-b": "3"}
    )
    assert bad.status_code == 400 and "whole numbers" in bad.get_data(as_text=True)
    saved = post(
        guru, question_url + "/votes", part="2", **{"votes-a": "4", "votes-b": "16"}
    )
    shown = guru.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Employers pay the fees" in shown  # the answer, after the vote
    assert 'name="votes-b" value="16"' in shown


def test_pre_test_answers_stay_hidden_until_the_post_test(tested_app, guru):
    public_id = new_session(guru, items=("tested-course",))
    client, _ = learner(tested_app, join_code_of(guru, public_id), "Ayu")
    result = answer(client, PRE, HALF_RIGHT)
    assert "You will see which ones were right after the post-test" in result
    assert "right answer" not in result and "Employers pay the fees" not in result
    after = answer(client, POST, ALL_RIGHT)
    assert "right answer" in after and "Employers pay the fees" in after
    again = answer(client, PRE, HALF_RIGHT)  # the pre-test's answers, now shown
    assert "right answer" in again


def test_the_facilitator_can_release_pre_test_answers(tested_app, guru):
    public_id = new_session(guru, items=("tested-course",))
    client, _ = learner(tested_app, join_code_of(guru, public_id), "Ayu")
    assert "right answer" not in answer(client, PRE, HALF_RIGHT)
    post(guru, f"/sessions/{public_id}/release-answers")
    assert "right answer" in answer(client, PRE, HALF_RIGHT)


def play_a_village_day(app, guru) -> str:
    """A session: head counts, three learners with pre/post tests, group votes."""
    public_id = new_session(
        guru, "Desa Sukamaju", items=("tested-course",), kind="village"
    )
    code = join_code_of(guru, public_id)
    counted = counts_form(female_18_plus=10, male_18_plus=6, other_under_18=1)
    post(guru, f"/sessions/{public_id}/attendance", **counted)
    scores = [("Ayu", NONE_RIGHT, ALL_RIGHT), ("Budi", HALF_RIGHT, ALL_RIGHT),
              ('=HYPERLINK("x")', HALF_RIGHT, HALF_RIGHT)]  # fmt: skip
    for name, before, after in scores:
        client, _ = learner(app, code, name)
        answer(client, PRE, before)
        client.post(LESSON + "/done", data={"csrf_token": csrf_from(client, LESSON)})
        answer(client, POST, after)
    base = f"/sessions/{public_id}/present/tested-course"
    post(guru, f"{base}/before/votes", part="2", **{"votes-a": "10", "votes-b": "6"})
    post(guru, f"{base}/after/votes", part="2", **{"votes-a": "2", "votes-b": "14"})
    return public_id


def test_the_session_report_adds_up_to_what_was_entered(tested_app, guru):
    public_id = play_a_village_day(tested_app, guru)
    html = guru.get(f"/sessions/{public_id}/report").get_data(as_text=True)
    # 3 on phones, 17 counted in the room: 17 reached, all 17 of known sex and age.
    assert re.search(r"People reached</th><td[^>]*></td><td><strong>17<", html)
    # Pre-test 0%, 50%, 50% (mean 33); post-test 100, 100, 50 (mean 83); 2 of 3 better.
    assert "33%" in html and "83%" in html
    assert "2 of 3 learners scored higher after (67%)" in html
    # Group answers: 6 of 16 hands right before (38%), 14 of 16 after (88%).
    assert "38%" in html and "88%" in html
    assert "<svg" in html and "<table" in html  # each chart has its table


def test_the_session_csv_neutralises_formulas_and_opens_in_excel(tested_app, guru):
    public_id = play_a_village_day(tested_app, guru)
    response = guru.get(f"/sessions/{public_id}/report.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # UTF-8 BOM
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in names and '=HYPERLINK("x")' not in names
    budi = next(row for row in rows if row[0] == "Budi")
    assert budi[-2:] == ["50", "100"]  # pre-test and post-test percent


def test_the_organisation_report_covers_dates_and_sums_sessions(tested_app, guru):
    play_a_village_day(tested_app, guru)
    school = new_session(guru, "9B", items=("tested-course",), held_on="2026-11-20")
    learner(tested_app, join_code_of(guru, school), "Citra")
    html = guru.get("/reports?from=2026-11-01&to=2026-12-31").get_data(as_text=True)
    assert "2 sessions" in html
    assert re.search(r"People reached</th><td[^>]*></td><td><strong>18<", html)
    assert "2026-11" in html and "2026-12" in html  # by month
    none = guru.get("/reports?from=2027-01-01&to=2027-12-31").get_data(as_text=True)
    assert "No sessions in these dates" in none
    bad = guru.get("/reports?from=tomorrow")
    assert bad.status_code == 400 and "year-month-day" in bad.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(
        guru.get("/reports.csv?from=2026-11-01&to=2026-12-31").data.decode("utf-8-sig")
    )))  # fmt: skip
    assert len(rows) == 3 and {rows[1][2], rows[2][2]} == {"9B", "Desa Sukamaju"}


def test_certificates_name_learners_who_completed_a_course(tested_app, guru):
    public_id = play_a_village_day(tested_app, guru)
    html = guru.get(f"/sessions/{public_id}/certificates").get_data(as_text=True)
    assert html.count('class="certificate"') == 3  # all three did the three modules
    assert "Tested course" in html and "Desa Sukamaju" in html and "Test NGO" in html
    sheet = guru.get(f"/sessions/{public_id}/certificates?sheet=1").get_data(
        as_text=True
    )
    assert sheet.count("Tested course") >= 3


def test_a_sample_course_session_reports_modules_completed(app):
    guru = staff_client(app)
    public_id = new_session(guru)
    client, _ = learner(app, join_code_of(guru, public_id), "Ayu")
    answer(client, MODULE, RIGHT)
    report = guru.get(
        f"/sessions/{public_id}/report", headers={"Accept-Language": "en"}
    )
    assert re.search(
        r"First steps</td><td>1</td><td>100%", report.get_data(as_text=True)
    )
