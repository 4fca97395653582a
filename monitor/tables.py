"""A monitor figure as a table and as charts, from what monitor.selectors gives a viewer (so never more than it
may see). The page's data table and the CSV/XLSX download are both `figure_table`, so a download holds exactly
the numbers shown; the charts (drawn by static/js/survey-charts.js from a data attribute, as the survey results
are) show the same rows."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.numbers import count, hours, money, percent

from .indicators import Unit
from .selectors import Figure

NUMERIC = {Unit.COUNT, Unit.PERCENT, Unit.HOURS, Unit.EURO, Unit.DAYS, Unit.MARK, Unit.YEARS}


def display(value, unit) -> str:
    """A cell as the reader writes it: '1.234', '97,5%', '15,8', '€ 17,40', '7,4'; nothing is '—'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit == Unit.PERCENT:
        return percent(value)
    if unit == Unit.EURO:
        return money(value)
    if unit == Unit.COUNT and float(value).is_integer():
        return count(value)
    if unit == Unit.MARK:
        return hours(round(value, 1))
    return hours(value)


@dataclass
class Line:
    """A table row as shown: the row's label, each cell as the reader writes it, the note, its drill-down."""
    label: str
    texts: list[str]
    note: str
    withheld: bool
    drill_url: str | None


@dataclass
class FigureTable:
    header: list[str]  # the first column (what a row is about), each column, and the note
    rows: list[list]  # plain values (numbers as numbers), as written to CSV/XLSX
    lines: list[Line]  # the same rows as the page shows them


def figure_table(figure: Figure) -> FigureTable:
    value = figure.value or {}
    columns = value.get("columns", [])
    header = [_("Onderwerp"), *[c["label"] for c in columns], _("Opmerking")]
    rows, lines = [], []
    for row in value.get("rows", []):
        cells = row.get("cells") or {}
        withheld = bool(row.get("withheld"))
        values = ["" if withheld else cells.get(c["key"]) for c in columns]
        rows.append([row["label"], *values, row.get("note", "")])
        texts = ["—" if withheld else display(v, c.get("unit")) for v, c in zip(values, columns, strict=True)]
        lines.append(Line(label=row["label"], note=row.get("note", ""), withheld=withheld, texts=texts,
                          drill_url=row.get("drill_url")))
    return FigureTable(header=header, rows=rows, lines=lines)


def _chart_columns(figure: Figure) -> list[dict]:
    columns = [c for c in (figure.value or {}).get("columns", []) if c.get("unit") in NUMERIC]
    if not columns:
        return []
    unit = figure.indicator.unit if any(c["unit"] == figure.indicator.unit for c in columns) else columns[0]["unit"]
    return [c for c in columns if c["unit"] == unit]


def figure_chart(figure: Figure) -> str:
    """Bars per row, one dataset per numeric column of the figure's unit; withheld rows are left out (as in the
    table they have no number). "" when there is nothing to draw."""
    columns = _chart_columns(figure)
    rows = [r for r in (figure.value or {}).get("rows", []) if not r.get("withheld")]
    if not columns or not rows:
        return ""
    datasets = [{"label": c["label"], "data": [_number((r.get("cells") or {}).get(c["key"])) for r in rows]}
                for c in columns]
    return json.dumps({"type": "bar", "labels": [r["label"] for r in rows], "datasets": datasets,
                       "percent": columns[0]["unit"] == Unit.PERCENT})


def trend_chart(figure: Figure) -> str:
    """A line per cut (the viewer's and those beside it) through each year's headline; a year without one is a
    gap. "" when no year has a headline."""
    if not any(v is not None for line in figure.trend for v in line.values):
        return ""
    unit = (figure.headline or {}).get("unit") or figure.indicator.unit
    return json.dumps({"type": "line", "labels": [str(y) for y in figure.trend_years],
                       "datasets": [{"label": line.label, "data": [_number(v) for v in line.values]}
                                    for line in figure.trend],
                       "percent": unit == Unit.PERCENT})


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
