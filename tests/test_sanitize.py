"""Hostile Markdown through the real pipeline (Python-Markdown, then nh3).

Editors' accounts can be phished, so lesson text is untrusted: nothing that runs script,
loads another site, restyles the page or drives htmx may reach a learner.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest

from courses.content.markup import render_inline, render_markdown
from courses.content.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LOCAL_PATH

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "script-in-paragraph": "Hello <script>alert(document.cookie)</script> world",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "javascript-link": "[x](javascript:alert(1))",
    "javascript-mixed-case": "[x](JaVaScRiPt:alert(1))",
    "javascript-entity": "[x](&#106;avascript:alert(1))",
    "javascript-tab": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "javascript-reference": "[x][r]\n\n[r]: javascript:alert(1)",
    "javascript-autolink": "<javascript:alert(1)>",
    "vbscript-link": "[x](vbscript:msgbox(1))",
    "data-link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "form": '<form action="https://evil.example"><input name="pw"></form>',
    "style-tag": "<style>body{display:none}</style>",
    "a-onclick": '<a href="https://x" onclick="alert(1)">x</a>',
    "a-onmouseover": "Click <a href='https://a' onmouseover='alert(1)'>here</a>",
    "htmx-div": '<div hx-get="/admin" hx-trigger="load">x</div>',
    "htmx-data-attr": '<p data-hx-post="/x">x</p>',
    "htmx-on-attr": '<button hx-on:click="alert(1)">x</button>',
    "svg-onload": "<svg onload=alert(1)>",
    "math": "<math><mi>x</mi></math>",
    "object": '<object data="x.swf"></object>',
    "embed": '<embed src="x.swf">',
    "base": '<base href="https://evil.example/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "heading-id": '<h2 id="htmx">x</h2>',
    "heading-id-clobber": '<h3 id="csrf_token">x</h3>',
    "external-image": "![x](https://tracker.example/p.gif)",
    "protocol-relative-image": "![x](//tracker.example/p.gif)",
    "a-style": '<a style="position:fixed;top:0" href="https://example.org">x</a>',
    "p-style": '<p style="color:red">x</p>',
    "html-comment": "<!-- hx-get data: javascript: <script> -->",
    "data-image": '<img src="data:image/png;base64,iVBORw0KGgo=">',
    "unknown-tag-onclick": "<x onclick=alert(1)>x</x>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "link-title-injection": '[x](https://example.org "t" onclick=alert(1))',
    "table-in-html": '<table onmouseover="alert(1)"><tr><td style="x">x</td></tr>',
}

FORBIDDEN = [
    "<script",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<form",
    "<input",
    "<button",
    "<style",
    "hx-",
    "style=",
    "<svg",
    "<math",
    "<object",
    "<embed",
    "<base",
    "<meta",
    "<link",
    "<div",
    "<details",
    "tracker.example",
    "evil.example",
    "<!--",
    'id="htmx"',
    'id="csrf_token"',
]
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
EVENT_HANDLER = re.compile(r"\son\w+\s*=")
RENDERERS: dict[str, Callable[[str], str]] = {
    "block": render_markdown,
    "inline": render_inline,
}


@pytest.mark.parametrize("renderer", list(RENDERERS.values()), ids=list(RENDERERS))
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_hostile_markdown_is_neutralised(
    payload: str, renderer: Callable[[str], str]
) -> None:
    """Nothing dangerous survives rendering, in lessons or in quiz lines."""
    html = renderer(payload).lower()
    for needle in FORBIDDEN:
        assert needle not in html, f"{needle!r} survived in {html!r}"
    assert not EVENT_HANDLER.search(html), html


def test_hostile_link_keeps_its_text() -> None:
    """A link whose address is refused still shows its text, without an href."""
    html = render_markdown("[read this](javascript:alert(1))")
    assert "read this" in html
    assert "href" not in html


def test_script_and_style_content_is_dropped() -> None:
    """Script and style bodies are removed, not shown as text."""
    html = render_markdown("a <script>var secret = 1;</script> b <style>p{}</style>")
    assert "secret" not in html
    assert "p{}" not in html


# --- what must survive ----------------------------------------------------------------


def test_table_survives() -> None:
    """A Markdown table becomes an HTML table."""
    html = render_markdown("| Sign | Why |\n|---|---|\n| A fee | Employers pay |")
    assert "<table>" in html
    assert "<th>Sign</th>" in html
    assert "<td>Employers pay</td>" in html


def test_headings_get_prefixed_anchors() -> None:
    """Headings get "h-" ids so they can be linked without clobbering globals."""
    html = render_markdown("## Title\n\n### Sub heading!\n\n## Tanda bahaya")
    assert '<h2 id="h-title">Title</h2>' in html
    assert '<h3 id="h-sub-heading">Sub heading!</h3>' in html
    assert '<h2 id="h-tanda-bahaya">' in html


def test_heading_id_with_prefix_is_kept() -> None:
    """A raw heading whose id already follows the h- rule keeps it."""
    assert render_markdown('<h2 id="h-ok">x</h2>') == '<h2 id="h-ok">x</h2>'


@pytest.mark.parametrize(
    "text",
    ["## Example\n\n## Example", "## اتصل بنا\n\n## مرحبا"],
    ids=["repeated-heading", "arabic-headings"],
)
def test_every_heading_keeps_an_anchor(text: str) -> None:
    """Each heading has an id, and the ids differ."""
    ids = re.findall(r'<h2 id="([^"]+)"', render_markdown(text))
    assert len(ids) == 2
    assert len(set(ids)) == 2


def test_lists_survive() -> None:
    """Bulleted and numbered lists, including a start number, are kept."""
    html = render_markdown("- one\n- two\n\n3. three\n4. four")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">' in html
    assert "<li>four</li>" in html


def test_https_link_keeps_href_and_gets_rel() -> None:
    """An https link keeps its address and is marked noopener."""
    html = render_markdown("[x](https://example.org)")
    assert 'href="https://example.org"' in html
    rel = re.search(r'rel="([^"]*)"', html)
    assert rel
    assert "noopener" in rel.group(1).split()


def test_http_link_loses_href() -> None:
    """Only https, mailto and site addresses are allowed as links."""
    assert "href" not in render_markdown("[x](http://example.org)")


def test_site_link_is_kept() -> None:
    """A link to a page on this site keeps its address."""
    html = render_markdown("[next](/courses/sample-course/first-steps)")
    assert 'href="/courses/sample-course/first-steps"' in html


def test_local_image_keeps_src() -> None:
    """An image on this site keeps its address and alt text."""
    html = render_markdown("![A poster](/static/x.png)")
    assert 'src="/static/x.png"' in html
    assert 'alt="A poster"' in html


def test_image_size_must_be_a_small_number() -> None:
    """Width and height are kept only when they are plain numbers."""
    html = render_markdown('<img src="/static/x.png" width="100" height="100%">')
    assert 'width="100"' in html
    assert "height" not in html


def test_mailto_link_survives() -> None:
    """A mailto link keeps its address."""
    assert 'href="mailto:a@b.c"' in render_markdown("[m](mailto:a@b.c)")


def test_emphasis_and_blockquote_survive() -> None:
    """Bold, italic, code and block quotes are kept."""
    html = render_markdown("**bold** *italic* `code`\n\n> quoted")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<code>code</code>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html


def test_render_inline_has_no_paragraph() -> None:
    """One line of Markdown renders without a surrounding paragraph."""
    assert render_inline("Is **this** a sign?") == "Is <strong>this</strong> a sign?"


# --- deterministic fuzzing ------------------------------------------------------------

FRAGMENTS = [
    "<",
    ">",
    '"',
    "'",
    "=",
    ":",
    "script",
    "onerror",
    "javascript",
    "hx-get",
    "style",
    "iframe",
    " ",
    "a",
    "href",
    "img",
    "src",
    "/",
    "[x](",
    ")",
    "![i](",
    "\n",
    "//",
    "data",
    "svg",
]


class _Collector(HTMLParser):
    """Collect every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _scheme(url: str) -> str:
    """Return a URL's scheme as a browser reads it (tabs and newlines ignored)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(33))))
    cleaned = cleaned.lower()
    match = SCHEME.match(cleaned)
    return match.group(1) if match else ""


def _fuzz_inputs(count: int) -> list[str]:
    rng = random.Random(0)
    return [
        "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 40)))
        for _ in range(count)
    ]


def _check_allow_listed(html: str, source: str) -> None:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, (tag, source, html)
        extra = {"rel"} if tag == "a" else set()
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | extra
        for name, value in attrs:
            assert name in allowed, (tag, name, source, html)
            assert value is not None
            if name == "href":
                assert _scheme(value) in {"", "https", "mailto"}, (value, source)
            if name == "src":
                assert LOCAL_PATH.match(value), (value, source)
            if name == "id":
                assert value.startswith("h-"), (value, source)


@pytest.mark.parametrize("renderer", list(RENDERERS.values()), ids=list(RENDERERS))
def test_fuzzed_markup_only_yields_allow_listed_html(
    renderer: Callable[[str], str],
) -> None:
    """500 random strings of risky fragments give only allow-listed tags/attributes."""
    inputs = _fuzz_inputs(500)
    assert len(set(inputs)) > 450  # the generator really varies its output
    tags_seen: set[str] = set()
    for source in inputs:
        html = renderer(source)
        _check_allow_listed(html, source)
        assert "<script" not in html.lower()
        tags_seen.update(re.findall(r"<([a-z0-9]+)", html))
    assert {"a", "img"} <= tags_seen  # links and images were really produced
