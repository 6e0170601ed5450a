"""Simple bar charts drawn on the server as inline SVG (no chart script in the
browser); every chart is shown next to a table of the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 0  # labels are in the table beside the chart, and in each bar's title
WIDTH = 300


@dataclass(frozen=True)
class Bar:
    """One bar: where it is drawn and what it shows."""

    label: str
    value: float
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    """Bars scaled to the largest value (or to `scale`, e.g. 100 for percents)."""

    title: str
    bars: tuple[Bar, ...]
    height: int
    width: int = WIDTH


def bar_chart(
    title: str, items: Sequence[tuple[str, float | None]], scale: float | None = None
) -> BarChart:
    """Return a chart of (label, value) items; missing values draw no bar."""
    values = [v for _label, v in items if v is not None]
    top = scale or max(values, default=0) or 1
    bars = tuple(
        Bar(
            label,
            value or 0,
            index * (BAR_HEIGHT + GAP),
            round(WIDTH * (value or 0) / top),
        )
        for index, (label, value) in enumerate(items)
    )
    return BarChart(title, bars, max(1, len(items) * (BAR_HEIGHT + GAP) - GAP))
