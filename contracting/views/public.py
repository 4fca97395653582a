"""Public pages, for anyone without logging in.

**The register** of contracted GP practices and care groups (GCP: public from 19 November): the years with a
register, one year's register per insurer with a filter and a search box, and the same list as CSV.
The rows come from contracting.services.register_entries, which shows only insurers whose register is
published (RegisterPublication); before that a year's page says when it will be.

CSV format: UTF-8 with a byte order mark and `;` between fields. Dutch Excel uses the comma as decimal
separator and therefore expects `;` in CSV files, and without the BOM it reads UTF-8 as Windows-1252
(so "Praktijk Hoogeveen-Brûlé" would turn into mojibake). Other tools read both without trouble.

**The purchasing policies** (GCP: the intended policy and the contracting procedure are public by 1 April),
also read by the LHV overlegteams: which insurers published
for which year and who has not yet, one insurer's policy for a year with its earlier versions, attachments and
the year's contracting procedure, and the policy attachments themselves.

Pages read only published versions (contracting.selectors.policies), so a draft never shows. Attachments are
served here, never from /media/: a published version's attachment to anyone, a draft's only to its insurer's
purchasers (contracting.access.policy_attachments_visible_to); anything else is not found.
"""

import csv
import io
from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.text import has_changes, paragraph_diff, render_policy_text
from insurers.models import Insurer

from ..access import policy_attachments_visible_to
from ..calendar import MilestoneKind, local_date
from ..models import ContractYear, HolderKind, Milestone, RegisterEntry, RegisterPublication
from ..selectors import milestone_deadline
from ..selectors.policies import (
    coming_year,
    contracting_procedure,
    policy_versions,
    published_contract_status,
    published_policies,
)
from ..services import register_entries
from ..services.register import RegisterLines

PAGE_SIZE = 100
# A cell starting with one of these is a formula to a spreadsheet; names come from the organisations themselves.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_FLUSH_ROWS = 500  # rows written to the response at a time


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


def _filtered_rows(request, year: int) -> tuple[RegisterFilterForm, list, RegisterLines | None]:
    """The year's publications, the bound filter form and the lines it selects (read lazily, page by page or
    streamed). One query here, for the publications with their counts; the lines cost one more when read."""
    publications = list(RegisterPublication.objects.filter(year=year).select_related("insurer")
                        .order_by("insurer__name"))
    form = RegisterFilterForm(request.GET or None, publications=publications)
    insurer_id, search = None, ""
    if form.is_bound:
        form.is_valid()  # an unknown insurer drops only that filter; a valid search still applies
        insurer_id = form.cleaned_data.get("insurer")
        search = form.cleaned_data.get("q", "")
    if not publications:
        return form, publications, None
    return form, publications, register_entries(year=year, insurer_id=insurer_id, search=search,
                                                publications=publications)


def _labelled(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["via_label"] = RegisterEntry.Via(row["via"]).label
        row["kind_label"] = HolderKind(row["kind"]).label
    return rows


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
    form, publications, lines = _filtered_rows(request, year)
    if not publications:
        if not ContractYear.objects.filter(year=year).exists():
            raise Http404(_("Er is geen register voor dit jaar."))
        return render(request, "contracting/public/year.html", {
            "year": year, "published": False, "publication_day": _publication_day(year)})
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("pagina"))
    page.object_list = _labelled(list(page.object_list))
    kept = {key: value for key, value in request.GET.items() if key in ("insurer", "q") and value}
    return render(request, "contracting/public/year.html", {
        "year": year, "published": True, "form": form, "publications": publications, "page": page,
        "rows_total": page.paginator.count, "page_query": urlencode(kept), "filtered": bool(kept),
    })


