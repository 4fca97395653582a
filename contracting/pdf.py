"""The signed contract as a PDF (fpdf2), drawn from the frozen content of the Signature, never from the live
standard contract, so the PDF always shows what was signed, with the hash that proves it."""

from decimal import InvalidOperation

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.numbers import count, hours, money

from .models import Signature, Unit

# The PDF core fonts (Helvetica, Courier) need no font file on the server. With the Windows-1252 encoding
# they carry the euro sign and Dutch accented letters; anything beyond that is replaced by "?" (see _t).
ENCODING = "windows-1252"


# Signs that Windows-1252 lacks, written the way it can.
_PLAIN = str.maketrans({"≥": ">=", "≤": "<=", "−": "-", "≠": "!=", "→": "->", "\u2009": " ", "\u202f": " "})


def pdf_text(text) -> str:
    """Text the PDF core fonts can carry (Windows-1252); anything beyond it becomes "?"."""
    return str(text or "").translate(_PLAIN).encode(ENCODING, "replace").decode(ENCODING)


_t = pdf_text


def _money(value) -> str:
    try:
        return money(value)
    except (InvalidOperation, ValueError):
        return "–"


def _hours(value) -> str:
    if value in (None, ""):
        return ""
    return hours(value)


def _unit(code: str) -> str:
    try:
        return str(Unit(code).label)
    except ValueError:
        return code


def _years(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


class FooterPDF(FPDF):
    """An A4 document of the portal with its footer: `footer_text` on the left, the page number on the right
    (the signed contract, the negotiation record and the printable monitor)."""
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90)
        self.cell(self.epw - 25, 5, _t(self.footer_text), align="L")
        self.cell(25, 5, _t(_("Pagina %(page)s") % {"page": self.page_no()}), align="R")
        self.set_text_color(0)


