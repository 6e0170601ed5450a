"""Slow down guessing without locking anyone out.

A class of sixty shares one school router, so nothing here refuses an address: one
pupil typing nonsense must not keep the others out. Instead:

- an address with many recent failures is *slowed*: its failed attempts are answered
  after a short delay (at most SLOW_MAX_SECONDS; valid attempts are never delayed);
- guessing is *limited* per thing guessed: per personal code, and per staff account
  from devices that have never signed in to it (a device that has is counted alone).

Counters live in Flask-Limiter's storage (memory, or Redis shared by every worker and
machine). Keys never hold a code or password: codes are keyed by an HMAC digest.
"""

from __future__ import annotations

import threading
import time

from flask import current_app
from limits import RateLimitItem, parse

from courses.platform.extensions import limiter
from courses.platform.rate_limit_keys import client_address

ADDRESS_WINDOW = parse("100000/10 minutes")  # counted, never refused
SECONDS_PER_FAILURE = 0.05
# At most this many delayed answers wait at once per process, so slowing cannot
# tie up the server's threads; past it a failed attempt is answered 429 at once.
_waiting = threading.BoundedSemaphore(2)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def count(item: RateLimitItem, *identifiers: str) -> int:
    """Return how many hits `identifiers` have in `item`'s current window."""
    if not _enabled():
        return 0
    stats = limiter.limiter.get_window_stats(item, *identifiers)
    return item.amount - stats.remaining


def hit(item: RateLimitItem, *identifiers: str) -> None:
    """Count one hit for `identifiers` in `item`'s window."""
    if _enabled():
        limiter.limiter.hit(item, *identifiers)


def over(item: RateLimitItem, *identifiers: str) -> bool:
    """Return True when `identifiers` have used up `item`'s window."""
    return _enabled() and not limiter.limiter.test(item, *identifiers)


def slow_failure() -> bool:
    """Count a failed attempt from this address and delay its answer if it is busy.

    Returns False when too many delayed answers are waiting already; the caller then
    answers 429 at once (the attempt failed anyway, so nothing is refused).
    """
    address = client_address()
    hit(ADDRESS_WINDOW, "failed-from", address)
    config = current_app.config
    excess = (
        count(ADDRESS_WINDOW, "failed-from", address) - config["SLOW_AFTER_FAILURES"]
    )
    if excess <= 0:
        return True
    if not _waiting.acquire(blocking=False):
        return False
    try:
        time.sleep(min(config["SLOW_MAX_SECONDS"], SECONDS_PER_FAILURE * excess))
    finally:
        _waiting.release()
    return True
