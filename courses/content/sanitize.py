"""Allow-list HTML sanitiser for everything rendered from Markdown (nh3 / ammonia).

Python-Markdown passes raw HTML and any URL scheme through, so every piece of HTML made
from content goes through clean_html() before it reaches a template. Editors'
accounts can be phished: their HTML is treated as untrusted.
"""

import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "del", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
# Heading anchors are generated as "h-<slug>"; any other id could clobber a global name.
HEADING_ID = re.compile(r"^h-[a-z0-9_-]{1,80}$")  # "_2": toc's suffix for repeats
# Same-site images only: an image on another host would tell it who is reading.
LOCAL_PATH = re.compile(r"^/(?!/)[A-Za-z0-9._~/%-]*$")
NUMBER = re.compile(r"^\d{1,4}$")


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """Drop attribute values that the tag allow-list alone cannot judge."""
    if attr == "id":
        return value if HEADING_ID.match(value) else None
    if tag == "img" and attr == "src":
        return value if LOCAL_PATH.match(value) else None
    if attr in {"width", "height", "colspan", "rowspan", "start"}:
        return value if NUMBER.match(value) else None
    if attr == "align":
        return value if value in {"left", "right", "center"} else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def clean_html(html: str) -> str:
    """Return `html` with everything outside the allow-list removed."""
    return _cleaner.clean(html)
