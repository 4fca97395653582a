"""Regiobijeenkomsten for a practice's or care group's people: the meetings they are invited to, and one
meeting where they register (for how many people) or cancel their registration until it starts. A meeting they
are not invited to is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import care_group_ids_of, practice_ids_of
from core.errors import PortalError
from core.params import parse_id

from ..access import own_invitations
from ..forms.regional import RegisterForm
from ..models import RegionalMeeting
from ..services import regional_meeting_register, regional_meeting_unregister


@login_required
def invitations(request):
    if not (practice_ids_of(request.user) or care_group_ids_of(request.user)):
        raise PermissionDenied(_("Deze pagina is voor medewerkers van praktijken en samenwerkingsverbanden."))
    rows = list(own_invitations(request.user).select_related("meeting__insurer", "meeting__region")
                .order_by("-meeting__starts_at", "pk"))
    return render(request, "consultations/regional/provider_list.html", {
        "invitations": rows, "now": timezone.now(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, pk: int):
    meeting = RegionalMeeting.objects.select_related("insurer", "region").filter(pk=pk).first()
    mine = list(own_invitations(request.user, meeting)) if meeting else []
    if not mine:
        raise Http404(_("Deze regiobijeenkomst bestaat niet of u bent er niet voor uitgenodigd."))
    now = timezone.now()
    form = RegisterForm(request.POST if request.POST.get("action") == "register" else None)
    if request.method == "POST":
        invitation = next((i for i in mine if i.pk == parse_id(request.POST.get("invitation", ""))), None)
        if invitation is None:
            raise Http404(_("Deze uitnodiging bestaat niet of is niet van uw organisatie."))
        try:
            if request.POST.get("action") == "unregister":
                regional_meeting_unregister(actor=request.user, invitation=invitation, now=now)
                messages.success(request, _("Uw aanmelding is geannuleerd."))
                return redirect("consultations:regional_invitation", meeting.pk)
            if form.is_valid():
                regional_meeting_register(actor=request.user, invitation=invitation,
                                          attendees=form.cleaned_data["attendees"], now=now)
                messages.success(request, _("U bent aangemeld."))
                return redirect("consultations:regional_invitation", meeting.pk)
        except PortalError as exc:
            messages.error(request, exc.detail)
            meeting.refresh_from_db()
    return render(request, "consultations/regional/provider_detail.html", {
        "meeting": meeting, "invitations": mine, "form": form, "open": not meeting.is_cancelled
        and now < meeting.starts_at,
    })
