"""Structural knelpunten in the overleg: raised by either side, reacted to by the other within 2 weeks (a
clock on the deadline engine, consultations.knelpunt.reaction; due_at mirrors it), linked by the insurer to the
knelpunt requests of practices and care groups that show it (contracting Requests of kind knelpunt of the same
insurer), and closed by either side."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.notices import N_
from contracting.models import Request
from contracting.services import clock_done, clock_start
from core.audit import audit_record
from core.errors import ConflictError, PortalError

from ..access import require_round_party, require_round_purchaser
from ..clocks import KNELPUNT_REACTION_CLOCK
from ..models import ConsultationRound, Knelpunt, Meeting
from .common import TITLE_MAX, clean_text, other_side, side_user_ids

S = Knelpunt.Status


def knelpunt_raise(*, actor, round: ConsultationRound, title: str, text: str, now: datetime,
                   meeting: Meeting | None = None) -> Knelpunt:
    """Either side raises a structural knelpunt; the other reacts within 2 weeks. The same again gives it back."""
    side = require_round_party(actor, round)
    title = clean_text(title, field="title", required=_("Geef het knelpunt een titel."), limit=TITLE_MAX)
    text = clean_text(text, field="text", required=_("Beschrijf het knelpunt."))
    if meeting is not None and meeting.round_id != round.pk:
        raise PortalError("meeting_of_other_round", _("Dit overleg hoort niet bij deze ronde."),
                          fields={"meeting": [_("Ander overleg.")]})
    with transaction.atomic():
        ConsultationRound.objects.select_for_update().get(pk=round.pk)
        same = round.knelpunten.filter(title=title, text=text, status=S.OPEN).first()
        if same is not None:
            return same
        knelpunt = Knelpunt.objects.create(round=round, meeting=meeting, title=title, text=text,
                                           side=side or Knelpunt.Side.TEAM, raised_by=actor, raised_at=now)
        clock_start(actor=actor, obj=knelpunt, kind=KNELPUNT_REACTION_CLOCK, started_at=now)
        audit_record(actor=actor, verb="consultations.knelpunt.raised", obj=knelpunt,
                     after={"round": round.pk, "title": title, "side": knelpunt.side})
        _notify(knelpunt, side=other_side(knelpunt.side), key=f"knelpunt:{knelpunt.pk}",
                subject=N_("Knelpunt ingebracht in het overleg: %(title)s"),
                body=N_("Reageer binnen 2 weken op het knelpunt in het overleg van %(team)s met %(insurer)s."))
    return knelpunt


def knelpunt_respond(*, actor, knelpunt: Knelpunt, response: str, now: datetime) -> Knelpunt:
    """The other side's reaction; stops the 2-week clock. The same reaction again changes nothing."""
    side = require_round_party(actor, knelpunt.round)
    response = clean_text(response, field="response", required=_("Schrijf uw reactie op het knelpunt."))
    with transaction.atomic():
        knelpunt = Knelpunt.objects.select_for_update(of=("self",)).select_related("round__overleg_team__insurer").get(
            pk=knelpunt.pk)
        if knelpunt.status != S.OPEN:
            if knelpunt.response == response:
                return knelpunt
            raise ConflictError("knelpunt_not_open", _("Op dit knelpunt is al gereageerd, of het is afgerond."))
        if side is not None and side == knelpunt.side:
            raise PortalError("own_knelpunt", _("De andere partij reageert op dit knelpunt."), status=403)
        knelpunt.status, knelpunt.response, knelpunt.responded_by, knelpunt.responded_at = (
            S.ANSWERED, response, actor, now)
        knelpunt.save(update_fields=["status", "response", "responded_by", "responded_at"])
        clock_done(actor=actor, obj=knelpunt, kind=KNELPUNT_REACTION_CLOCK, at=now)
        audit_record(actor=actor, verb="consultations.knelpunt.answered", obj=knelpunt,
                     before={"status": S.OPEN}, after={"status": S.ANSWERED, "response": response})
        _notify(knelpunt, side=knelpunt.side, key=f"knelpunt-answered:{knelpunt.pk}",
                subject=N_("Reactie op knelpunt: %(title)s"))
    return knelpunt


def knelpunt_close(*, actor, knelpunt: Knelpunt, now: datetime) -> Knelpunt:
    """Either side closes a knelpunt that was reacted to. Safe to repeat."""
    require_round_party(actor, knelpunt.round)
    with transaction.atomic():
        knelpunt = Knelpunt.objects.select_for_update().get(pk=knelpunt.pk)
        if knelpunt.status == S.CLOSED:
            return knelpunt
        if knelpunt.status == S.OPEN:
            raise ConflictError("knelpunt_unanswered", _("Op dit knelpunt is nog niet gereageerd."))
        knelpunt.status = S.CLOSED
        knelpunt.save(update_fields=["status"])
        audit_record(actor=actor, verb="consultations.knelpunt.closed", obj=knelpunt,
                     before={"status": S.ANSWERED}, after={"status": S.CLOSED, "at": now})
    return knelpunt


def knelpunt_link_requests(*, actor, knelpunt: Knelpunt, request_ids, now: datetime) -> Knelpunt:
    """The insurer links the knelpunt requests of its own practices and care groups that show this structural
    knelpunt (it sees them; the team sees only how many). Replaces the set; the same set again changes
    nothing. An id that is not a knelpunt request of this insurer changes nothing and says so."""
    require_round_purchaser(actor, knelpunt.round)
    wanted = sorted({int(pk) for pk in request_ids or ()})
    insurer_id = knelpunt.round.overleg_team.insurer_id
    valid = set(Request.objects.filter(pk__in=wanted, kind=Request.Kind.KNELPUNT, insurer_id=insurer_id)
                .values_list("pk", flat=True))
    if set(wanted) - valid:
        raise PortalError("unknown_request", _("Alleen knelpunten die praktijken of samenwerkingsverbanden bij uw "
                                               "zorgverzekeraar hebben ingebracht kunnen worden gekoppeld."),
                          fields={"requests": [_("Onbekend knelpunt.")]})
    with transaction.atomic():
        Knelpunt.objects.select_for_update().get(pk=knelpunt.pk)
        before = sorted(knelpunt.requests.values_list("pk", flat=True))
        if before == wanted:
            return knelpunt
        knelpunt.requests.set(wanted)
        audit_record(actor=actor, verb="consultations.knelpunt.linked", obj=knelpunt,
                     before={"requests": before}, after={"requests": wanted, "at": now})
    return knelpunt


def _notify(knelpunt: Knelpunt, *, side: str, key: str, subject: str, body: str = "") -> int:
    from accounts.services import notify_users

    round = knelpunt.round
    return notify_users(user_ids=side_user_ids(round, side), key=key, subject=subject, body=body,
                        params={"team": round.overleg_team.name, "insurer": round.overleg_team.insurer.name,
                                "title": knelpunt.title},
                        url=reverse("consultations:round", args=[round.pk]) + f"#knelpunt-{knelpunt.pk}")
