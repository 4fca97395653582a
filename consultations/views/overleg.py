"""The overleg pages, one address each for both sides (the overlegteam's members and its insurer's
purchasers; the NZa and administrators read): the rounds, a round with its phases, mandate, meetings,
positions and knelpunten, a meeting with its minutes and positions, a position with the insurer's decision,
and an overlegteam's timeline. Every action calls a consultations service; an object outside the user's scope
is a 404 (consultations.access), and the pages say this is overleg, not negotiation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.selectors import is_nza_or_admin, overleg_team_ids_of
from contracting.views.common import place_error
from core.errors import PortalError
from core.markdown import render_markdown
from providers.models import OverlegTeam

from ..access import (
    found,
    is_consultation_user,
    meetings_visible_to,
    positions_visible_to,
    purchasing_insurer_ids,
    round_side_of,
    rounds_visible_to,
)
from ..forms.overleg import (
    AttachmentForm,
    DecideForm,
    DueForm,
    IntakeForm,
    KnelpuntForm,
    MandateDecisionForm,
    MandateForm,
    MeetingForm,
    MinutesForm,
    PositionForm,
    ResponseForm,
)
from ..models import Knelpunt, Position
from ..selectors import (
    knelpunten_with_clock,
    position_deadline,
    positions_with_clock,
    round_phases,
    rounds_list,
    team_timeline,
)
from ..services import (
    knelpunt_close,
    knelpunt_raise,
    knelpunt_respond,
    meeting_attach,
    meeting_plan,
    meeting_record,
    position_decide,
    position_set_due,
    position_submit,
    position_withdraw,
    round_decide_mandate,
    round_request_mandate,
    round_set_intake,
)
from ..services.meetings import round_party_user_ids

DONE = {
    "intake": gettext_lazy("Uw wensen en dilemma's zijn opgeslagen."),
    "mandate": gettext_lazy("Het mandaat is aan de zorgverzekeraar voorgelegd."),
    "mandate_decision": gettext_lazy("Uw besluit over het mandaat is vastgelegd."),
    "meeting": gettext_lazy("Het overleg is gepland."),
    "position": gettext_lazy("Het standpunt is ingediend."),
    "knelpunt": gettext_lazy("Het knelpunt is ingebracht."),
    "respond": gettext_lazy("Uw reactie op het knelpunt is verstuurd."),
    "close": gettext_lazy("Het knelpunt is afgerond."),
    "minutes": gettext_lazy("Het verslag is opgeslagen."),
    "attach": gettext_lazy("De bijlagen zijn toegevoegd."),
    "due": gettext_lazy("De datum van uw besluit is vastgelegd."),
    "decide": gettext_lazy("Uw besluit over het standpunt is vastgelegd."),
    "withdraw": gettext_lazy("Het standpunt is ingetrokken."),
}


def _require_consultation_user(request) -> None:
    if not is_consultation_user(request.user):
        raise PermissionDenied(_("Het overleg is voor leden van een overlegteam en zorginkopers van hun "
                                 "zorgverzekeraar."))


def _run(request, forms: dict, handlers: dict):
    """Bind the posted action's form, call its handler with the cleaned data, redirect on success; on a
    service's refusal the message goes beside the field (or above the form) and nothing has changed."""
    action = request.POST.get("action", "")
    if action not in handlers:
        messages.error(request, _("Onbekende actie."))
        return redirect(request.path)
    form_class = forms[action]
    form = form_class(request.POST, request.FILES, **({"people": forms.get("_people", ())}
                                                       if action == "minutes" else {}))
    forms[action] = form
    if form.is_valid():
        try:
            handlers[action](form.cleaned_data)
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, DONE[action])
            return redirect(request.path)
    return None


