"""Server-rendered SVG bar charts for the sales dashboard (no JavaScript, prints and screenshots as is)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil, log10

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 96, 16, 16, 48


def won(amount: int) -> str:
    """176000 → '176,000원'."""
    return _("%(amount)s원") % {"amount": f"{amount:,}"}


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``, so grid lines fall on round amounts."""
    if value <= 0:
        return 1
    magnitude: int = 10 ** int(log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart_svg(
    points: Sequence[tuple[str, int]], *, title: str, format_value: Callable[[int], str] = won, label_every: int = 0
) -> SafeString:
    """One bar per (label, value); y grid with four formatted levels; every label escaped."""
    fmt = format_value
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = _nice_ceiling(max((value for _, value in points), default=0))
    slot = plot_width / max(len(points), 1)
    every = label_every or max(1, ceil(len(points) / 12))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="sales-chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for level in range(5):
        value = top_value * level // 4
        y = TOP + plot_height - plot_height * level / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{escape(fmt(value))}</text>'
        )
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top_value
        x = LEFT + index * slot + slot * 0.15
        y = TOP + plot_height - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" fill="#fae100" '
            f'stroke="#3c1e1e" stroke-width="0.5"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text above is escaped
