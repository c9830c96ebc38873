"""Charts drawn on the server: a bar per row, none for a hidden count, gaps in a line for hidden
months, every value in the description; the SVG carries its title and description."""

from datetime import date

from tests.reports.conftest import uk
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.reports.charts import bar_chart, line_chart, number
from wellbeing.reports.tables import Table

SOURCES = Table(
    "by-source",
    "Referrals by source",
    ["Source", "Referrals"],
    [["GP practice", "40"], ["Self-referral", "<5"], ["Link worker", "not shown"], ["Total", "48"]],
)


def test_numbers_are_read_from_cells_and_hidden_ones_are_not() -> None:
    assert [number(text) for text in ("12", "75%", "75% of closed", "<5", "not shown")] == [
        12,
        75,
        75,
        None,
        None,
    ]


def test_a_bar_per_row_and_none_for_a_hidden_count() -> None:
    chart = bar_chart(SOURCES)
    assert [bar.label for bar in chart.bars] == ["GP practice", "Self-referral", "Link worker"]
    # The longest bar fills the chart but for room for its figure.
    assert chart.bars[0].value_x + 8 * len("40") <= chart.width < chart.bars[0].value_x + 40
    assert [bar.width for bar in chart.bars[1:]] == [0, 0]
    assert [bar.value_text for bar in chart.bars] == ["40", "<5", "not shown"]
    assert chart.description == "GP practice: 40; Self-referral: <5; Link worker: not shown."
    assert chart.drawn


def test_a_rate_bar_says_its_share_and_leaves_room_for_it() -> None:
    rates = Table(
        "o", "Outcomes", ["Outcome", "Referrals", "Rate"], [["Accepted", "103", "84% of decided"]]
    )
    (bar,) = bar_chart(rates, 2).bars
    assert bar.value_text == "84%"
    assert bar.value_x + 8 * len("84%") <= 360


def test_a_chart_of_hidden_counts_is_not_drawn() -> None:
    hidden = Table("t", "T", ["A", "B"], [["x", "<5"], ["y", "0"]])
    assert not bar_chart(hidden).drawn


def test_a_hidden_month_is_a_gap_in_the_line() -> None:
    months = Table(
        "by-month",
        "Referrals by month",
        ["Month", "Referrals"],
        [["Nov 2025", "10"], ["Dec 2025", "12"], ["Jan 2026", "<5"], ["Feb 2026", "21"]],
    )
    chart = line_chart(months)
    assert len(chart.points) == 3 and len(chart.segments) == 2 and chart.gaps
    assert [tick.lines for tick in chart.y_ticks] == [["0"], ["15"], ["30"]]
    assert [tick.lines for tick in chart.x_ticks] == [
        ["Nov", "2025"],
        ["Dec"],
        ["Jan", "2026"],
        ["Feb"],
    ]
    assert "Jan 2026: <5" in chart.description


def test_the_page_draws_charts_with_titles_and_descriptions(client, login_as, add_referral) -> None:
    for day in range(1, 8):
        add_referral(uk(date(2026, 3, day)))
    db.session.commit()
    login_as(Role.COMMISSIONER)
    page = client.get("/reports?from=2026-01-01&to=2026-06-30").get_data(as_text=True)
    assert 'role="img"' in page
    assert '<title id="chart-by-source-title">Referrals by source</title>' in page
    assert '<desc id="chart-by-source-desc">GP practice: 7;' in page
    assert 'aria-labelledby="chart-by-month-title chart-by-month-desc"' in page
