"""The server-drawn bar charts: scale, bars, gaps and empty charts."""

import pytest

from monitoring.charts import bar_chart


def test_bars_are_proportional_and_zero_days_leave_a_gap():
    chart = bar_chart(title="t", categories=["a", "b", "c"], series=[("Pesquisas", [40, 0, 10])])
    assert [label for _y, label in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    tall, short = chart.bars
    assert tall.height == pytest.approx(4 * short.height, rel=0.01)
    assert tall.y + tall.height == pytest.approx(chart.baseline)
    assert [b.title for b in chart.bars] == ["a · Pesquisas: 40", "c · Pesquisas: 10"]


@pytest.mark.parametrize(
    ("maximum", "top"), [(1, 4), (3, 4), (7, 8), (100, 100), (101, 200), (1234, 2000)]
)
def test_the_scale_reaches_the_highest_bar_with_round_ticks(maximum, top):
    chart = bar_chart(title="t", categories=["a"], series=[("s", [maximum])])
    assert chart.y_ticks[-1][1].replace(".", "") == f"{top}"


def test_a_single_day_is_a_bar_not_a_dot():
    chart = bar_chart(title="t", categories=["10/03"], series=[("s", [5])])
    (bar,) = chart.bars
    assert bar.width > 100 and bar.height > 100


def test_all_zero_is_an_empty_chart_and_percentages_top_at_100():
    assert bar_chart(title="t", categories=["a", "b"], series=[("s", [0, None])]).empty
    chart = bar_chart(
        title="t", categories=["a"], series=[("s", [48.5])], unit="%", decimals=1, y_max=100
    )
    assert chart.y_ticks[-1][1] == "100"
    assert chart.bars[0].title == "a · s: 48,5%"
