"""The printable yearly monitor: one PDF of a contract year that follows the NZa monitor's chapters (samenvatting,
contractafspraken huisartsenzorg, multidisciplinaire zorg, maatwerk, the GCP scoreboard, enquêtes), with for every
indicator its bar chart, its table, and how it is computed. Drawn with fpdf2 (as contracting/pdf.py), the bars
by hand, from the stored snapshots only (monitor.selectors.monitor_view and the national cuts): printing never
recomputes a figure.

Who may print, and what they see, follows monitor/access.py: the NZa every name; an insurer's purchasers the
national tables with their own insurer named and every other insurer as its letter of the year ("Zorgverzekeraar
A"), and, for the indicators split by insurer, their own insurer's table beside it. The stored labels are Dutch
(the monitor's language), so the print is Dutch throughout, numbers in Dutch notation (core.numbers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from contracting.pdf import ENCODING, FooterPDF
from contracting.pdf import pdf_text as _t
from core.numbers import count, hours, money
from core.numbers import percent as percent_text

from .access import INSURER, NZA, Filters, MonitorAccess
from .indicators import Chapter, Dim, Indicator, Unit
from .models import MonitorSnapshot
from .selectors import Freshness, monitor_view

# Who gets the printable monitor (monitor/access.py kinds): the NZa, and an insurer for its own position.
PRINT_KINDS = frozenset({NZA, INSURER})
NUMERIC_UNITS = frozenset({Unit.COUNT, Unit.PERCENT, Unit.HOURS, Unit.EURO, Unit.DAYS, Unit.MARK, Unit.YEARS})
MAX_BARS = 30  # a longer table is charted by its first rows; the table below it has them all
BLUE = (1, 104, 155)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(222, 233, 242))


def may_print(access: MonitorAccess) -> bool:
    return access.kind in PRINT_KINDS


@dataclass
class PrintedFigure:
    indicator: Indicator
    national: dict | None  # the national table as the viewer may see it; None: not computed yet
    own: dict | None = None  # an insurer's own table (indicators split by insurer), else None
    own_label: str = ""


@dataclass
class PrintedMonitor:
    year: int
    access: MonitorAccess
    freshness: Freshness | None
    chapters: list[tuple[str, str, list[PrintedFigure]]] = field(default_factory=list)

    @property
    def figures(self) -> list[PrintedFigure]:
        return [f for _c, _l, figures in self.chapters for f in figures]


def printed_monitor(*, user, year: int) -> PrintedMonitor:
    """What `user` may print of `year`: every indicator's national table (and an insurer's own), by chapter.
    monitor_view's fixed number of queries, and one more for an insurer's national tables."""
    view = monitor_view(user=user, year=year, filters=Filters())
    access = view.access
    national: dict[str, dict] = {}
    if access.names_all:
        # The NZa's unfiltered cut is the national one (monitor_view drops what an indicator is not split by).
        national = {f.code: f.value for f in view.figures if f.value is not None}
    else:
        for code, value in (MonitorSnapshot.objects.filter(
                year=year, indicator__in=[f.code for f in view.figures], insurer__isnull=True,
                region__isnull=True, segment="", provider_type="").values_list("indicator", "value")):
            national[code] = _letters_last(access.present(value, own_cut=False))
    chapters = []
    for chapter, label in Chapter.choices:
        figures = []
        for figure in view.figures:
            if figure.indicator.chapter != chapter:
                continue
            printed = PrintedFigure(indicator=figure.indicator, national=national.get(figure.code))
            if not access.names_all and figure.dims.insurer is not None and Dim.INSURER in figure.indicator.dimensions:
                printed.own, printed.own_label = figure.value, _("Uw zorgverzekeraar")
            figures.append(printed)
        chapters.append((chapter, str(label), figures))
    return PrintedMonitor(year=year, access=access, freshness=view.freshness, chapters=chapters)


def _letters_last(value: dict | None) -> dict | None:
    """Anonymised rows after the others, in letter order: tables list insurers by name, and that order would
    tell which letter is which insurer."""
    if not value or not any(r.get("anonymous") for r in value.get("rows", [])):
        return value
    rows = value["rows"]
    value["rows"] = ([r for r in rows if not r.get("anonymous")]
                     + sorted((r for r in rows if r.get("anonymous")), key=lambda r: (len(r["label"]), r["label"])))
    return value


# --- Writing numbers ---------------------------------------------------------------------------------------------
def cell_text(value, unit: str) -> str:
    """One table cell as a Dutch reader reads it; a dash for no value."""
    if value is None or value == "":
        return "–"
    if unit in NUMERIC_UNITS and isinstance(value, (int, float)) and not isinstance(value, bool):
        if unit == Unit.COUNT or unit == Unit.YEARS:
            return count(value) if float(value).is_integer() else hours(value)
        if unit == Unit.PERCENT:
            return percent_text(value)
        if unit == Unit.EURO:
            return money(value)
        return hours(value)
    return str(value)


def chart_column(indicator: Indicator, value: dict) -> dict | None:
    """The column a figure's bars show: the one in the indicator's own unit, else its last percentage, else
    its first number; None when the table has no numbers."""
    numeric = [c for c in value.get("columns", []) if c.get("unit") in NUMERIC_UNITS]
    if not numeric:
        return None
    for col in numeric:
        if col["unit"] == indicator.unit:
            return col
    percents = [c for c in numeric if c["unit"] == Unit.PERCENT]
    return percents[-1] if percents else numeric[0]


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# --- The PDF -----------------------------------------------------------------------------------------------------
def _moment(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i") if value else "–"


def monitor_pdf(printed: PrintedMonitor, *, compress: bool = True) -> bytes:
    with translation.override("nl"):
        return _draw(printed, compress=compress)


def _draw(printed: PrintedMonitor, *, compress: bool) -> bytes:
    pdf = FooterPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(compress)
    title = _("Monitor contractafspraken huisartsenzorg en multidisciplinaire zorg %(year)s") % {
        "year": printed.year}
    pdf.set_title(title)
    pdf.set_author(_("Contracteerportaal huisartsenzorg"))
    pdf.set_creator(_("Contracteerportaal huisartsenzorg"))
    fresh = printed.freshness
    pdf.footer_text = (_("Contractjaar %(year)s, berekend op %(moment)s")
                       % {"year": printed.year, "moment": _moment(fresh.computed_at)}
                       if fresh and fresh.computed_at else _("Contractjaar %(year)s") % {"year": printed.year})
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(16, 16, 16)
    pdf.add_page()
    width = pdf.epw

    def text(value, *, size=9, style="", height=4.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, _t(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _t(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if fresh and fresh.computed_at:
        line = _("Berekend op %(moment)s") % {"moment": _moment(fresh.computed_at)}
        if fresh.data_until:
            line += _(" uit gegevens tot %(moment)s") % {"moment": _moment(fresh.data_until)}
        text(line + ".", size=10)
    else:
        text(_("De cijfers van dit jaar zijn nog niet berekend; ze worden elke nacht berekend."), size=10)
    if fresh and fresh.published:
        text(_("Gepubliceerd op %(moment)s: deze cijfers veranderen niet meer.")
             % {"moment": _moment(fresh.published_at)}, size=10)
    if not printed.access.names_all:
        text(_("Andere zorgverzekeraars staan er geanonimiseerd in, met een letter die dit jaar in elk cijfer "
               "dezelfde is."), size=10)

    # Samenvatting: the headline of every figure, in the monitor's order.
    for chapter, label, figures in printed.chapters:
        if chapter == Chapter.SUMMARY:
            _chapter_heading(pdf, label)
            _summary(pdf, printed)
            for figure in figures:
                _figure(pdf, figure)
            break
    for chapter, label, figures in printed.chapters:
        if chapter == Chapter.SUMMARY:
            continue
        _chapter_heading(pdf, label)
        if not figures:
            text(_("In dit hoofdstuk zijn nog geen indicatoren."))
        for figure in figures:
            _figure(pdf, figure)
    return bytes(pdf.output())


def _chapter_heading(pdf: FPDF, label: str) -> None:
    if pdf.get_y() > pdf.h * 0.6:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_fill_color(*BLUE)
    pdf.set_text_color(255)
    pdf.cell(pdf.epw, 8, _t(" " + label), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.set_fill_color(255)
    pdf.ln(2)


def _summary(pdf: FPDF, printed: PrintedMonitor) -> None:
    pdf.set_font("Helvetica", size=8)
    pdf.set_fill_color(255)
    with pdf.table(col_widths=(60, 28, 12), text_align=("LEFT", "LEFT", "RIGHT"), line_height=4.5,
                   first_row_as_headings=True, headings_style=HEADINGS) as table:
        row = table.row()
        for title in (_("Indicator"), _("Kerncijfer"), _("Waarde")):
            row.cell(_t(title))
        for figure in printed.figures:
            head = (figure.national or {}).get("headline") or {}
            row = table.row()
            row.cell(_t(figure.indicator.title))
            row.cell(_t(head.get("label", "") if figure.national else _("nog niet berekend")))
            row.cell(_t(cell_text(head.get("value"), head.get("unit", "")) if head else "–"))


def _figure(pdf: FPDF, figure: PrintedFigure) -> None:
    ind = figure.indicator
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(pdf.epw, 5.5, _t(ind.title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    value = figure.national
    if value is None:
        _small(pdf, _("Nog niet berekend voor dit jaar."))
    else:
        head = value.get("headline")
        if head and head.get("value") is not None:
            _small(pdf, f"{head.get('label', '')}: {cell_text(head['value'], head.get('unit', ''))}", style="B")
        _bars(pdf, ind, value)
        _table(pdf, value, _("Landelijk"))
    if figure.own is not None:
        _table(pdf, figure.own, figure.own_label)
    _small(pdf, _("Hoe berekend: %(formula)s") % {"formula": ind.formula})
    _small(pdf, _("Bron: %(source)s") % {"source": ind.source})
    for caveat in ind.caveats:
        _small(pdf, "- " + str(caveat))
    for note in (value or {}).get("notes", []):
        _small(pdf, "- " + str(note))


def _small(pdf: FPDF, value: str, *, style: str = "") -> None:
    pdf.set_font("Helvetica", style, 7.5)
    pdf.multi_cell(pdf.epw, 3.6, _t(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _bars(pdf: FPDF, ind: Indicator, value: dict) -> None:
    """Horizontal bars of the chart column, one per row (withheld rows and rows without a number get none):
    a percentage on a 0–100 scale, anything else against the largest value."""
    col = chart_column(ind, value)
    if col is None:
        return
    rows = [r for r in value.get("rows", []) if not r.get("withheld")][:MAX_BARS]
    numbers = [_number((r.get("cells") or {}).get(col["key"])) for r in rows]
    if not any(n is not None for n in numbers):
        return
    top = 100.0 if col["unit"] == Unit.PERCENT else max((abs(n) for n in numbers if n is not None), default=0)
    top = top or 1.0
    label_w, value_w, bar_h = 52, 20, 4.2
    bar_w = pdf.epw - label_w - value_w
    if pdf.get_y() + bar_h * (len(rows) + 1) > pdf.h - 20:
        pdf.add_page()
    _small(pdf, _("Grafiek: %(column)s") % {"column": col["label"]}, style="I")
    pdf.set_font("Helvetica", size=7)
    x0 = pdf.l_margin
    for row, number in zip(rows, numbers, strict=True):
        y = pdf.get_y()
        pdf.set_xy(x0, y)
        pdf.cell(label_w, bar_h, _t(_clip(pdf, str(row.get("label", "")), label_w - 1)))
        if number is not None and number > 0:
            pdf.set_fill_color(*BLUE)
            pdf.rect(x0 + label_w, y + 0.6, max(0.3, bar_w * min(number, top) / top), bar_h - 1.2, style="F")
        pdf.set_xy(x0 + label_w + bar_w, y)
        pdf.cell(value_w, bar_h, _t(cell_text((row.get("cells") or {}).get(col["key"]), col["unit"])), align="R",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_fill_color(255)
    pdf.ln(1.5)


def _clip(pdf: FPDF, value: str, width: float) -> str:
    if pdf.get_string_width(_t(value)) <= width:
        return value
    while value and pdf.get_string_width(_t(value + "…")) > width:
        value = value[:-1]
    return value + "…"


def _table(pdf: FPDF, value: dict, caption: str) -> None:
    columns = value.get("columns", [])
    rows = value.get("rows", [])
    _small(pdf, caption, style="I")
    if not rows:
        _small(pdf, _("Geen gegevens."))
        return
    label_share = 0.22 if len(columns) > 6 else 0.34 if len(columns) > 4 else 0.45
    rest = (1 - label_share) / max(len(columns), 1)
    widths = [label_share, *([rest] * len(columns))]
    aligns = ["LEFT", *("LEFT" if c.get("unit") == Unit.TEXT else "RIGHT" for c in columns)]
    pdf.set_font("Helvetica", size=6.5 if len(columns) > 5 else 7.5)
    pdf.set_fill_color(255)
    with pdf.table(col_widths=tuple(widths), text_align=tuple(aligns), line_height=3.6,
                   first_row_as_headings=True, headings_style=HEADINGS) as table:
        head = table.row()
        head.cell("")
        for col in columns:
            head.cell(_t(col.get("label", "")))
        for r in rows:
            row = table.row()
            label = str(r.get("label", ""))
            if r.get("note"):
                label += f" ({r['note']})"
            row.cell(_t(label))
            for col in columns:
                if r.get("withheld"):
                    row.cell("–")
                else:
                    row.cell(_t(cell_text((r.get("cells") or {}).get(col["key"]), col.get("unit", ""))))
    pdf.ln(1.5)
