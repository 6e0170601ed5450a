"""Safe redirects: only to a path on this site, never to another host."""

import re

SAFE_PATH = re.compile(r"^/(?![/\\])[^\s\\]*$")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` if it is a local path, else `default` (no open redirects)."""
    if target and SAFE_PATH.match(target) and len(target) <= 512:
        return target
    return default
