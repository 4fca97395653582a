"""Public pages of the insurers' purchasing policy, for anyone without logging in (GCP: the intended policy and
the contracting procedure are public by 1 April), and read by the LHV overlegteams: which insurers published
for which year and who has not yet, one insurer's policy for a year with its earlier versions, attachments and
the year's contracting procedure, and the policy attachments themselves.

Pages read only published versions (contracting.selectors.policies), so a draft never shows. Attachments are
served here, never from /media/: a published version's attachment to anyone, a draft's only to its insurer's
purchasers (contracting.access.policy_attachments_visible_to); anything else is not found.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.text import has_changes, paragraph_diff, render_policy_text
from insurers.models import Insurer

from ..access import policy_attachments_visible_to
from ..calendar import MilestoneKind
from ..models import ContractYear
from ..selectors import milestone_deadline
from ..selectors.policies import (
    coming_year,
    contracting_procedure,
    policy_versions,
    published_contract_status,
    published_policies,
)


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