@login_required
def round_list(request):
    _require_consultation_user(request)
    rounds = rounds_list(rounds_visible_to(request.user))
    teams = OverlegTeam.objects.filter(pk__in=overleg_team_ids_of(request.user)).select_related("insurer")
    if not teams and is_nza_or_admin(request.user):
        teams = OverlegTeam.objects.none()
    elif not teams:
        teams = OverlegTeam.objects.filter(insurer__in=purchasing_insurer_ids(request.user))
    return render(request, "consultations/rounds.html", {"rounds": rounds, "teams": teams})


@login_required
def round_detail(request, pk: int):
    round = found(rounds_visible_to(request.user).select_related("overleg_team__insurer", "overleg_team__region",
                                                                 "contract_year", "mandate_decided_by"), pk)
    side = round_side_of(request.user, round)
    now = timezone.now()
    forms = {"intake": IntakeForm, "mandate": MandateForm, "mandate_decision": MandateDecisionForm,
             "meeting": MeetingForm, "position": PositionForm, "knelpunt": KnelpuntForm, "respond": ResponseForm,
             "close": ResponseForm}

    def knelpunt_of(data):
        return get_object_or_404(round.knelpunten, pk=request.POST.get("knelpunt"))

    handlers = {}
    if side is not None:
        handlers = {
            "intake": lambda d: round_set_intake(actor=request.user, round=round, text=d["text"], now=now),
            "meeting": lambda d: meeting_plan(actor=request.user, round=round, title=d["title"],
                                              starts_at=d["starts_at"], location=d["location"], agenda=d["agenda"],
                                              now=now),
            "knelpunt": lambda d: knelpunt_raise(actor=request.user, round=round, title=d["title"], text=d["text"],
                                                 now=now),
            "respond": lambda d: knelpunt_respond(actor=request.user, knelpunt=knelpunt_of(d), response=d["response"],
                                                  now=now),
            "close": lambda d: knelpunt_close(actor=request.user, knelpunt=knelpunt_of(d), now=now),
        }
        if side == "team":
            handlers["mandate"] = lambda d: round_request_mandate(actor=request.user, round=round, text=d["text"],
                                                                  now=now)
            handlers["position"] = lambda d: position_submit(actor=request.user, round=round, title=d["title"],
                                                             text=d["text"], now=now)
        else:
            handlers["mandate_decision"] = lambda d: round_decide_mandate(
                actor=request.user, round=round, accept=bool(d["accept"]), reason=d["reason"], now=now)
    if request.method == "POST":
        if side is None:
            raise PermissionDenied(_("Alleen het overlegteam en zijn zorgverzekeraar kunnen hier iets vastleggen."))
        done = _run(request, forms, handlers)
        if done is not None:
            return done
    forms = {key: (value() if isinstance(value, type) else value) for key, value in forms.items()}
    if side == "team" and not request.POST.get("action") == "intake":
        forms["intake"] = IntakeForm(initial={"text": round.team_intake})
    elif side == "insurer" and not request.POST.get("action") == "intake":
        forms["intake"] = IntakeForm(initial={"text": round.insurer_intake})
    if side == "team" and request.POST.get("action") != "mandate":
        forms["mandate"] = MandateForm(initial={"text": round.mandate_text})
    context = {
        "round": round, "side": side, "forms": forms, "now": now,
        "phases": round_phases(round, now),
        "meetings": list(round.meetings.order_by("starts_at", "pk")),
        "positions": [(p, position_deadline(p, now)) for p in positions_with_clock(round.positions.all(), now)],
        "knelpunten": list(knelpunten_with_clock(round.knelpunten.all(), now)),
        "Mandate": round.Mandate, "PS": Position.Status, "KS": Knelpunt.Status,
    }
    return render(request, "consultations/round.html", context)


