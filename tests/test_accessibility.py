"""Every page type, on a 360x640 phone, in Indonesian and Arabic, as each kind of user:
nothing wider than the screen, the quick exit fully in view, no axe-core violation,
and valid HTML (the Nu HTML Checker, vnu.jar, finds no error)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from courses.people.models import Role
from tests.browser import MODULE, sign_in_page
from tests.factories import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.server]
PASSWORD = "correct horse battery"
PHONE = {"width": 360, "height": 640}
LANGUAGES = ("id", "ar")


ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"


def vnu_jar() -> Path:
    """Return the Nu HTML Checker's jar (`make tools` fetches it, pinned, from npm)."""
    if not VNU.exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI needs the Nu HTML Checker: run make tools")
        pytest.skip("the Nu HTML Checker is not installed (make tools)")
    return VNU


def new_context(browser, base_url: str, language: str):
    context = browser.new_context(
        base_url=base_url,
        viewport=PHONE,
        extra_http_headers={"Accept-Language": language},
    )
    context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    return context


def sign_in(context, username: str) -> object:
    return sign_in_page(context, username, PASSWORD)


@pytest.fixture(scope="module")
def site(browser, base_url: str, database_file: str) -> dict[str, object]:
    """A facilitator's session with a learner who answered, an editor and an admin."""
    staff_in(database_file, "guru", PASSWORD, Role.FACILITATOR, "NGO")
    staff_in(database_file, "boss", PASSWORD, Role.ADMIN, "NGO")
    staff_in(database_file, "writer", PASSWORD, Role.EDITOR, "NGO")
    context = new_context(browser, base_url, "en")
    page = sign_in(context, "guru")
    page.goto("/sessions/new")
    page.fill("#title", "Kelas 9B")
    page.check("input[name=items][value=sample-course]")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/sessions/[\w-]{16}$"))
    session_url = page.url.split(base_url)[1]
    code = page.inner_text(".join-code")
    learner = new_context(browser, base_url, "en").new_page()
    learner.goto(f"/join?code={code}")
    learner.fill("#display_name", "Ayu")
    learner.click("main form button.primary")
    learner.goto(MODULE)
    for selector in ("input[name='q.fee'][value='b']", "input[name='q.2'][value='a']",
                     "input[name='q.3'][value='b']"):  # fmt: skip
        learner.check(selector)
    learner.click("#quiz button[type=submit]")
    learner.wait_for_selector(".result")
    learner.goto("/me/data")
    attempt = learner.locator("a[href^='/me/attempts/']").first.get_attribute("href")
    cookies = learner.context.cookies()
    context.close()
    add_laptop(
        browser, base_url, "en", "Laptop Desa Sukamaju"
    )  # a row in /sync/devices
    return {"session": session_url, "attempt": attempt, "learner_cookies": cookies}


def add_laptop(browser, base_url: str, language: str, name: str):  # noqa: ANN201
    """Add a device as the admin, at phone size; return the context and the page
    that shows its enrolment (once)."""
    context = new_context(browser, base_url, language)
    page = sign_in(context, "boss")
    page.goto("/sync/devices")
    page.fill("#name", name)
    page.click("main form button.primary")
    page.wait_for_selector("#enrolment")
    return context, page


def pages_for(role: str, site: dict[str, object]) -> list[str]:
    session = site["session"]
    if role == "anonymous":
        return ["/", "/courses/", "/courses/sample-course/", MODULE, "/help",
                "/safety", "/privacy", "/start", "/join", "/resume", "/login",
                "/no-such-page"]  # fmt: skip
    if role == "learner":
        return ["/me/", "/me/data", "/me/delete", site["attempt"], MODULE]
    if role == "facilitator":
        return ["/sessions/", "/sessions/new", session, f"{session}/edit",
                f"{session}/learners", f"{session}/attendance", f"{session}/team",
                f"{session}/present", f"{session}/present/sample-course/first-steps",
                f"{session}/present/sample-course/first-steps?part=2",
                f"{session}/present/sample-course/first-steps?part=4",
                f"{session}/report", f"{session}/join-sheet", f"{session}/certificates",
                "/reports", "/courses/sample-course/guide", "/sync"]  # fmt: skip
    if role == "editor":
        return ["/editor/", "/editor/preview?module=sample-course/first-steps&lang=id",
                "/editor/sample-course/first-steps/id"]  # fmt: skip
    return ["/staff", "/sync", "/sync/devices", "/sync/import"]


def open_as(browser, base_url: str, role: str, language: str, site):
    context = new_context(browser, base_url, language)
    if role == "learner":
        context.add_cookies([c for c in site["learner_cookies"] if c["name"] != "lang"])
        return context, context.new_page()
    users = {"facilitator": "guru", "editor": "writer", "admin": "boss"}
    if role in users:
        return context, sign_in(context, users[role])
    return context, context.new_page()


