"""First paint of pages on the slowest phones: Chromium with an EDGE-like link and a
4x slower CPU, against gunicorn serving the shipped content.

Usage: .venv/bin/python benchmarks/page_weight.py --paint [path ...]
(or run this module directly). Each page is opened RUNS times, every time in a new
browser context (an empty cache, no cookies: a first visit from a link in a chat),
and the median first contentful paint is printed. Target (issue 13): 2 s or less.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import live_server  # noqa: E402

RUNS = 5
TARGET_MS = 2000
# EDGE-like: 240 kbit/s down, 800 ms round trip (Chromium's latency is per request).
LINK = {
    "offline": False,
    "latency": 800,
    "downloadThroughput": 240_000 / 8,
    "uploadThroughput": 200_000 / 8,
}
CPU_SLOWDOWN = 4
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PAINT = "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"


def one_paint(browser, url: str) -> float:  # noqa: ANN001 - a Playwright Browser
    """Open `url` in a fresh context on the throttled link; return its paint in ms."""
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", LINK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(url, wait_until="load")
        page.wait_for_function(f"{PAINT} !== null")
        return float(page.evaluate(PAINT))
    finally:
        context.close()


def median_paints(base: str, paths: list[str]) -> dict[str, list[float]]:
    """Return every run's first paint (ms) for each path."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    results: dict[str, list[float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS
        )
        for path in paths:
            results[path] = [one_paint(browser, base + path) for _ in range(RUNS)]
        browser.close()
    return results


def main(paths: list[str]) -> int:
    """Serve the shipped content, measure each path, print medians; 1 if over."""
    paths = paths or [
        "/courses/spotting-recruitment-scams/too-good-to-be-true",
        "/help",
        "/",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/paint.db"
        with live_server(database, ROOT / "content", workers=2) as base:
            results = median_paints(base, paths)
    worst = 0.0
    for path, paints in results.items():
        middle = statistics.median(paints)
        worst = max(worst, middle)
        spread = f"{min(paints) / 1000:.2f}-{max(paints) / 1000:.2f}"
        flag = "ok" if middle <= TARGET_MS else "OVER"
        print(f"{flag:4} first paint {middle / 1000:.2f} s ({spread})  {path}")
    print(
        f"slowest median: {worst / 1000:.2f} s (EDGE 240 kbit/s, 800 ms RTT, "
        f"CPU x{CPU_SLOWDOWN}; target {TARGET_MS / 1000:.1f} s)"
    )
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
