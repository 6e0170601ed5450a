"""The family checklist prints on one A4 page, in Chromium, in every language it has.

Families print it and fill it in together before anyone leaves for work abroad; a
second page gets lost. The real shipped lesson is printed with the page's own print
styles (no header, footer, quick exit or quiz), and the PDF's pages are counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]
CONTENT = Path(__file__).resolve().parent.parent / "content"
CHECKLIST = "/courses/spotting-recruitment-scams/family-checklist"
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture(scope="module")
def content_dir() -> Path:
    """The shipped courses, not the test fixture."""
    return CONTENT


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_family_checklist_prints_on_one_page(browser, base_url, language):
    assert (CONTENT / "spotting-recruitment-scams").is_dir()
    context = browser.new_context(
        base_url=base_url, extra_http_headers={"Accept-Language": language}
    )
    context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    page = context.new_page()
    page.goto(CHECKLIST)
    assert page.evaluate("document.documentElement.lang") == language
    assert "☐" in page.inner_text("article")
    pdf = page.pdf(format="A4", print_background=False)
    context.close()
    assert len(PAGE_OBJECT.findall(pdf)) == 1
