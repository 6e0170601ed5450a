"""Functions for the bounded-runner tests; stdlib only, so a child imports them fast."""

import time


def sleep_for(seconds: float) -> str:
    """Sleep, then say so."""
    time.sleep(seconds)
    return "slept"


def allocate(megabytes: int) -> int:
    """Allocate and return a number of bytes."""
    return len(bytearray(megabytes * 1024 * 1024))