LAYOUT = """() => {
  const exit = document.querySelector('[data-quick-exit]').getBoundingClientRect();
  return {
    width: document.documentElement.scrollWidth, viewport: window.innerWidth,
    exit: [exit.left, exit.top, exit.right, exit.bottom],
  };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "role", ["anonymous", "learner", "facilitator", "editor", "admin"]
)
def test_every_page_fits_a_phone_and_has_no_axe_violation(
    browser, base_url, site, tmp_path_factory, role, language
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    store = tmp_path_factory.getbasetemp() / "html-for-vnu"
    store.mkdir(exist_ok=True)
    context, page = open_as(browser, base_url, role, language, site)
    problems = []
    for url in pages_for(role, site):
        response = page.goto(url)
        assert response is not None and (
            response.status < 400 or url == "/no-such-page"
        ), url
        name = re.sub(r"\W+", "-", f"{role}-{language}-{url}")[:120]
        (store / f"{name}.html").write_text(response.text(), encoding="utf-8")
        layout = page.evaluate(LAYOUT)
        if layout["width"] > layout["viewport"]:
            problems.append(
                f"{url}: {layout['width']}px wide on a {layout['viewport']}px phone"
            )
        left, top, right, bottom = layout["exit"]
        if left < 0 or top < 0 or right > PHONE["width"] or bottom > PHONE["height"]:
            problems.append(
                f"{url}: the quick exit is not fully in view {layout['exit']}"
            )
        page.mouse.wheel(0, 2000)  # still in view once the page scrolls
        if page.evaluate(LAYOUT)["exit"][1] < 0:
            problems.append(f"{url}: the quick exit scrolls out of view")
        results = axe.run(page)
        for violation in results.response["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            problems.append(
                f"{url}: axe {violation['id']} ({violation['impact']}) {targets}"
            )
    context.close()
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enrolment_shown_once_fits_a_phone(browser, base_url, site, language):
    context, page = add_laptop(browser, base_url, language, f"Laptop {language}")
    layout = page.evaluate(LAYOUT)
    left, top, right, bottom = layout["exit"]
    assert layout["width"] <= layout["viewport"]
    assert (
        left >= 0 and top >= 0 and right <= PHONE["width"] and bottom <= PHONE["height"]
    )
    assert '"device"' in page.input_value("#enrolment")  # the text to copy is whole
    context.close()


def test_every_page_is_valid_html(tmp_path_factory):
    """Run after the crawl above: the Nu HTML Checker on every page it saved."""
    store = tmp_path_factory.getbasetemp() / "html-for-vnu"
    files = sorted(store.glob("*.html")) if store.exists() else []
    assert len(files) >= 40, "the page crawl must run first (same module)"
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java (Debian: default-jre-headless)"
    result = subprocess.run(  # noqa: S603 - our own test tool
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
         *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')[
        "messages"
    ]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []


FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const style = getComputedStyle(el);
  let behind = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { behind = c; break; }
  }
  const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/);
  return {
    what: el.tagName + (el.className ? "." + el.className : ""),
    outline: style.outlineStyle === "none" ? null : rgb(style.outlineColor),
    outlineWidth: parseFloat(style.outlineWidth),
    shadow: shadow ? rgb(shadow[0]) : null,
    behind: behind,
  };
}"""


def contrast(one: list[float], two: list[float]) -> float:
    """WCAG contrast ratio of two sRGB colours."""

    def luminance(colour: list[float]) -> float:
        channels = [c / 255 for c in colour[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]  # fmt: skip
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("learner", MODULE),
        ("editor", "/editor/preview?module=sample-course/first-steps&lang=id"),
        ("facilitator", "/sessions/new"),
    ],
)
def test_the_focus_ring_stands_out_at_3_to_1_wherever_it_goes(
    browser, base_url, site, role, url
):
    """Tab through a page (links, buttons, options, select boxes, text areas)."""
    context, page = open_as(browser, base_url, role, "id", site)
    page.goto(url)
    seen, weak = set(), []
    for _ in range(120):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS)
        if ring is None:
            continue
        seen.add(ring["what"].split(".")[0])
        colours = [c for c in (ring["outline"], ring["shadow"]) if c]
        ratios = [contrast(colour, ring["behind"]) for colour in colours]
        if ring["outlineWidth"] < 2 or max(ratios, default=0) < 3:
            weak.append(
                (
                    ring["what"],
                    ratios,
                    ring["behind"],
                    page.evaluate(
                        "[document.activeElement.type, document.activeElement.name,"
                        " getComputedStyle(document.activeElement).outlineStyle,"
                        " getComputedStyle(document.activeElement).boxShadow]"
                    ),
                )
            )
    context.close()
    assert {"A", "BUTTON"} <= seen
    assert weak == []
