"""Locust users of a district's day: learners and the facilitators watching them.

A learner joins a class with its code and a name, opens the course, reads modules
and answers their quizzes (a first try with some answers wrong; after reading the
result, a second try), sometimes sends the same form twice (a double tap on a slow
link), then continues on another device: a fresh cookie jar signing in with the
personal code shown after joining. A facilitator signs in with a password, opens
the session page and polls its live grid every few seconds the way the htmx page
does (`?v=` the version it has: an unchanged grid answers 204).

Run by benchmarks/district_day.py, which writes the plan this file reads (the file
named in DISTRICT_PLAN: join codes, session ids, facilitators, think times, the
answer key) and reads what it records when the run stops (each step's times, every
failure, the submission ids of every quiz answer the server confirmed).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant_pacing, events, task
from locust.contrib.fasthttp import FastHttpSession, FastResponse
from locust.env import Environment

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
PERSONAL_CODE = re.compile(r'class="personal-code"[^>]*>([A-Z0-9-]+)<')
HIDDEN = re.compile(r'type="hidden" name="([^"]+)" value="([^"]*)"')
CHOICE = re.compile(r'type="(radio|checkbox)" name="([^"]+)" value="([^"]*)"')
RIGHT = re.compile(
    r'class="option is-right">\s*<input type="(?:radio|checkbox)" '
    r'name="([^"]+)" value="([^"]*)"'
)
RESULT = re.compile(r'class="result (pass|fail)"[^>]*>\s*([^<]*?)\s*<')
CONTINUE = re.compile(r'<a class="button" href="(/courses/[a-z0-9-]+/[a-z0-9-]+)"')
VERSION = re.compile(r"""hx-vals='\{"v": "([^"]+)"\}'""")
LEARNERS, FACILITATORS = itertools.count(), itertools.count()
# How long a learner whose day is over (or a facilitator who could not sign in)
# sleeps before looking again; the run ends when the last learner is done.
IDLE_SECONDS = 60.0


@dataclass
class Plan:
    """What the driver asks for: the classes, their facilitators, the pace."""

    classes: list[dict[str, str]]  # code, public_id, facilitator, address
    answers: dict[str, dict[str, list[str]]]  # module page -> field -> right keys
    knows: float  # the chance a learner answers a question right on a first try
    learners: int
    password: str
    course: str
    modules_before: int
    modules_after: int
    think: tuple[float, float]
    poll_seconds: float
    record: str

    @classmethod
    def load(cls, path: str) -> Plan:
        """Read the plan the driver wrote."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["think"] = tuple(data["think"])
        return cls(**data)


@dataclass
class Record:
    """What the run saw: times per step, failures, confirmed submissions."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # submission ids, once each
    resent: int = 0  # forms sent a second time, answered with the first result
    finished: int = 0  # learners who played their whole day
    gave_up: int = 0  # learners stopped by a failure
    learners: int = 0  # learner users Locust started
    facilitators: int = 0  # facilitator users Locust started

    def save(self, path: str) -> None:
        """Write the record as JSON for the driver."""
        data = {
            "times": dict(self.times),
            "failures": self.failures,
            "answered": self.answered,
            "resent": self.resent,
            "finished": self.finished,
            "gave_up": self.gave_up,
            "learners": self.learners,
            "facilitators": self.facilitators,
        }
        Path(path).write_text(json.dumps(data), encoding="utf-8")


PLAN: Plan | None = None
RECORD = Record()


def plan() -> Plan:
    """Return the plan (read when Locust starts)."""
    assert PLAN is not None, "DISTRICT_PLAN was not read"
    return PLAN


@events.init.add_listener
def read_plan(environment: Environment, **_kwargs: Any) -> None:
    """Read the plan and set the users' pace from it."""
    global PLAN
    PLAN = Plan.load(os.environ["DISTRICT_PLAN"])
    Learner.wait_time = between(*PLAN.think)
    Facilitator.wait_time = constant_pacing(PLAN.poll_seconds)
    Facilitator.fixed_count = len(PLAN.classes)


@events.request.add_listener
def on_request(
    name: str,
    response_time: float,
    response: FastResponse | None,
    exception: Exception | None,
    **_kwargs: Any,
) -> None:
    """Keep each answer's time under its step; a grid poll by what it answered."""
    if name == "grid":
        unchanged = response is not None and response.status_code == 204
        name = "grid_unchanged" if unchanged else "grid_changed"
    RECORD.times[name].append(response_time)
    if exception is not None:
        RECORD.failures.append(f"{name}: {exception}"[:300])


@events.test_stop.add_listener
def save_record(environment: Environment, **_kwargs: Any) -> None:
    """Write what the run saw for the driver."""
    RECORD.save(plan().record)


def learner_finished(environment: Environment, finished: bool) -> None:
    """Count a learner out; end the run when the last one is done."""
    if finished:
        RECORD.finished += 1
    else:
        RECORD.gave_up += 1
    if RECORD.finished + RECORD.gave_up == plan().learners:
        gevent.spawn_later(0.5, environment.runner.quit)


