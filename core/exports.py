"""Tables as CSV and XLSX downloads: the one way the portal writes a spreadsheet (survey results, monitor figures).

A text that starts with =, +, - or @ would be read as a formula by a spreadsheet (formula injection): it gets a
leading apostrophe in CSV and is written as a plain string in XLSX. CSV is UTF-8 with a byte order mark and
semicolons, as Dutch spreadsheets open it; decimals are written with a comma there."""

import csv
import io
import re
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def file_response(header: list[str], rows: list[list], *, name: str, fmt: str, sheet: str | None = None,
                  default_name: str = "uitkomsten") -> HttpResponse:
    """`fmt` "csv" or "xlsx"; `sheet` the XLSX sheet's title (default "Uitkomsten")."""
    filename = slugify(name) or default_name
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import TYPE_STRING

        book = Workbook()
        worksheet = book.active
        worksheet.title = _sheet_title(sheet or _("Uitkomsten"))
        worksheet.append(header)
        for row in rows:
            worksheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for line in worksheet.iter_rows(min_row=1):
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


def _sheet_title(title: str) -> str:
    # A sheet name has at most 31 characters and none of : \ / ? * [ ] (Excel refuses the file otherwise).
    return " ".join(re.sub(r"[:\\/?*\[\]]", " ", str(title)).split())[:31].strip() or "Blad1"


def _csv_value(value):
    # Dutch spreadsheets read "66,7" as a number; a Decimal written with a point would be text there.
    if isinstance(value, Decimal) or (isinstance(value, float) and not isinstance(value, bool)):
        return str(value).replace(".", ",")
    return value
