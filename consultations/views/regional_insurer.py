"""The insurer purchaser's regiobijeenkomsten: the list with counts, a new meeting (which invites the region),
one meeting with its invitations, registrations, cancelling and the attendance record. Another insurer's
meeting is not found (404); someone who is no purchaser may not use these pages (403, or 404 for one
meeting)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracting.models import ContractYear
from contracting.views.common import (
    PurchaserScope,
    place_error,
    purchaser_object_required,
    purchaser_required,
)
from core.errors import PortalError
from providers.models import Region

from ..access import regional_meeting_for_purchaser
from ..forms.regional import CancelForm, RegionalMeetingForm
from ..models import RegionalMeeting
from ..selectors import meetings_with_counts
from ..services import (
    regional_meeting_cancel,
    regional_meeting_create,
    regional_meeting_invite,
    regional_meeting_record_attendance,
)


@purchaser_required
def meetings(request, scope: PurchaserScope):
    rows = list(meetings_with_counts(RegionalMeeting.objects.filter(insurer=scope.insurer)))
    return render(request, "consultations/regional/insurer_list.html", {
        "scope": scope, "meetings": rows, "now": timezone.now(),
    })


@purchaser_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, scope: PurchaserScope):
    now = timezone.now()
    regions = list(Region.objects.filter(market_shares__insurer=scope.insurer).order_by("name"))
    years = list(ContractYear.objects.order_by("-year").values_list("year", flat=True))
    form = RegionalMeetingForm(request.POST or None, regions=regions, years=years)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        data = form.cleaned_data
        try:
            meeting = regional_meeting_create(
                actor=request.user, insurer=scope.insurer, region=Region.objects.get(pk=data["region"]),
                year=data["year"], title=data["title"], starts_at=starts_at, ends_at=ends_at,
                location=data["location"], online_url=data["online_url"], agenda=data["agenda"], now=now)
        except PortalError as exc:
            if "starts_at" in exc.fields or "ends_at" in exc.fields:
                form.add_error("day" if "starts_at" in exc.fields else "end",
                               " ".join(exc.fields.get("starts_at") or exc.fields.get("ends_at")))
            else:
                place_error(form, exc)
        else:
            messages.success(request, _("De bijeenkomst is gepland en de praktijken en samenwerkingsverbanden in "
                                        "de regio zijn uitgenodigd."))
            return redirect("consultations:regional_meeting", meeting.pk)
    return render(request, "consultations/regional/insurer_new.html", {"scope": scope, "form": form})


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, scope: PurchaserScope, pk: int):
    meeting = regional_meeting_for_purchaser(request.user, pk)
    if meeting is None:
        raise Http404(_("Deze regiobijeenkomst bestaat niet of is niet van uw organisatie."))
    now = timezone.now()
    cancel_form = CancelForm(request.POST if request.POST.get("action") == "cancel" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "attendance":
                regional_meeting_record_attendance(actor=request.user, meeting=meeting,
                                                   attended_ids=request.POST.getlist("attended"), now=now)
                messages.success(request, _("De aanwezigheid is vastgelegd."))
                return redirect("consultations:regional_meeting", meeting.pk)
            if request.POST.get("action") == "cancel" and cancel_form.is_valid():
                regional_meeting_cancel(actor=request.user, meeting=meeting,
                                        reason=cancel_form.cleaned_data["reason"], now=now)
                messages.success(request, _("De bijeenkomst is afgelast; de genodigden krijgen bericht."))
                return redirect("consultations:regional_meeting", meeting.pk)
        except PortalError as exc:
            messages.error(request, exc.detail)
            meeting.refresh_from_db()
    [counted] = meetings_with_counts(RegionalMeeting.objects.filter(pk=meeting.pk))
    invitations = list(meeting.invitations.select_related("practice", "care_group")
                       .order_by("care_group__name", "practice__name", "pk"))
    return render(request, "consultations/regional/insurer_detail.html", {
        "scope": scope, "meeting": counted, "invitations": invitations, "cancel_form": cancel_form,
        "started": now >= meeting.starts_at, "list_url": reverse("consultations:regional_meetings"),
    })


@purchaser_object_required
@require_POST
def meeting_invite(request, scope: PurchaserScope, pk: int):
    """Invite the practices and care groups that joined the region since (safe to repeat)."""
    meeting = regional_meeting_for_purchaser(request.user, pk)
    if meeting is None:
        raise Http404(_("Deze regiobijeenkomst bestaat niet of is niet van uw organisatie."))
    try:
        regional_meeting_invite(actor=request.user, meeting=meeting, now=timezone.now())
    except PortalError as exc:
        messages.error(request, exc.detail)
    return redirect("consultations:regional_meeting", meeting.pk)
