"""Quick exit: it always leaves at once, and it ends the sign-in it leaves behind.

The page's script sends a beacon (a POST with the CSRF token) and goes to the neutral
site; without JavaScript the link is a GET that does the same through the server. A
link on another site can send a reader to the neutral site, never sign them out.
"""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from
from tests.factories import make_class_session
from tests.helpers import join

FROM_OUR_PAGE = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def learner_client(app, client):
    join(client, make_class_session(app), "Wulan")
    assert client.get("/me/").status_code == 200
    return client


def test_the_link_without_javascript_signs_out_and_leaves(app, learner_client):
    copied = learner_client.get_cookie("session").value
    response = learner_client.get("/leave", headers=FROM_OUR_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    assert learner_client.get("/me/").status_code == 302  # back to the start page
    kept = app.test_client()
    kept.set_cookie("session", copied)
    assert kept.get("/me/").status_code == 302  # a kept copy of the cookie is dead


def test_an_older_browser_is_recognised_by_its_referer(learner_client):
    learner_client.get("/leave", headers={"Referer": "http://localhost/courses/"})
    assert learner_client.get("/me/").status_code == 302


def test_the_beacon_signs_out_without_a_page(learner_client):
    token = csrf_from(learner_client, "/me/")
    response = learner_client.post("/leave", data={"csrf_token": token})
    assert response.status_code == 204 and response.get_data() == b""
    assert learner_client.get("/me/").status_code == 302


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "none"}, {}]
)
def test_a_link_from_elsewhere_leaves_but_signs_nobody_out(
    app, learner_client, headers
):
    response = learner_client.get("/leave", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert learner_client.get("/me/").status_code == 200


def test_a_forged_beacon_signs_nobody_out(learner_client):
    response = learner_client.post("/leave", data={"csrf_token": "forged"})
    assert 400 <= response.status_code < 500
    assert learner_client.get("/me/").status_code == 200


def test_anyone_can_leave(app, client):
    response = client.get("/leave", headers=FROM_OUR_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]
