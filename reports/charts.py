"""Bar charts drawn on the server as SVG (templates/reports/_bar_chart.html): geometry only.

Every series has its own fill pattern (solid, hatched, dotted) and every bar its value written
beside it, so no figure is told by colour alone (WCAG 1.4.1); the page puts the chart's data
table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (pattern id, legend swatch) per series, in order: solid, diagonal hatch, dots.
PATTERNS = ("solid", "hatch", "dots")
LABEL_WIDTH = 190
BAR_AREA = 330
VALUE_WIDTH = 70
BAR_HEIGHT = 14
GAP = 10


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    value_x: float
    value_y: float
    text: str


@dataclass
class Category:
    label: str
    label_y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    series: list[tuple[str, str]]  # (name, pattern)
    categories: list[Category]
    width: int
    height: int
    legend_y: float
    axis_x: int = LABEL_WIDTH


def percent_text(value: float | None) -> str:
    """0.935 → "93,5 %" (Vietnamese decimal comma); None → "—" (nothing measured)."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def bar_chart(
    chart_id: str,
    title: str,
    series: list[str],
    rows: list[tuple[str, list[float | None]]],
) -> Chart:
    """A horizontal grouped bar chart of ratios 0–1: one group of bars per row."""
    legend_height = 26
    top = legend_height + 8
    group_height = len(series) * BAR_HEIGHT + GAP
    categories = []
    for index, (label, values) in enumerate(rows):
        y0 = top + index * group_height
        category = Category(
            # 24 characters of 12 px text fit the label column; the full name is in the table.
            label=label if len(label) <= 24 else label[:23] + "…",
            label_y=y0 + len(series) * BAR_HEIGHT / 2 + 4,
        )
        for n, value in enumerate(values):
            y = y0 + n * BAR_HEIGHT
            width = round((value or 0.0) * BAR_AREA, 1)
            category.bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y + 1,
                    width=width,
                    height=BAR_HEIGHT - 2,
                    pattern=PATTERNS[n % len(PATTERNS)],
                    value_x=LABEL_WIDTH + width + 4,
                    value_y=y + BAR_HEIGHT - 3,
                    text=percent_text(value),
                )
            )
        categories.append(category)
    return Chart(
        id=chart_id,
        title=title,
        series=[(name, PATTERNS[n % len(PATTERNS)]) for n, name in enumerate(series)],
        categories=categories,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=top + max(1, len(rows)) * group_height + 4,
        legend_y=16,
    )
