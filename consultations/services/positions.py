"""Positions of the overlegteam and the insurer's decision on each: the team submits, the insurer sets by
when it decides (a ByDate clock on the deadline engine, consultations.position.decision; decision_due_at
mirrors it), then decides: adopted, partly adopted or not adopted, with reasons. A position not decided by
its day is overdue on every page from that moment, and the engine tells both sides once."""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.notices import N_, day, label
from contracting.calendar import local_date
from contracting.services import clock_cancel, clock_done, clock_start
from core.audit import audit_record
from core.errors import ConflictError, PortalError

from ..access import require_round_purchaser, require_team_member
from ..clocks import POSITION_DECISION_CLOCK
from ..models import ConsultationRound, Meeting, Position
from .common import TITLE_MAX, clean_text, side_user_ids

S, D = Position.Status, Position.Decision


def _check_meeting(round: ConsultationRound, meeting: Meeting | None) -> None:
    if meeting is not None and meeting.round_id != round.pk:
        raise PortalError("meeting_of_other_round", _("Dit overleg hoort niet bij deze ronde."),
                          fields={"meeting": [_("Ander overleg.")]})


def position_submit(*, actor, round: ConsultationRound, title: str, text: str, now: datetime,
                    meeting: Meeting | None = None) -> Position:
    """The team submits a position. Submitting the same (title and text) again while it stands gives it back."""
    require_team_member(actor, round)
    title = clean_text(title, field="title", required=_("Geef het standpunt een titel."), limit=TITLE_MAX)
    text = clean_text(text, field="text", required=_("Beschrijf het standpunt van het overlegteam."))
    _check_meeting(round, meeting)
    with transaction.atomic():
        ConsultationRound.objects.select_for_update().get(pk=round.pk)
        same = round.positions.filter(title=title, text=text).exclude(status=S.WITHDRAWN).first()
        if same is not None:
            return same
        position = Position.objects.create(round=round, meeting=meeting, title=title, text=text,
                                           submitted_by=actor, submitted_at=now)
        audit_record(actor=actor, verb="consultations.position.submitted", obj=position,
                     after={"round": round.pk, "title": title, "meeting": meeting.pk if meeting else None})
        _notify(position, side="insurer", key=f"position:{position.pk}",
                subject=N_("Nieuw standpunt van %(team)s: %(title)s"),
                body=N_("Het overlegteam %(team)s heeft een standpunt ingediend. Geef aan wanneer u erover besluit."))
    return position


def _locked(position: Position) -> Position:
    return Position.objects.select_for_update(of=("self",)).select_related("round__overleg_team__insurer",
                                                               "round__contract_year").get(pk=position.pk)


def position_set_due(*, actor, position: Position, due_on: date, now: datetime) -> Position:
    """The insurer says by when it decides: by the end of `due_on` (today or later). It is set once: the same
    day again changes nothing, another day is a 409 (the team relies on it)."""
    require_round_purchaser(actor, position.round)
    if due_on is None:
        raise PortalError("due_on_required", _("Kies de datum waarop u uiterlijk besluit."),
                          fields={"due_on": [_("Verplicht.")]})
    if due_on < local_date(now):
        raise PortalError("due_on_past", _("De datum waarop u uiterlijk besluit kan niet in het verleden liggen."),
                          fields={"due_on": [_("Datum ligt in het verleden.")]})
    with transaction.atomic():
        position = _locked(position)
        if position.status in (S.DECIDED, S.WITHDRAWN):
            raise ConflictError("position_closed", _("Over dit standpunt is al besloten, of het is ingetrokken."))
        if position.status == S.AWAITING:
            from contracting.calendar import last_day

            if last_day(position.decision_due_at) == due_on:
                return position
            raise ConflictError("due_already_set", _("U heeft al toegezegd uiterlijk %(day)s te besluiten; die datum "
                                                     "blijft staan.") % {"day": last_day(position.decision_due_at)
                                                                          .strftime("%d-%m-%Y")})
        clock_start(actor=actor, obj=position, kind=POSITION_DECISION_CLOCK, started_at=now, due_on=due_on)
        position.status, position.due_set_by, position.due_set_at = S.AWAITING, actor, now
        position.save(update_fields=["status", "due_set_by", "due_set_at"])
        audit_record(actor=actor, verb="consultations.position.due_set", obj=position,
                     before={"status": S.SUBMITTED}, after={"status": S.AWAITING, "due_on": due_on})
        _notify(position, side="team", key=f"position-due:{position.pk}",
                subject=N_("%(insurer)s besluit uiterlijk %(day)s over: %(title)s"),
                params={"day": day(due_on)})
    return position


