"""The order page's registrations-per-day chart, drawn by the server as inline SVG (no script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bizshop.codes.selectors import DayCount

WIDTH = 640
HEIGHT = 160
AXIS = 16  # room under the bars for the first and last dates
LABEL = 14  # room over the bars for their counts
MAX_BAR_WIDTH = 36  # a campaign of a few days gets bars, not a wall


@dataclass(frozen=True)
class Bar:
    """One day's bar, in the chart's own units (its viewBox); a day without registrations is 0 high."""

    x: float
    y: float
    width: float
    height: float
    date: date
    count: int

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_height: int
    bars: list[Bar]
    max_count: int
    labelled: bool  # few enough bars to write each one's count over it


def registrations_chart(days: Sequence[DayCount]) -> Chart:
    """A bar per day, scaled to the busiest day; bars of many days get thin, never fewer.

    A bar is at most ``MAX_BAR_WIDTH`` wide, centred in its day's slot; up to 31 days each bar
    carries its count."""
    plot_height = HEIGHT - AXIS
    slot = WIDTH / max(len(days), 1)
    width = min(slot - min(2.0, slot * 0.2), MAX_BAR_WIDTH)
    top = max((day.count for day in days), default=0)
    labelled = len(days) <= 31
    room = plot_height - (LABEL if labelled else 0)
    bars = []
    for i, day in enumerate(days):
        height = round(room * day.count / top, 2) if top else 0.0
        bars.append(
            Bar(
                x=round(i * slot + (slot - width) / 2, 2),
                y=round(plot_height - height, 2),
                width=round(width, 2),
                height=height,
                date=day.date,
                count=day.count,
            )
        )
    return Chart(width=WIDTH, height=HEIGHT, plot_height=plot_height, bars=bars, max_count=top, labelled=labelled)