def signed_contract_pdf(signature: Signature, *, compress: bool = True) -> bytes:
    content = signature.content
    holder = content.get("holder", {})
    insurer = content.get("insurer", {})
    signed_by = content.get("signed_by", {})
    signed_at = timezone.localtime(signature.signed_at)

    pdf = FooterPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(compress)
    pdf.set_title(content.get("title", ""))
    pdf.set_author(insurer.get("name", ""))
    pdf.set_subject(_("Ondertekend contract, inhoudshash (SHA-256) %(hash)s") % {"hash": signature.content_hash})
    pdf.set_creator(_("Contracteerportaal huisartsenzorg"))
    pdf.set_creation_date(signature.signed_at)
    pdf.footer_text = _("Inhoudshash (SHA-256): %(hash)s") % {"hash": signature.content_hash}
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(width, 7, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=10)

    def pair(label: str, value: str) -> None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(48, 6, _t(label))
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(width - 48, 6, _t(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(text: str) -> None:
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(width, 5, _t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _t(content.get("title", "")), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=11)
    pdf.cell(width, 7, _t(_("Ondertekend contract huisartsenzorg, contractjaar %(years)s")
                          % {"years": _years(content.get("years", []))}), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading(_("Partijen"))
    pair(_("Zorgverzekeraar"), insurer.get("name", ""))
    pair(_("Zorgaanbieder"), holder.get("name", ""))
    if holder.get("agb_code"):
        pair(_("AGB-code"), holder["agb_code"])
    pair(_("KvK-nummer"), holder.get("kvk_number", ""))
    if holder.get("registered_patients") is not None:
        pair(_("Ingeschreven patiënten"), count(holder["registered_patients"]))
    pair(_("Looptijd"), _years(content.get("years", [])))

    heading(_("Modules"))
    pdf.set_font("Helvetica", size=9)
    with pdf.table(col_widths=(58, 24, 44, 22, 30), text_align=("LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
                   line_height=5, first_row_as_headings=True) as table:
        row = table.row()
        for title in (_("Module"), _("Tarief"), _("Eenheid"), _("Uren/week"), _("Geschat per jaar")):
            row.cell(_t(title))
        for module in content.get("modules", []):
            row = table.row()
            row.cell(_t(module.get("name", "")))
            row.cell(_t(_money(module.get("tariff"))))
            row.cell(_t(_unit(module.get("unit", ""))))
            row.cell(_t(_hours(module.get("hours"))))
            amount = module.get("estimated_amount")
            row.cell(_t(_money(amount) if amount is not None else _("naar productie")))
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(width - 30, 6, _t(_("Geschat jaarbedrag (totaal)")), align="R")
    pdf.cell(30, 6, _t(_money(content.get("estimated_amount", signature.estimated_amount))), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(width, 4, _t(_("Een schatting bij het aantal ingeschreven patiënten op het moment van ondertekenen. "
                                  "Consulten en verrichtingen worden naar productie vergoed en tellen niet mee.")),
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    with_conditions = [m for m in content.get("modules", []) if (m.get("conditions") or "").strip()]
    if with_conditions:
        heading(_("Voorwaarden per module"))
        for module in with_conditions:
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(width, 5, _t(module["name"]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            paragraph(module["conditions"])
    if (content.get("conditions") or "").strip():
        heading(_("Algemene voorwaarden"))
        paragraph(content["conditions"])
    if (content.get("adjustment_clause") or "").strip():
        heading(_("Aanpassingsclausule"))
        paragraph(content["adjustment_clause"])

    heading(_("Ondertekening"))
    signer = signed_by.get("name") or signature.signed_by.get_full_name()
    if signed_by.get("email") and signed_by.get("email") != signer:
        signer = f"{signer} ({signed_by['email']})"
    pair(_("Ondertekend door"), signer)
    pair(_("Ondertekend op"), date_format(signed_at, "j F Y, H:i:s") + " " + _("(Nederlandse tijd)"))
    version = signature.policy_version
    if version is not None:
        pair(_("Inkoopbeleid"), _("‘%(title)s’, versie %(number)s van %(day)s (inhoudshash %(hash)s)") % {
            "title": version.title, "number": version.number,
            "day": date_format(timezone.localtime(version.published_at), "j F Y"), "hash": version.content_hash})
    pair(_("Inhoudshash (SHA-256)"), "")
    pdf.set_font("Courier", size=9)
    pdf.cell(width, 5, signature.content_hash, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(width, 4, _t(_("De hash is berekend over de volledige vastgelegde inhoud van dit contract. Elke "
                                  "wijziging in die inhoud geeft een andere hash.")),
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _when(value: str | None) -> str:
    """An ISO moment from a dossier as local date and time, or a dash."""
    if not value:
        return "–"
    from datetime import date, datetime

    if len(value) == 10:
        return date_format(date.fromisoformat(value), "j F Y")
    return date_format(timezone.localtime(datetime.fromisoformat(value)), "j F Y, H:i")


def request_dossier_pdf(dossier: dict, *, compress: bool = True) -> bytes:
    """A request's whole dossier (selectors.requests.request_dossier) as one PDF: the parties, the request,
    every message with its attachments' names, the answer or decision and appeal, and each clock with its
    last day and whether it was met. Drawn from the same data as the JSON export."""
    pdf = FooterPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(compress)
    title = _("Dossier %(kind)s %(id)s") % {"kind": dossier["kind_label"].lower(), "id": dossier["id"]}
    pdf.set_title(title)
    pdf.set_creator(_("Contracteerportaal huisartsenzorg"))
    pdf.footer_text = _("Geëxporteerd op %(moment)s") % {"moment": _when(dossier["exported_at"])}
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(width, 7, _t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=10)

    def pair(label: str, value) -> None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(52, 6, _t(label))
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(width - 52, 6, _t(value or "–"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(text: str) -> None:
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(width, 5, _t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _t(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    heading(_("Partijen en data"))
    pair(_("Zorgaanbieder"), dossier["holder"])
    pair(_("Zorgverzekeraar"), dossier["insurer"])
    pair(_("Status"), dossier["status_label"])
    pair(_("Ingediend door"), f"{dossier['raised_by']} ({dossier['raised_by_side']})")
    pair(_("Ingediend op"), _when(dossier["raised_at"]))
    if dossier["year"]:
        pair(_("Contractjaar"), str(dossier["year"]))
    if dossier["phase"]:
        pair(_("Fase"), dossier["phase"])
    if dossier["escalated_at"]:
        pair(_("Naar de geschillencommissie"), _when(dossier["escalated_at"]))
    if dossier["closed_at"]:
        pair(_("Afgerond op"), _when(dossier["closed_at"]))

    heading(_("Termijnen"))
    for clock in dossier["clocks"]:
        if clock["met"] is True:
            state = _("op tijd")
        elif clock["met"] is False:
            state = _("niet gehaald")
        elif clock["cancelled_at"]:
            state = _("vervallen")
        else:
            state = _("loopt")
        pair(clock["label"], _("uiterlijk %(day)s: %(state)s") % {"day": _when(clock["last_day"]), "state": state})

    heading(dossier["subject"] or _("Het verzoek"))
    paragraph(dossier["text"])
    if dossier["laborious"]["at"]:
        pair(_("Bewerkelijk verklaard"), f"{_when(dossier['laborious']['at'])}: {dossier['laborious']['reason']}")

    heading(_("Berichten"))
    if not dossier["messages"]:
        paragraph(_("Geen berichten."))
    for message in dossier["messages"]:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(width, 6, _t(f"{message['author']} ({message['side']}), {_when(message['at'])}"),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        paragraph(message["text"])
        if message["attachments"]:
            paragraph(_("Bijlagen: %(names)s") % {"names": ", ".join(message["attachments"])})
        pdf.ln(1)

    heading(_("Bijlagen"))
    if not dossier["attachments"]:
        paragraph(_("Geen bijlagen."))
    for attachment in dossier["attachments"]:
        paragraph(f"{attachment['name']} ({count(attachment['size'])} bytes, {_when(attachment['uploaded_at'])})")

    if dossier["answer"]["at"]:
        heading(_("Antwoord"))
        pair(_("Beantwoord op"), _when(dossier["answer"]["at"]))
        paragraph(dossier["answer"]["text"])
    if dossier["decision"]["at"]:
        heading(_("Besluit"))
        pair(_("Uitkomst"), dossier["decision"]["outcome"])
        pair(_("Besloten op"), _when(dossier["decision"]["at"]))
        if dossier["decision"]["criteria"]:
            pair(_("Getoetst aan"), "; ".join(dossier["decision"]["criteria"]))
        paragraph(dossier["decision"]["reasons"])
    if dossier["appeal"]["at"]:
        heading(_("Beroep"))
        pair(_("Ingesteld op"), _when(dossier["appeal"]["at"]))
        paragraph(dossier["appeal"]["text"])
        if dossier["appeal"]["decided_at"]:
            pair(_("Uitkomst"), dossier["appeal"]["outcome"])
            pair(_("Beslist op"), _when(dossier["appeal"]["decided_at"]))
            paragraph(dossier["appeal"]["reasons"])
    return bytes(pdf.output())