@login_required
def meeting_detail(request, pk: int):
    meeting = found(meetings_visible_to(request.user).select_related(
        "round__overleg_team__insurer", "round__contract_year", "minutes_updated_by"), pk)
    round = meeting.round
    side = round_side_of(request.user, round)
    now = timezone.now()
    people = list(User.objects.filter(pk__in=round_party_user_ids(round)).order_by("full_name", "pk"))
    forms = {"minutes": MinutesForm, "attach": AttachmentForm, "position": PositionForm, "_people": people}
    handlers = {}
    if side is not None:
        handlers = {
            "minutes": lambda d: meeting_record(actor=request.user, meeting=meeting, minutes=d["minutes"],
                                                attendee_ids=d["attendees"], other_attendees=d["other_attendees"],
                                                now=now),
            "attach": lambda d: meeting_attach(actor=request.user, meeting=meeting, files=d["attachments"], now=now),
        }
        if side == "team":
            handlers["position"] = lambda d: position_submit(actor=request.user, round=round, meeting=meeting,
                                                             title=d["title"], text=d["text"], now=now)
    if request.method == "POST":
        if side is None:
            raise PermissionDenied(_("Alleen het overlegteam en zijn zorgverzekeraar kunnen hier iets vastleggen."))
        done = _run(request, forms, handlers)
        if done is not None:
            return done
    attendees = list(meeting.attendees.order_by("full_name", "pk"))
    if not isinstance(forms["minutes"], MinutesForm):
        forms["minutes"] = MinutesForm(people=people, initial={
            "minutes": meeting.minutes, "attendees": [str(u.pk) for u in attendees],
            "other_attendees": meeting.other_attendees})
    forms = {key: (value() if isinstance(value, type) else value) for key, value in forms.items() if key != "_people"}
    context = {
        "meeting": meeting, "round": round, "side": side, "forms": forms, "now": now,
        "attendees": attendees, "minutes_html": render_markdown(meeting.minutes),
        "attachments": list(meeting.attachments.all()),
        "positions": [(p, position_deadline(p, now)) for p in positions_with_clock(meeting.positions.all(), now)],
        "PS": Position.Status,
    }
    return render(request, "consultations/meeting.html", context)


@login_required
def meeting_attachment(request, pk: int, attachment_pk: int):
    meeting = found(meetings_visible_to(request.user), pk)
    attachment = meeting.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(_("Deze bijlage bestaat niet."))
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, as_attachment=True,
                        filename=attachment.name)


@login_required
def position_detail(request, pk: int):
    position = found(positions_with_clock(positions_visible_to(request.user), timezone.now()).select_related(
        "round__overleg_team__insurer", "round__contract_year"), pk)
    round = position.round
    side = round_side_of(request.user, round)
    now = timezone.now()
    forms = {"due": DueForm, "decide": DecideForm, "withdraw": ResponseForm}
    handlers = {}
    if side == "insurer":
        handlers = {
            "due": lambda d: position_set_due(actor=request.user, position=position, due_on=d["due_on"], now=now),
            "decide": lambda d: position_decide(actor=request.user, position=position, decision=d["decision"],
                                                reasons=d["reasons"], now=now),
        }
    elif side == "team":
        handlers = {"withdraw": lambda d: position_withdraw(actor=request.user, position=position, now=now)}
    if request.method == "POST":
        if side is None:
            raise PermissionDenied(_("Alleen het overlegteam en zijn zorgverzekeraar kunnen hier iets vastleggen."))
        done = _run(request, forms, handlers)
        if done is not None:
            return done
    forms = {key: (value() if isinstance(value, type) else value) for key, value in forms.items()}
    return render(request, "consultations/position.html", {
        "position": position, "round": round, "side": side, "forms": forms, "now": now,
        "deadline": position_deadline(position, now), "PS": Position.Status})


@login_required
def timeline(request, pk: int):
    teams = OverlegTeam.objects.select_related("insurer", "region")
    if not is_nza_or_admin(request.user):
        from django.db.models import Q

        teams = teams.filter(Q(pk__in=overleg_team_ids_of(request.user))
                             | Q(insurer__in=purchasing_insurer_ids(request.user)))
    team = found(teams, pk)
    now = timezone.now()
    return render(request, "consultations/timeline.html", {"team": team, "entries": team_timeline(team, now),
                                                           "now": now})