class Failed(Exception):
    """A step answered something other than what a browser would go on from."""


def check(
    response: FastResponse, status: int, pattern: re.Pattern[str] | None = None
) -> re.Match[str] | None:
    """Fail the answer unless it has `status` (and `pattern`); return the match."""
    found = pattern.search(response.text or "") if pattern else None
    if response.status_code != status or (pattern is not None and found is None):
        message = f"HTTP {response.status_code}, expected {status}"
        if pattern is not None and found is None:
            message += f" with {pattern.pattern[:40]!r}"
        response.failure(message)
        raise Failed(message)
    response.success()
    return found


def quiz_parts(html: str) -> tuple[dict[str, str], dict[str, tuple[str, list[str]]]]:
    """Return a quiz form's hidden fields and each question's kind and options."""
    start = html.index('id="quiz"')
    quiz = html[start : html.index("</section>", start)]
    options: dict[str, tuple[str, list[str]]] = {}
    for kind, name, value in CHOICE.findall(quiz):
        options.setdefault(name, (kind, []))[1].append(value)
    return dict(HIDDEN.findall(quiz)), options


def first_try(
    rng: random.Random, url: str, options: dict[str, tuple[str, list[str]]]
) -> list:
    """Return a first try: most questions answered right, the others guessed."""
    pairs = []
    for name, (kind, values) in options.items():
        right = plan().answers.get(url, {}).get(name)
        if right and rng.random() < plan().knows:
            chosen = right
        else:
            count = rng.randint(1, len(values)) if kind == "checkbox" else 1
            chosen = rng.sample(values, count)
        pairs += [(name, value) for value in chosen]
    return pairs


