"""Results tables and answers as CSV and XLSX files. Only rendering: every figure, and whether it may be shown,
comes from surveys.results; a withheld group is a row with its note and no number. The files are written by
core.exports (formula-looking text stays text)."""

from django.utils.translation import gettext as _

from core.exports import file_response  # noqa: F401  (the survey views write their files with it)

from .results import AnswerTable, Results, Trend


def results_table(results: Results) -> tuple[list[str], list[list]]:
    """One row per group and option: the figures the results page shows, in the same groups."""
    header = [_("Vraag"), _("Vraagtekst"), _("Thema"), _("Over"), _("Groep"), _("Antwoorden"), _("Antwoord"),
              _("Aantal"), _("Percentage"), _("Gemiddelde"), _("Opmerking")]
    rows = []
    for block in results.blocks:
        start = [block.question.code, block.question.text, block.row_label, block.repeat_label]
        for group in block.groups:
            if not group.shown:
                rows.append([*start, group.label, "", "", "", "", "", group.note])
                continue
            if not group.cells:
                rows.append([*start, group.label, group.n, "", "", "", group.mean, ""])
            for cell in group.cells:
                rows.append([*start, group.label, group.n, cell.label, cell.count, cell.percent, group.mean, ""])
    return header, rows


def trend_table(trend: Trend) -> tuple[list[str], list[list]]:
    header = [_("Vraag"), _("Vraagtekst"), _("Maat"), _("Lijn"), *[str(y) for y in trend.years]]
    rows = []
    for question in trend.questions:
        for line in question.lines:
            rows.append([question.code, question.text, question.measure, line.label,
                         *[p.value if p.shown else p.note for p in line.points]])
    return header, rows


def answers_table(table: AnswerTable) -> tuple[list[str], list[list]]:
    return table.header, table.rows
