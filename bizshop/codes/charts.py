"""The order page's registrations-per-day chart, drawn by the server as inline SVG (no script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bizshop.codes.selectors import DayCount

WIDTH = 640
HEIGHT = 160
AXIS = 16  # room under the bars for the first and last dates


@dataclass(frozen=True)
class Bar:
    """One day's bar, in the chart's own units (its viewBox); a day without registrations is 0 high."""

    x: float
    y: float
    width: float
    height: float
    date: date
    count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_height: int
    bars: list[Bar]
    max_count: int


def registrations_chart(days: Sequence[DayCount]) -> Chart:
    """A bar per day, scaled to the busiest day; bars of many days get thin, never fewer."""
    plot_height = HEIGHT - AXIS
    slot = WIDTH / max(len(days), 1)
    gap = min(2.0, slot * 0.2)
    top = max((day.count for day in days), default=0)
    bars = []
    for i, day in enumerate(days):
        height = round(plot_height * day.count / top, 2) if top else 0.0
        bars.append(
            Bar(
                x=round(i * slot + gap / 2, 2),
                y=round(plot_height - height, 2),
                width=round(slot - gap, 2),
                height=height,
                date=day.date,
                count=day.count,
            )
        )
    return Chart(width=WIDTH, height=HEIGHT, plot_height=plot_height, bars=bars, max_count=top)
