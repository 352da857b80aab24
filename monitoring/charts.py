"""Bar charts drawn on the server as SVG geometry (no chart library, no script).

Bars instead of lines: a period of one day, or days without activity, stay
readable (a line over one point is a dot; over zeros, a flat line that looks
like a broken chart). A chart whose series are all zero is not drawn at all:
the template says what the empty period means instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 28
MAX_X_LABELS = 12
TICKS = 4


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass
class BarChart:
    """What the SVG template draws: bars, axis labels and the legend."""

    title: str
    total: float
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return not self.total


def _nice_step(maximum: float) -> float:
    """Return the smallest round tick step (1, 2, 2.5 or 5 times a power of ten,
    at least 1) whose TICKS steps reach ``maximum``."""
    raw = maximum / TICKS
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return max(step, 1)


def _number(value: float, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def bar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[float]]],
    unit: str = "",
    decimals: int = 0,
    y_max: float | None = None,
) -> BarChart:
    """Return a grouped bar chart: one group per category, one bar per series.

    ``categories`` label the groups (dates, hours); ``series`` is
    ``[(label, values)]`` with one value per category (None counts as 0).
    ``y_max`` fixes the top of the scale (100 for percentages).
    """
    values = [[v or 0 for v in data] for _label, data in series]
    chart = BarChart(
        title=title,
        total=sum(sum(v) for v in values),
        legend=[(n, label) for n, (label, _data) in enumerate(series)],
    )
    if chart.empty or not categories:
        return chart
    step = y_max / TICKS if y_max else _nice_step(max(max(v) for v in values))
    top = step * TICKS
    plot_height = chart.baseline - TOP
    slot = (chart.right - chart.left) / len(categories)
    bar_width = slot * 0.8 / len(series)
    for n in range(TICKS + 1):
        y = chart.baseline - plot_height * n / TICKS
        tick = step * n
        chart.y_ticks.append((round(y, 1), _number(tick, 0 if float(tick).is_integer() else 1)))
    every = math.ceil(len(categories) / MAX_X_LABELS)
    for index, category in enumerate(categories):
        group_x = chart.left + slot * index + slot * 0.1
        if index % every == 0:
            chart.x_labels.append((round(chart.left + slot * (index + 0.5), 1), category))
        for n, (label, _data) in enumerate(series):
            value = values[n][index]
            if not value:
                continue  # no bar: the tooltip-less gap reads as "nothing"
            height = plot_height * value / top
            chart.bars.append(
                Bar(
                    x=round(group_x + bar_width * n, 1),
                    y=round(chart.baseline - height, 1),
                    width=round(max(bar_width - 1, 1), 1),
                    height=round(height, 1),
                    series=n,
                    title=f"{category} · {label}: {_number(value, decimals)}{unit}",
                )
            )
    return chart