def position_decide(*, actor, position: Position, decision: str, reasons: str, now: datetime) -> Position:
    """The insurer's decision on a position, with reasons (required unless adopted). The same decision again
    changes nothing; another decision after one is taken is a 409. Stops the decision clock (recorded late
    when past its day)."""
    require_round_purchaser(actor, position.round)
    if decision not in D.values:
        raise PortalError("decision_required", _("Kies: overgenomen, gedeeltelijk overgenomen of niet overgenomen."),
                          fields={"decision": [_("Kies een besluit.")]})
    reasons = clean_text(reasons, field="reasons",
                         required=None if decision == D.ADOPTED else _("Motiveer waarom het standpunt niet (geheel) "
                                                                       "is overgenomen."))
    with transaction.atomic():
        position = _locked(position)
        if position.status == S.DECIDED:
            if position.decision == decision and position.reasons == reasons:
                return position
            raise ConflictError("position_decided", _("Over dit standpunt is al besloten."))
        if position.status == S.WITHDRAWN:
            raise ConflictError("position_withdrawn", _("Het overlegteam heeft dit standpunt ingetrokken."))
        before = {"status": position.status}
        position.status, position.decision, position.reasons = S.DECIDED, decision, reasons
        position.decided_by, position.decided_at = actor, now
        position.save(update_fields=["status", "decision", "reasons", "decided_by", "decided_at"])
        clock_done(actor=actor, obj=position, kind=POSITION_DECISION_CLOCK, at=now)
        audit_record(actor=actor, verb="consultations.position.decided", obj=position, before=before,
                     after={"status": S.DECIDED, "decision": decision, "reasons": reasons})
        _notify(position, side="team", key=f"position-decided:{position.pk}",
                subject=N_("Besluit over uw standpunt %(title)s: %(decision)s"),
                body=N_("%(insurer)s heeft besloten over het standpunt. De motivering staat bij het standpunt."),
                params={"decision": label(D(decision).label)})
    return position


def position_withdraw(*, actor, position: Position, now: datetime) -> Position:
    """The team withdraws a position the insurer has not decided on. Safe to repeat."""
    require_team_member(actor, position.round)
    with transaction.atomic():
        position = _locked(position)
        if position.status == S.WITHDRAWN:
            return position
        if position.status == S.DECIDED:
            raise ConflictError("position_decided", _("Over dit standpunt is al besloten; intrekken kan niet meer."))
        before = position.status
        position.status = S.WITHDRAWN
        position.save(update_fields=["status"])
        clock_cancel(actor=actor, obj=position, kind=POSITION_DECISION_CLOCK, at=now, reason="withdrawn")
        audit_record(actor=actor, verb="consultations.position.withdrawn", obj=position,
                     before={"status": before}, after={"status": S.WITHDRAWN})
    return position


def position_notice_params(position: Position) -> dict:
    round = position.round
    return {"team": round.overleg_team.name, "insurer": round.overleg_team.insurer.name, "title": position.title,
            "year": str(round.contract_year.year)}


def _notify(position: Position, *, side: str, key: str, subject: str, body: str = "", params=None) -> int:
    from accounts.services import notify_users

    return notify_users(user_ids=side_user_ids(position.round, side), key=key, subject=subject, body=body,
                        params={**position_notice_params(position), **(params or {})},
                        url=reverse("consultations:meeting", args=[position.meeting_id]) if position.meeting_id
                        else reverse("consultations:round", args=[position.round_id]))
