"""Rounds: opened per overlegteam and contract year (by either side, or for every team when the year's
evaluation phase starts), each side's intake of wishes and dilemmas, and the mandate the team asks its insurer
to accept. Every write checks who acts, locks the round, audits and is safe to repeat."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.notices import N_
from contracting.models import ContractYear
from core.audit import audit_record
from core.errors import ConflictError, PortalError
from providers.models import OverlegTeam

from ..access import require_round_party, require_round_purchaser, require_team_member, round_side_of
from ..models import ConsultationRound
from .common import clean_text, side_user_ids

M = ConsultationRound.Mandate


def round_open(*, actor, overleg_team: OverlegTeam, year: int, now: datetime) -> ConsultationRound:
    """The round of `overleg_team` for contract `year`, opened now if it has none (one per team and year).
    A member of the team or a purchaser of its insurer opens it (actor None: the engine). The contract year
    must exist (its calendar gives the phases)."""
    contract_year = ContractYear.objects.filter(year=year).first()
    if contract_year is None:
        raise PortalError("unknown_year", _("Contractjaar %(year)s bestaat niet (nog).") % {"year": year},
                          fields={"year": [_("Onbekend jaar.")]})
    probe = ConsultationRound(overleg_team=overleg_team, contract_year=contract_year)
    require_round_party(actor, probe)
    with transaction.atomic():
        OverlegTeam.objects.select_for_update().get(pk=overleg_team.pk)
        round, created = ConsultationRound.objects.get_or_create(
            overleg_team=overleg_team, contract_year=contract_year,
            defaults={"created_by": actor, "created_at": now})
        if created:
            audit_record(actor=actor, verb="consultations.round.opened", obj=round,
                         after={"overleg_team": overleg_team.pk, "year": year})
    return round


def rounds_open_for_year(*, year: int, now: datetime) -> int:
    """Open the round of `year` for every overlegteam that has none (the engine, when the year's evaluation
    phase starts on 1 January). Returns how many were opened."""
    existing = set(ConsultationRound.objects.filter(contract_year__year=year).values_list("overleg_team_id", flat=True))
    opened = 0
    for team in OverlegTeam.objects.exclude(pk__in=existing).select_related("insurer"):
        round_open(actor=None, overleg_team=team, year=year, now=now)
        opened += 1
    return opened


def _locked(round: ConsultationRound) -> ConsultationRound:
    return (ConsultationRound.objects.select_for_update(of=("self",))
            .select_related("overleg_team__insurer", "contract_year").get(pk=round.pk))


def round_set_intake(*, actor, round: ConsultationRound, text: str, now: datetime) -> ConsultationRound:
    """Each side writes its own wishes and dilemmas for the round (the team's, or the insurer's)."""
    side = require_round_party(actor, round)
    text = clean_text(text, field="text")
    field = "team_intake" if side == "team" else "insurer_intake"
    with transaction.atomic():
        round = _locked(round)
        before = getattr(round, field)
        if before == text:
            return round
        setattr(round, field, text)
        round.save(update_fields=[field])
        audit_record(actor=actor, verb="consultations.round.intake_set", obj=round,
                     before={field: before}, after={field: text, "at": now})
    return round


def round_request_mandate(*, actor, round: ConsultationRound, text: str, now: datetime) -> ConsultationRound:
    """The team puts its mandate to the insurer (what it is mandated to consult on, for whom). Again with the
    same text changes nothing; a changed text while the insurer has not decided replaces it; once accepted it
    stands (409). After a refusal the team may put a new mandate."""
    require_team_member(actor, round)
    text = clean_text(text, field="text", required=_("Beschrijf het mandaat van het overlegteam."))
    with transaction.atomic():
        round = _locked(round)
        if round.mandate_status == M.ACCEPTED:
            if round.mandate_text == text:
                return round
            raise ConflictError("mandate_accepted", _("De zorgverzekeraar heeft het mandaat al geaccepteerd; het "
                                                      "kan niet meer worden gewijzigd."))
        if round.mandate_status == M.PENDING and round.mandate_text == text:
            return round
        before = {"status": round.mandate_status, "text": round.mandate_text}
        round.mandate_text, round.mandate_status, round.mandate_requested_at = text, M.PENDING, now
        round.mandate_reason, round.mandate_decided_at, round.mandate_decided_by = "", None, None
        round.save(update_fields=["mandate_text", "mandate_status", "mandate_requested_at", "mandate_reason",
                                  "mandate_decided_at", "mandate_decided_by"])
        audit_record(actor=actor, verb="consultations.round.mandate_requested", obj=round, before=before,
                     after={"status": M.PENDING, "text": text})
        _notify(round, side="insurer", key=f"round-mandate:{round.pk}:{now.isoformat()}",
                subject=N_("Mandaat voorgelegd door %(team)s"),
                body=N_("Het overlegteam %(team)s legt zijn mandaat voor contractjaar %(year)s voor. Accepteert u "
                        "het?"))
    return round


def round_decide_mandate(*, actor, round: ConsultationRound, accept: bool, reason: str,
                         now: datetime) -> ConsultationRound:
    """The insurer accepts the team's mandate, or does not, with its reason. The same decision again changes
    nothing; a decision on a mandate that was not put, or the opposite of one already taken, is a 409."""
    require_round_purchaser(actor, round)
    reason = clean_text(reason, field="reason",
                        required=None if accept else _("Geef aan waarom u het mandaat niet accepteert."))
    to = M.ACCEPTED if accept else M.REFUSED
    with transaction.atomic():
        round = _locked(round)
        if round.mandate_status == to:
            return round
        if round.mandate_status != M.PENDING:
            raise ConflictError("mandate_not_pending", _("Er ligt geen mandaat ter beslissing voor."))
        round.mandate_status, round.mandate_reason = to, reason
        round.mandate_decided_at, round.mandate_decided_by = now, actor
        round.save(update_fields=["mandate_status", "mandate_reason", "mandate_decided_at", "mandate_decided_by"])
        audit_record(actor=actor, verb="consultations.round.mandate_decided", obj=round,
                     before={"status": M.PENDING}, after={"status": to, "reason": reason})
        _notify(round, side="team", key=f"round-mandate-decided:{round.pk}:{to}",
                subject=(N_("Mandaat geaccepteerd door %(insurer)s") if accept
                         else N_("Mandaat niet geaccepteerd door %(insurer)s")),
                body=N_("Het besluit over het mandaat van %(team)s voor contractjaar %(year)s staat in de ronde."))
    return round


def _notify(round: ConsultationRound, *, side: str, key: str, subject: str, body: str = "") -> int:
    from accounts.services import notify_users

    return notify_users(user_ids=side_user_ids(round, side), key=key, subject=subject, body=body,
                        params=round_notice_params(round), url=reverse("consultations:round", args=[round.pk]))


def round_notice_params(round: ConsultationRound) -> dict:
    return {"team": round.overleg_team.name, "insurer": round.overleg_team.insurer.name,
            "year": str(round.contract_year.year)}


__all__ = ["round_decide_mandate", "round_open", "round_request_mandate", "round_set_intake", "round_side_of",
           "rounds_open_for_year"]
