"""Browser fixtures: Debian's Chromium via Playwright on a live gunicorn server.

Shared by the browser test modules, which import what they use. In CI (CI=true) a
missing Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import FIXTURES
from tests.server import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EXIT_URL = "https://weather.example/"
MODULE = "/courses/sample-course/first-steps"


def _sync_api():  # noqa: ANN202 - the playwright module
    """Return Playwright, or skip (outside CI) when Chromium or Playwright is absent."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI needs Debian's chromium for the browser tests")
        pytest.skip("Debian's chromium is not installed (make browser)")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def database_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's SQLite database."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'db.sqlite3'}"


ARABIC_MODULE = """---
title: الخطوات الأولى
---
تصل إلى أيو رسالة عن عمل في الخارج.

:::quiz
1. يجب أن تدفع أيو رسومًا للحصول على العمل. ما هذا؟ {#fee}
   - [ ] أمر عادي
   - [x] علامة تحذير
   - [ ] هدية
   > لا يجب أن يدفع العامل مقابل الحصول على عمل.

2. ما هي علامات التحذير؟ {multiple}
   - [x] الوكيل يحتفظ بجواز سفرك
   - [x] يجب أن تدفع تأمينًا
   - [ ] تحصل على عقد مكتوب
   > أخذ الوثائق وطلب الرسوم من علامات التحذير.

3. عرض العمل الموجود على وسائل التواصل فقط حقيقي دائمًا. {true-false}
   - [ ] صح
   - [x] خطأ
   > المحتالون ينشرون على وسائل التواصل أيضًا.
:::
"""


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture course plus an Arabic version of its first module."""
    tree = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(FIXTURES / "content", tree)
    arabic = tree / "sample-course" / "01-first-steps.ar.md"
    arabic.write_text(ARABIC_MODULE, encoding="utf-8")
    return tree


@pytest.fixture(scope="module")
def base_url(database_file: str, content_dir: Path) -> Iterator[str]:
    """A live server on a fresh SQLite database, quick exit pointing at a stub host."""
    with live_server(
        database_file, content_dir, workers=2, QUICK_EXIT_URL=EXIT_URL
    ) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with _sync_api().sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync",
            ],
        )  # fmt: skip
        yield instance
        instance.close()


class Watch:
    """Everything a page did that a learner's safety depends on."""

    def __init__(self, page, base_url: str) -> None:
        self.hosts: set[str] = set()
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.hosts.add(urlsplit(r.url).netloc))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(m.text),
        )
        # The neutral site is stubbed: no network here, and tests stay local.
        page.route(
            EXIT_URL + "**",
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<title>Weather</title>sunny"
            ),
        )
        self.own_host = urlsplit(base_url).netloc


@pytest.fixture
def page(browser, base_url: str):
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
        extra_http_headers={"Accept-Language": "en"},
    )
    tab = context.new_page()
    tab.watch = Watch(tab, base_url)
    yield tab
    context.close()


def sign_in_page(context, username: str, password: str):  # noqa: ANN201 - a Page
    """Open a tab in `context` and sign a staff member in through the form."""
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form button.primary")
    page.wait_for_load_state()
    return page
