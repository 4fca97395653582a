"""The public register of contracted GP practices and care groups (GCP: public from 19 November), for anyone,
without logging in: the years with a register, one year's register per insurer with a filter and a search box,
and the same list as CSV.

The rows come from contracting.services.register_entries, which shows only insurers whose register is
published (RegisterPublication); before that a year's page says when it will be.

CSV format: UTF-8 with a byte order mark and `;` between fields. Dutch Excel uses the comma as decimal
separator and therefore expects `;` in CSV files, and without the BOM it reads UTF-8 as Windows-1252
(so "Praktijk Hoogeveen-Brûlé" would turn into mojibake). Other tools read both without trouble.
"""

import csv
from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ..calendar import MilestoneKind, local_date
from ..models import ContractYear, HolderKind, Milestone, RegisterPublication
from ..services import register_entries

PAGE_SIZE = 100
VIA_LABELS = {"contract": gettext_lazy("Eigen contract"), "volgcontract": gettext_lazy("Volgcontract")}
# A cell starting with one of these is a formula to a spreadsheet; names come from the organisations themselves.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class RegisterFilterForm(forms.Form):
    insurer = forms.TypedChoiceField(label=gettext_lazy("Zorgverzekeraar"), required=False, coerce=int,
                                     empty_value=None)
    q = forms.CharField(label=gettext_lazy("Zoek op naam, AGB-code of plaats"), required=False, max_length=100)

    def __init__(self, *args, publications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].choices = [("", _("Alle zorgverzekeraars"))] + [
            (p.insurer_id, p.insurer.name) for p in publications]


def _publication_day(year: int) -> date | None:
    """The day the register for `year` becomes public: the calendar's milestone (an administrator may have
    moved it), normally 19 November of the year before."""
    milestone = Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.REGISTER_PUBLICATION).first()
    return local_date(milestone.due_at) if milestone else None


def _matches(row: dict, needle: str) -> bool:
    return any(needle in row[key].casefold() for key in ("name", "agb_code", "city"))


def _filtered_rows(request, year: int) -> tuple[RegisterFilterForm, list, list[dict]]:
    """The year's publications, the bound filter form and the rows it selects. Four queries, whatever the
    number of rows: the publications here, three in register_entries."""
    publications = list(RegisterPublication.objects.filter(year=year).select_related("insurer")
                        .order_by("insurer__name"))
    form = RegisterFilterForm(request.GET or None, publications=publications)
    insurer_id, needle = None, ""
    if form.is_bound:
        form.is_valid()  # an unknown insurer drops only that filter; a valid search still applies
        insurer_id = form.cleaned_data.get("insurer")
        needle = " ".join(form.cleaned_data.get("q", "").split()).casefold()
    if not publications:
        return form, publications, []
    rows = register_entries(year=year, insurer_id=insurer_id)
    if needle:
        rows = [row for row in rows if _matches(row, needle)]
    for row in rows:
        row["via_label"] = VIA_LABELS.get(row["via"], row["via"])
        row["kind_label"] = HolderKind(row["kind"]).label
    return form, publications, rows


@require_GET
def register_index(request):
    published = list(RegisterPublication.objects.order_by("-year").values_list("year", flat=True).distinct())
    upcoming = [
        {"year": m.contract_year.year, "day": local_date(m.due_at)}
        for m in Milestone.objects.filter(kind=MilestoneKind.REGISTER_PUBLICATION)
        .exclude(contract_year__year__in=published).select_related("contract_year").order_by("due_at")
    ]
    return render(request, "contracting/public/index.html", {"published_years": published, "upcoming": upcoming})


@require_GET
def register_year(request, year: int):
    form, publications, rows = _filtered_rows(request, year)
    if not publications:
        if not ContractYear.objects.filter(year=year).exists():
            raise Http404(_("Er is geen register voor dit jaar."))
        return render(request, "contracting/public/year.html", {
            "year": year, "published": False, "publication_day": _publication_day(year)})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    kept = {key: value for key, value in request.GET.items() if key in ("insurer", "q") and value}
    return render(request, "contracting/public/year.html", {
        "year": year, "published": True, "form": form, "publications": publications, "page": page,
        "rows_total": len(rows), "page_query": urlencode(kept), "filtered": bool(kept),
    })


def _cell(value: str) -> str:
    value = str(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


@require_GET
def register_csv(request, year: int):
    """The (filtered) register as a CSV file; see the module docstring for the format."""
    _form, publications, rows = _filtered_rows(request, year)
    if not publications:
        raise Http404(_("Het register voor %(year)s is nog niet gepubliceerd.") % {"year": year})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-gecontracteerde-zorgaanbieders-{year}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Zorgverzekeraar"), _("Zorgaanbieder"), _("AGB-code"), _("Plaats"), _("Soort zorgaanbieder"),
                     _("Contractvorm"), _("Contractjaar")])
    for row in rows:
        writer.writerow([_cell(row["insurer"]), _cell(row["name"]), _cell(row["agb_code"]), _cell(row["city"]),
                         row["kind_label"], row["via_label"], year])
    return response

