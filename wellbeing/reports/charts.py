"""Charts drawn on the server as SVG, from a report's tables: the same numbers, also in a table.

Laid out here (positions in the SVG's own units), drawn by ``reports/_charts.html``. The view box
is about as wide as a phone's screen, so the text is read at its own size there; each chart has
a title and a description listing every value. A hidden count ("<5", "not shown") has no bar, or
leaves a gap in a line, and says so in words.
"""

import math
import re
from dataclasses import dataclass

from wellbeing.reports.tables import Table

WIDTH = 360
LABEL_CHARS = 48  # about as many as fit across the chart at its text size
CHAR_WIDTH = 8  # the widest a character of a figure is, at that size
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)%?(?: |$)")


@dataclass(frozen=True)
class Bar:
    label: str
    label_y: float
    bar_y: float
    width: float
    value_text: str
    value_x: float


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    description: str
    height: float
    bars: list[Bar]
    width: int = WIDTH
    bar_height: int = 16
    kind: str = "bar"

    @property
    def drawn(self) -> bool:
        """Whether any bar has a length: a chart of hidden counts and zeros says nothing."""
        return any(bar.width > 0 for bar in self.bars)


@dataclass(frozen=True)
class Tick:
    position: float
    lines: list[str]


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    description: str
    height: float
    left: float
    right: float
    top: float
    bottom: float
    segments: list[str]  # "x,y x,y ..." for each run of months shown
    points: list[tuple[float, float]]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    gaps: bool  # some months are hidden
    width: int = WIDTH
    kind: str = "line"

    @property
    def drawn(self) -> bool:
        return any(y < self.bottom for _, y in self.points)


def number(text: str) -> float | None:
    """A cell's number ("12", "75% of closed"), or None when it is hidden ("<5", "not shown")."""
    match = _NUMBER.match(text)
    return float(match.group(1)) if match else None


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _description(rows: list[tuple[str, str]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in rows) + "."


def _figure(text: str) -> str:
    """What a bar's end says: the number alone ("84%" of "84% of decided"), else the text."""
    match = _NUMBER.match(text)
    return match.group(0).strip() if match else text


def bar_chart(table: Table, column: int = 1, title: str | None = None) -> BarChart:
    """Horizontal bars, one per row (a total row is left out), each label above its bar and
    its figure after it; the longest bar leaves room for the longest figure."""
    rows = [(row[0], row[column]) for row in table.rows if row[0] != "Total" and row[column]]
    values = [number(text) for _, text in rows]
    figures = [_figure(text) for _, text in rows]
    drawn = [len(figure) for figure, value in zip(figures, values, strict=True) if value]
    room = 16 + CHAR_WIDTH * max(drawn or [0])
    scale = (WIDTH - room) / max([v for v in values if v] or [1])
    bars, y = [], 4.0
    for label, figure, value in zip([label for label, _ in rows], figures, values, strict=True):
        width = (value or 0) * scale
        bars.append(Bar(_short(label), y + 13, y + 19, width, figure, width + (6 if width else 0)))
        y += 44
    return BarChart(table.key, title or table.title, _description(rows), y, bars)


def _nice_ceiling(value: float) -> int:
    """The next round number at or above ``value`` (5, 10, 20, 30, 40, 50, 60, 80, 100, ...)."""
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 3, 4, 5, 6, 8, 10) if step * magnitude >= value)


def _runs(positions: list[tuple[float, float] | None]) -> list[str]:
    """SVG polyline points for each run of positions between gaps (None)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for position in positions:
        if position is None:
            runs.append([])
        else:
            runs[-1].append(position)
    return [" ".join(f"{x:.1f},{y:.1f}" for x, y in run) for run in runs if run]


def line_chart(table: Table) -> LineChart:
    """Referrals by month (rows labelled like "Apr 2026") as a line; a month whose count is
    hidden is a gap in it."""
    rows = [(row[0], row[1]) for row in table.rows if row[0] != "Total"]
    months = [label for label, _ in rows]
    values = [number(text) for _, text in rows]
    left, right, top, height = 40.0, WIDTH - 14.0, 12.0, 230.0
    bottom = height - 48
    ceiling = _nice_ceiling(max([v for v in values if v is not None] or [0]))
    step = (right - left) / max(len(rows) - 1, 1)

    def at(index: int, value: float) -> tuple[float, float]:
        return left + index * step, bottom - (bottom - top) * value / ceiling

    positions = [None if v is None else at(index, v) for index, v in enumerate(values)]
    every = max(1, math.ceil(len(rows) / 6))
    return LineChart(
        key=table.key,
        title=table.title,
        description=_description(rows) + " Months with a hidden count are gaps in the line.",
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        segments=_runs(positions),
        points=[position for position in positions if position is not None],
        x_ticks=[
            Tick(left + index * step, _month_lines(months, index))
            for index in range(0, len(rows), every)
        ],
        y_ticks=[Tick(at(0, value)[1], [str(value)]) for value in (0, ceiling // 2, ceiling)],
        gaps=None in values,
    )


def _month_lines(months: list[str], index: int) -> list[str]:
    """'Apr' under a tick, and the year under the first tick and each January."""
    name, year = months[index].split()
    return [name, year] if index == 0 or name == "Jan" else [name]
