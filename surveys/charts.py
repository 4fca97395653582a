"""Chart.js configurations for the results pages, drawn by static/js/survey-charts.js from a data attribute (the
Content-Security-Policy allows no inline script). Built from what surveys.results returns: a withheld group has
no dataset, so a chart never shows more than the table beside it."""

from .models import Question
from .results import Block, Trend, TrendQuestion


def block_chart(block: Block) -> dict | None:
    """Bars per option (percentages) with one dataset per shown group; a number question: the mean per group.
    None when no group is shown, or for free text (a count only)."""
    shown = [g for g in block.groups if g.shown]
    if not shown or block.question.kind == Question.Kind.TEXT:
        return None
    if block.question.kind == Question.Kind.NUMBER:
        return {"type": "bar", "labels": [g.label for g in shown],
                "datasets": [{"label": block.question.code, "data": [float(g.mean or 0) for g in shown]}],
                "percent": False}
    return {"type": "bar", "labels": [label for _value, label in block.options],
            "datasets": [{"label": g.label, "data": [float(c.percent) for c in g.cells]} for g in shown],
            "percent": True}


def trend_chart(trend: Trend, question: TrendQuestion) -> dict:
    """A line per option (or the mean) across the years; a year without a figure is a gap (null)."""
    return {"type": "line", "labels": [str(y) for y in trend.years],
            "datasets": [{"label": line.label, "data": [float(p.value) if p.shown and p.value is not None else None
                                                        for p in line.points]} for line in question.lines],
            "percent": not question.is_mean}
