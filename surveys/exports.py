"""Results tables and answers as CSV and XLSX files. Only rendering: every figure, and whether it may be shown,
comes from surveys.results; a withheld group is a row with its note and no number.

A text that starts with =, +, - or @ would be read as a formula by a spreadsheet (formula injection): it gets a
leading apostrophe in CSV and is written as a plain string in XLSX."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .results import AnswerTable, Results, Trend

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def file_response(header: list[str], rows: list[list], *, name: str, fmt: str) -> HttpResponse:
    """`fmt` "csv" (UTF-8 with a byte order mark and semicolons, as Dutch spreadsheets open it) or "xlsx"."""
    filename = slugify(name) or "uitkomsten"
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import TYPE_STRING

        book = Workbook()
        sheet = book.active
        sheet.title = _("Uitkomsten")[:31]
        sheet.append(header)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for line in sheet.iter_rows(min_row=1):
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = TYPE_STRING  # never a formula
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_value(_safe_text(v)) for v in row])
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _csv_value(value):
    # Dutch spreadsheets read "66,7" as a number; a Decimal written with a point would be text there.
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return value