class Device:
    """One browser of one learner: its cookie jar, at its school's address."""

    def __init__(self, user: FastHttpUser, address: str) -> None:
        self.user = user
        self.session = FastHttpSession(
            base_url=user.host,
            request_event=user.environment.events.request,
            user=user,
            network_timeout=120.0,
            connection_timeout=60.0,
            headers={"Accept-Language": "id", "X-Forwarded-For": address},
        )
        self.origin = {"Origin": user.host, "Sec-Fetch-Site": "same-origin"}

    def get(self, url: str, name: str, status: int = 200, **headers: str) -> str:
        """Open a page from one of ours (so reading counts); return its HTML."""
        headers.setdefault("Sec-Fetch-Site", "same-origin")
        with self.session.get(
            url, name=name, headers=headers, catch_response=True, allow_redirects=False
        ) as response:
            check(response, status)
            return response.text or ""

    def post(self, url: str, pairs: list, name: str, status: int = 200) -> FastResponse:
        """Send a form as a browser does (Origin, form encoding); return the answer."""
        headers = {**self.origin, "Content-Type": "application/x-www-form-urlencoded"}
        with self.session.post(
            url,
            data=urlencode(pairs),
            name=name,
            headers=headers,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            check(response, status, RESULT if name in ("quiz", "resend") else None)
            return response


class Learner(FastHttpUser):
    """A pupil's day: join, read, answer, and continue on another device."""

    wait_time = between(3, 9)  # replaced from the plan

    def on_start(self) -> None:
        """Pick this learner's class, name and dice."""
        number = next(LEARNERS)
        RECORD.learners += 1
        self.school = plan().classes[number % len(plan().classes)]
        self.name_in_class = f"Murid {number // len(plan().classes) + 1}"
        self.rng = random.Random(number)
        self.resends = number % 4 == 0  # a quarter tap "check" twice
        self.device = Device(self, self.school["address"])
        self.played = False

    @task
    def day(self) -> None:
        """Play the whole day once, then stay idle until the run ends.

        An idle learner is not stopped: Locust replaces stopped users while it is
        still ramping up, which would add learners to the class.
        """
        if self.played:
            gevent.sleep(IDLE_SECONDS)
            return
        self.played = True
        finished = False
        try:
            self.play()
            finished = True
        except Failed:
            pass  # already counted as a failed request
        except Exception as error:  # noqa: BLE001 - a broken page is a failure too
            RECORD.failures.append(f"learner: {type(error).__name__}: {error}"[:300])
        learner_finished(self.environment, finished)

    def play(self) -> None:
        """Join, study, continue on another device and study more."""
        code = self.join()
        self.wait()
        modules = self.open_course()
        for url in modules[: plan().modules_before]:
            self.study(url)
        self.device = self.resume(code)
        for _ in range(plan().modules_after):
            self.study(self.continue_url())

    def join(self) -> str:
        """Open the join page (from the QR code), join; return the personal code."""
        page = self.device.get("/join", "join_form", **{"Sec-Fetch-Site": "none"})
        self.wait()
        pairs = [
            ("csrf_token", CSRF.search(page)[1]),
            ("form_key", FORM_KEY.search(page)[1]),
            ("join_code", self.school["code"]),
            ("display_name", self.name_in_class),
        ]
        answer = self.device.post("/join", pairs, "join")
        found = PERSONAL_CODE.search(answer.text or "")
        if found is None:
            raise Failed("no personal code after joining")
        return found[1]

    def open_course(self) -> list[str]:
        """Open the course; return its module pages in order."""
        page = self.device.get(f"/courses/{plan().course}/", "course")
        links = re.findall(rf'href="(/courses/{plan().course}/[a-z0-9-]+)"', page)
        return [url for url in dict.fromkeys(links) if not url.endswith("/guide")]

    def continue_url(self) -> str:
        """Open the course on this device; return where its Continue button goes."""
        page = self.device.get(f"/courses/{plan().course}/", "course")
        found = CONTINUE.search(page)
        if found is None:
            raise Failed("no Continue button on the course page")
        return found[1]

    def study(self, url: str) -> None:
        """Read a module, answer its quiz; after a failed try, read and try again."""
        self.wait()
        page = self.device.get(url, "module")
        if 'id="quiz"' not in page:
            return
        hidden, options = quiz_parts(page)
        self.wait()
        first = list(hidden.items()) + first_try(self.rng, url, options)
        answer = self.answer(url, first)
        if self.resends:
            self.resend(url, first, answer)
        if 'class="result pass"' in answer:
            return
        right = RIGHT.findall(answer)
        self.wait()
        blank = self.device.get(url + "/quiz", "try_again", **{"HX-Request": "true"})
        hidden, _options = quiz_parts(blank)
        self.answer(url, list(hidden.items()) + right)

    def answer(self, url: str, pairs: list) -> str:
        """Send a quiz (a plain form POST); count its submission id once answered."""
        answer = self.device.post(url + "/quiz", pairs, "quiz")
        RECORD.answered.append(dict(pairs)["submission_id"])
        return answer.text or ""

    def resend(self, url: str, pairs: list, first: str) -> None:
        """Send the same form again: the first result must come back, nothing new."""
        again = self.device.post(url + "/quiz", pairs, "resend").text or ""
        RECORD.resent += 1
        if RESULT.search(again)[0] != RESULT.search(first)[0]:
            RECORD.failures.append("resend: a different result for the same form")

    def resume(self, code: str) -> Device:
        """Continue on another device: a fresh browser signs in with the code."""
        device = Device(self, self.school["address"])
        self.wait()
        page = device.get("/resume", "resume_form", **{"Sec-Fetch-Site": "none"})
        self.wait()
        pairs = [("csrf_token", CSRF.search(page)[1]), ("personal_code", code)]
        answer = device.post("/resume", pairs, "resume", status=302)
        device.get(answer.headers["Location"], "progress")
        return device


class Facilitator(FastHttpUser):
    """A teacher with the session page open: the grid refreshes every few seconds."""

    wait_time = constant_pacing(5)  # replaced from the plan
    fixed_count = 1  # one per class, from the plan

    def on_start(self) -> None:
        """Sign in with a password and open the session page."""
        self.school = plan().classes[next(FACILITATORS) % len(plan().classes)]
        RECORD.facilitators += 1
        self.device = Device(self, self.school["address"])
        self.page = ""  # stays empty if signing in fails: the user then idles
        try:
            self.sign_in()
        except Failed:
            pass  # already counted as a failed request
        except Exception as error:  # noqa: BLE001 - a broken page is a failure too
            RECORD.failures.append(f"facilitator: {type(error).__name__}: {error}")

    def sign_in(self) -> None:
        """Sign in with a password, open the session page, note the grid's version."""
        page = self.device.get(
            "/login", "staff_login_form", **{"Sec-Fetch-Site": "none"}
        )
        pairs = [
            ("csrf_token", CSRF.search(page)[1]),
            ("username", self.school["facilitator"]),
            ("password", plan().password),
        ]
        self.device.post("/login", pairs, "staff_login", status=302)
        page = f"/sessions/{self.school['public_id']}"
        self.version = VERSION.search(self.device.get(page, "session_page"))[1]
        self.page = page

    @task
    def poll(self) -> None:
        """Ask for the grid with the version shown; take the new one if it changed."""
        if not self.page:
            gevent.sleep(IDLE_SECONDS)
            return
        headers = {
            "HX-Request": "true",
            "HX-Trigger": "grid-poller",
            "HX-Target": "grid-poller",
            "HX-Current-URL": self.host + self.page,
        }
        with self.device.session.get(
            f"{self.page}/grid?v={self.version}",
            name="grid",
            headers={**headers, "Sec-Fetch-Site": "same-origin"},
            catch_response=True,
        ) as response:
            if response.status_code == 204:
                response.success()
                return
            try:
                self.version = check(response, 200, VERSION)[1]
            except Failed:
                pass  # counted as a failed request; poll again with the old version