def _cell(value: str) -> str:
    value = str(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


@require_GET
def register_csv(request, year: int):
    """The (filtered) register as a CSV file, streamed from one cursor so that memory does not grow with the
    register; see the module docstring for the format."""
    _form, publications, lines = _filtered_rows(request, year)
    if not publications:
        raise Http404(_("Het register voor %(year)s is nog niet gepubliceerd.") % {"year": year})
    # Labels in the request's language, looked up now: the rows are written after the view has returned.
    header = [_("Zorgverzekeraar"), _("Zorgaanbieder"), _("AGB-code"), _("Plaats"), _("Soort zorgaanbieder"),
              _("Contractvorm"), _("Contractjaar")]
    via_labels = {value: str(label) for value, label in RegisterEntry.Via.choices}
    kind_labels = {value: str(label) for value, label in HolderKind.choices}

    def content():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(header)
        insurer_cells: dict[str, str] = {}  # a few insurers, each on thousands of lines
        chunk = []
        for insurer, _insurer_id, name, agb_code, city, kind, via in lines.rows():
            if insurer not in insurer_cells:
                insurer_cells[insurer] = _cell(insurer)
            chunk.append((insurer_cells[insurer], _cell(name), _cell(agb_code), _cell(city), kind_labels[kind],
                          via_labels[via], year))
            if len(chunk) == CSV_FLUSH_ROWS:
                writer.writerows(chunk)
                chunk.clear()
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue()

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-gecontracteerde-zorgaanbieders-{year}.csv"'
    return response


# --- Purchasing policies --------------------------------------------------------------------------------------
@require_GET
def policy_index(request):
    now = timezone.now()
    published = published_policies()
    return render(request, "contracting/public/policy_index.html", {
        "coming": coming_year(now, published), "published": published,
    })


def _insurer_year(slug: str, year: int) -> tuple[Insurer, ContractYear]:
    insurer = get_object_or_404(Insurer, slug=slug)
    contract_year = ContractYear.objects.filter(year=year).first()
    if contract_year is None:
        raise Http404(_("Voor %(year)s is er geen contractjaar.") % {"year": year})
    return insurer, contract_year


@require_GET
def policy_insurer_year(request, slug: str, year: int):
    """The latest published version in full, what changed against the one before, the earlier versions, the
    attachments, and the year's procedure with the insurer's standard contracts."""
    now = timezone.now()
    insurer, contract_year = _insurer_year(slug, year)
    versions = policy_versions(insurer, year)
    latest = versions[0] if versions else None
    previous = versions[1] if len(versions) > 1 else None
    diff = paragraph_diff(previous.body, latest.body) if previous else []
    return render(request, "contracting/public/policy_year.html", {
        "insurer": insurer, "year": year, "versions": versions, "latest": latest, "previous": previous,
        "earlier": versions[1:], "first": versions[-1] if versions else None,
        "rendered": render_policy_text(latest.body, heading_level=3) if latest else "",
        "diff": diff, "diff_has_changes": has_changes(diff),
        "deadline": milestone_deadline(year, MilestoneKind.POLICY_PUBLICATION, now),
        "procedure": contracting_procedure(contract_year, now),
        "contracts": published_contract_status(insurer, year, now),
    })


@require_GET
def policy_version(request, slug: str, year: int, number: int):
    """One published version as it was published, with the difference from the version before it."""
    insurer, _contract_year = _insurer_year(slug, year)
    versions = policy_versions(insurer, year)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404(_("Deze versie van het inkoopbeleid bestaat niet."))
    previous = next((v for v in versions if v.number < number), None)
    diff = paragraph_diff(previous.body, version.body) if previous else []
    return render(request, "contracting/public/policy_version.html", {
        "insurer": insurer, "year": year, "version": version, "previous": previous,
        "is_latest": version is versions[0],
        "rendered": render_policy_text(version.body, heading_level=2),
        "diff": diff, "diff_has_changes": has_changes(diff),
    })


@require_GET
def policy_attachment(request, pk: int):
    """The PDF as a download under the name it was uploaded with. Content type fixed and not to be sniffed: the
    bytes come from outside."""
    attachment = policy_attachments_visible_to(request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Deze bijlage bestaat niet of is niet openbaar."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Deze bijlage bestaat niet of is niet openbaar."))
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    if not attachment.versions.exists():
        response["Cache-Control"] = "private, no-store"  # a draft's attachment: only for its purchasers
    return response
