"""The overleg's rules as a user notices them: a round's phase follows the contract year's milestones (and the
mandate), the mandate and positions are decided by the insurer only (and only its own team's), a position is
due by the day the insurer set and falls overdue once, knelpunten get their 2 weeks and link to the
practices' knelpunt requests of the same insurer only, and the evaluation is late against its milestones and
reaches every contractant and overlegteam once when shared. Every service is called twice."""

from datetime import UTC, date, datetime

import pytest

from accounts.models import Notification
from consultations.models import ConsultationRound, Knelpunt, Position
from consultations.selectors import evaluation_lateness, round_current_phase, round_phases, team_timeline
from consultations.services import (
    evaluation_finish,
    evaluation_save,
    evaluation_share,
    knelpunt_close,
    knelpunt_link_requests,
    knelpunt_raise,
    knelpunt_respond,
    position_decide,
    position_set_due,
    position_submit,
    position_withdraw,
    round_decide_mandate,
    round_open,
    round_request_mandate,
    rounds_open_for_year,
)
from contracting.calendar import MilestoneKind
from contracting.models import Milestone
from contracting.selectors import clock_of
from contracting.services import deadlines_sweep, milestone_reschedule, request_raise
from core.errors import ConflictError, Forbidden, PortalError
from core.models import AuditEvent
from tests.consultations.conftest import ams


def notices(user, prefix: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, key__startswith=prefix))


# --- Phases -------------------------------------------------------------------------------------------------
def test_a_rounds_phases_come_from_its_years_milestones_and_wait_for_the_mandate(world, round_a):
    phases = {p.key: p for p in round_phases(round_a, ams(2026, 1, 15, 9, 0))}
    assert [p.key for p in phases.values()] == ["intake", "mandate", "consultation", "adjustments", "evaluation"]
    assert phases["intake"].current and (phases["intake"].starts_on, phases["intake"].ends_on) == (
        date(2026, 1, 1), date(2026, 1, 31))
    assert (phases["consultation"].starts_on, phases["consultation"].ends_on) == (date(2026, 2, 1), date(2026, 7, 1))
    assert (phases["adjustments"].starts_on, phases["adjustments"].ends_on) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (phases["evaluation"].starts_on, phases["evaluation"].ends_on) == (date(2026, 10, 1), None)

    # February without an accepted mandate: the round waits for it.
    assert round_current_phase(round_a, ams(2026, 2, 10, 9, 0)) == "mandate"
    round_request_mandate(actor=world["member_a"], round=round_a, text="Namens 212 huisartsen in Utrecht-Stad.",
                          now=ams(2026, 2, 2, 9, 0))
    accepted = round_decide_mandate(actor=world["purchaser_a"], round=round_a, accept=True, reason="",
                                    now=ams(2026, 2, 3, 9, 0))
    assert round_current_phase(accepted, ams(2026, 2, 10, 9, 0)) == "consultation"
    assert round_current_phase(accepted, ams(2026, 7, 1, 23, 59, 59)) == "consultation"  # "1 July" is in it
    assert round_current_phase(accepted, ams(2026, 7, 2, 0, 0)) == "adjustments"
    assert round_current_phase(accepted, ams(2026, 10, 1, 0, 0)) == "evaluation"

    # An administrator moves the end of the overleg to 15 July: the phase moves with it.
    end = Milestone.objects.get(contract_year__year=2027, kind=MilestoneKind.CONSULTATION_END)
    milestone_reschedule(actor=None, milestone=end, due_at=ams(2026, 7, 16, 0, 0))
    fresh = ConsultationRound.objects.get(pk=round_a.pk)
    assert round_current_phase(fresh, ams(2026, 7, 10, 9, 0)) == "consultation"


def test_one_round_per_team_and_year_and_every_team_gets_one_when_the_cycle_starts(world, round_a):
    assert round_open(actor=world["member_a"], overleg_team=world["team_a"], year=2027,
                      now=ams(2026, 1, 6, 9, 0)) == round_a
    with pytest.raises(Forbidden):
        round_open(actor=world["purchaser_b"], overleg_team=world["team_a"], year=2027, now=ams(2026, 1, 6))
    with pytest.raises(PortalError) as exc:
        round_open(actor=world["member_a"], overleg_team=world["team_a"], year=2031, now=ams(2026, 1, 6))
    assert exc.value.code == "unknown_year"
    # The sweep on 1 January opens team B's round for 2027 (A has one) once.
    deadlines_sweep(now=ams(2026, 1, 1, 0, 5))
    deadlines_sweep(now=ams(2026, 1, 1, 0, 10))
    assert sorted(ConsultationRound.objects.filter(contract_year__year=2027).values_list("overleg_team__name",
                                                                                         flat=True)) == [
        "OTH Utrecht – Andere", "OTH Utrecht – Zilverpunt"]
    assert rounds_open_for_year(year=2027, now=ams(2026, 1, 2)) == 0


# --- Mandate ------------------------------------------------------------------------------------------------
def test_the_mandate_is_the_teams_to_put_and_its_own_insurers_to_decide(world, round_a):
    with pytest.raises(Forbidden):
        round_request_mandate(actor=world["purchaser_a"], round=round_a, text="x", now=ams(2026, 1, 20))
    with pytest.raises(PortalError) as exc:
        round_request_mandate(actor=world["member_a"], round=round_a, text="   ", now=ams(2026, 1, 20))
    assert exc.value.code == "text_required"
    put = round_request_mandate(actor=world["member_a"], round=round_a, text="Overleg over ANW en POH-GGZ.",
                                now=ams(2026, 1, 20))
    round_request_mandate(actor=world["member_a"], round=round_a, text="Overleg over ANW en POH-GGZ.",
                          now=ams(2026, 1, 21))
    assert put.mandate_status == ConsultationRound.Mandate.PENDING
    assert len(notices(world["purchaser_a"], f"round-mandate:{round_a.pk}")) == 1

    with pytest.raises(Forbidden):  # another insurer's purchaser
        round_decide_mandate(actor=world["purchaser_b"], round=round_a, accept=True, reason="", now=ams(2026, 1, 22))
    with pytest.raises(PortalError) as exc:  # a refusal needs its reason; nothing changes
        round_decide_mandate(actor=world["purchaser_a"], round=round_a, accept=False, reason="", now=ams(2026, 1, 22))
    assert exc.value.code == "reason_required"
    assert ConsultationRound.objects.get(pk=round_a.pk).mandate_status == ConsultationRound.Mandate.PENDING
    refused = round_decide_mandate(actor=world["purchaser_a"], round=round_a, accept=False,
                                   reason="Het mandaat noemt de tarieven: daarover overleggen we niet collectief.",
                                   now=ams(2026, 1, 22))
    assert refused.mandate_status == ConsultationRound.Mandate.REFUSED
    assert len(notices(world["member_a"], f"round-mandate-decided:{round_a.pk}")) == 1
    # The team puts a new one; the insurer accepts it; accepting again changes nothing, refusing now is a 409.
    round_request_mandate(actor=world["member_a"], round=round_a, text="Overleg over ANW.", now=ams(2026, 1, 23))
    round_decide_mandate(actor=world["purchaser_a"], round=round_a, accept=True, reason="", now=ams(2026, 1, 24))
    again = round_decide_mandate(actor=world["purchaser_a"], round=round_a, accept=True, reason="",
                                 now=ams(2026, 1, 25))
    assert again.mandate_decided_at == ams(2026, 1, 24)
    with pytest.raises(ConflictError):
        round_decide_mandate(actor=world["purchaser_a"], round=round_a, accept=False, reason="Toch niet.",
                             now=ams(2026, 1, 25))
    assert AuditEvent.objects.filter(verb="consultations.round.mandate_decided", object_id=str(round_a.pk)).count() == 2


# --- Positions ----------------------------------------------------------------------------------------------
@pytest.fixture
def position(world, round_a):
    return position_submit(actor=world["member_a"], round=round_a, title="Meer uren POH-GGZ",
                           text="Het overlegteam vraagt 4 uur POH-GGZ per normpraktijk extra.",
                           now=ams(2026, 3, 2, 14, 0))


def test_the_insurer_sets_by_when_it_decides_and_a_missed_day_is_overdue_once(world, round_a, position):
    assert position_submit(actor=world["member_a"], round=round_a, title="Meer uren POH-GGZ",
                           text="Het overlegteam vraagt 4 uur POH-GGZ per normpraktijk extra.",
                           now=ams(2026, 3, 2, 15, 0)) == position  # a double click
    assert len(notices(world["purchaser_a"], f"position:{position.pk}")) == 1
    with pytest.raises(Forbidden):
        position_set_due(actor=world["member_a"], position=position, due_on=date(2026, 3, 29), now=ams(2026, 3, 3))
    with pytest.raises(Forbidden):
        position_set_due(actor=world["purchaser_b"], position=position, due_on=date(2026, 3, 29), now=ams(2026, 3, 3))
    with pytest.raises(PortalError) as exc:
        position_set_due(actor=world["purchaser_a"], position=position, due_on=date(2026, 3, 2), now=ams(2026, 3, 3))
    assert exc.value.code == "due_on_past"
    assert clock_of(position, "consultations.position.decision") is None

    # "Uiterlijk zondag 29 maart 2026": summer time starts that night, so the end of the day is 00:00 on 30
    # March CEST = 22:00 UTC on the 29th.
    awaiting = position_set_due(actor=world["purchaser_a"], position=position, due_on=date(2026, 3, 29),
                                now=ams(2026, 3, 3, 10, 0))
    assert awaiting.status == Position.Status.AWAITING
    assert awaiting.decision_due_at == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert position_set_due(actor=world["purchaser_a"], position=position, due_on=date(2026, 3, 29),
                            now=ams(2026, 3, 4)).decision_due_at == awaiting.decision_due_at
    with pytest.raises(ConflictError) as exc:
        position_set_due(actor=world["purchaser_a"], position=position, due_on=date(2026, 4, 30), now=ams(2026, 3, 4))
    assert exc.value.code == "due_already_set"
    [told] = notices(world["member_a"], f"position-due:{position.pk}")
    assert "29 maart 2026" in told.subject

    deadlines_sweep(now=ams(2026, 3, 29, 23, 59, 59))
    assert notices(world["member_a"], "position-overdue:") == []
    deadlines_sweep(now=ams(2026, 3, 30, 0, 0))
    deadlines_sweep(now=ams(2026, 3, 30, 0, 5))
    assert len(notices(world["member_a"], "position-overdue:")) == 1
    assert len(notices(world["purchaser_a"], "position-overdue:")) == 1
    assert notices(world["purchaser_b"], "position-overdue:") == []

    decided = position_decide(actor=world["purchaser_a"], position=position, decision=Position.Decision.PARTLY,
                              reasons="2 uur extra vanaf 2027.", now=ams(2026, 4, 2, 11, 0))
    assert clock_of(position, "consultations.position.decision").done_at == ams(2026, 4, 2, 11, 0)
    [entry] = [e for e in team_timeline(world["team_a"], ams(2026, 4, 3)) if e.kind == "decision"]
    assert entry.late and entry.label == "Gedeeltelijk overgenomen: Meer uren POH-GGZ"
    assert decided.decided_by == world["purchaser_a"]


def test_a_decision_needs_reasons_unless_adopted_and_stands_once_taken(world, position):
    for decision, reasons, code in [("", "", "decision_required"), ("maybe", "x", "decision_required"),
                                    (Position.Decision.NOT_ADOPTED, "  ", "reasons_required")]:
        with pytest.raises(PortalError) as exc:
            position_decide(actor=world["purchaser_a"], position=position, decision=decision, reasons=reasons,
                            now=ams(2026, 3, 5))
        assert exc.value.code == code
    assert Position.objects.get(pk=position.pk).status == Position.Status.SUBMITTED
    with pytest.raises(Forbidden):
        position_decide(actor=world["member_a"], position=position, decision="adopted", reasons="", now=ams(2026, 3, 5))
    adopted = position_decide(actor=world["purchaser_a"], position=position, decision=Position.Decision.ADOPTED,
                              reasons="", now=ams(2026, 3, 5))
    assert position_decide(actor=world["purchaser_a"], position=position, decision=Position.Decision.ADOPTED,
                           reasons="", now=ams(2026, 3, 6)).decided_at == adopted.decided_at
    with pytest.raises(ConflictError):
        position_decide(actor=world["purchaser_a"], position=position, decision=Position.Decision.NOT_ADOPTED,
                        reasons="Toch niet.", now=ams(2026, 3, 6))
    with pytest.raises(ConflictError):
        position_withdraw(actor=world["member_a"], position=position, now=ams(2026, 3, 6))
    assert len(notices(world["member_a"], f"position-decided:{position.pk}")) == 1


def test_a_withdrawn_position_never_falls_due(world, position):
    position_set_due(actor=world["purchaser_a"], position=position, due_on=date(2026, 3, 20), now=ams(2026, 3, 3))
    position_withdraw(actor=world["member_a"], position=position, now=ams(2026, 3, 10))
    position_withdraw(actor=world["member_a"], position=position, now=ams(2026, 3, 11))
    deadlines_sweep(now=ams(2026, 3, 25))
    assert notices(world["member_a"], "position-overdue:") == []
    assert clock_of(position, "consultations.position.decision").cancelled_at == ams(2026, 3, 10)


# --- Knelpunten ---------------------------------------------------------------------------------------------
def test_a_knelpunt_gets_two_weeks_and_links_only_the_insurers_own_knelpunt_requests(world, round_a):
    knelpunt = knelpunt_raise(actor=world["member_a"], round=round_a, title="ANW-diensten onderbetaald",
                              text="Praktijken in de regio melden tekorten.", now=ams(2026, 3, 2, 10, 0))
    assert knelpunt_raise(actor=world["member_a"], round=round_a, title="ANW-diensten onderbetaald",
                          text="Praktijken in de regio melden tekorten.", now=ams(2026, 3, 2, 11, 0)) == knelpunt
    assert knelpunt.due_at == ams(2026, 3, 17, 0, 0)  # 14 calendar days: by the end of Monday 16 March
    assert len(notices(world["purchaser_a"], f"knelpunt:{knelpunt.pk}")) == 1

    own = request_raise(actor=world["practice_user"], kind="knelpunt", text="Onze ANW-vergoeding is te laag.",
                        insurer=world["insurer_a"], practice=world["practice"], now=ams(2026, 2, 20))
    other_insurer = request_raise(actor=world["practice_user"], kind="knelpunt", text="Ook bij de ander.",
                                  insurer=world["insurer_b"], practice=world["practice"], now=ams(2026, 2, 20))
    question = request_raise(actor=world["practice_user"], kind="question", text="Een vraag.",
                             insurer=world["insurer_a"], practice=world["practice"], now=ams(2026, 2, 20))
    for wrong in (other_insurer, question):
        with pytest.raises(PortalError) as exc:
            knelpunt_link_requests(actor=world["purchaser_a"], knelpunt=knelpunt, request_ids=[own.pk, wrong.pk],
                                   now=ams(2026, 3, 3))
        assert exc.value.code == "unknown_request"
    assert not knelpunt.requests.exists()
    with pytest.raises(Forbidden):
        knelpunt_link_requests(actor=world["member_a"], knelpunt=knelpunt, request_ids=[own.pk], now=ams(2026, 3, 3))
    knelpunt_link_requests(actor=world["purchaser_a"], knelpunt=knelpunt, request_ids=[own.pk], now=ams(2026, 3, 3))
    knelpunt_link_requests(actor=world["purchaser_a"], knelpunt=knelpunt, request_ids=[own.pk], now=ams(2026, 3, 4))
    assert list(knelpunt.requests.all()) == [own]
    assert AuditEvent.objects.filter(verb="consultations.knelpunt.linked").count() == 1

    with pytest.raises(PortalError) as exc:  # the side that raised it does not answer it
        knelpunt_respond(actor=world["member_a"], knelpunt=knelpunt, response="Wij zelf.", now=ams(2026, 3, 5))
    assert exc.value.status == 403
    with pytest.raises(ConflictError):  # closing before any reaction
        knelpunt_close(actor=world["member_a"], knelpunt=knelpunt, now=ams(2026, 3, 5))
    deadlines_sweep(now=ams(2026, 3, 16, 23, 59))
    assert notices(world["purchaser_a"], "knelpunt-overdue:") == []
    deadlines_sweep(now=ams(2026, 3, 17, 0, 0))
    assert len(notices(world["purchaser_a"], "knelpunt-overdue:")) == 1
    answered = knelpunt_respond(actor=world["purchaser_a"], knelpunt=knelpunt,
                                response="We verhogen de ANW-vergoeding met 3%.", now=ams(2026, 3, 18))
    assert answered.status == Knelpunt.Status.ANSWERED
    assert knelpunt_respond(actor=world["purchaser_a"], knelpunt=knelpunt, response="We verhogen de ANW-vergoeding "
                            "met 3%.", now=ams(2026, 3, 19)).responded_at == ams(2026, 3, 18)
    assert knelpunt_close(actor=world["member_a"], knelpunt=knelpunt, now=ams(2026, 3, 20)).status == "closed"


# --- Evaluation ---------------------------------------------------------------------------------------------
def test_the_evaluation_is_late_against_its_milestones_and_its_insurer_is_told_once(world, round_a, round_b):
    # Zilverpunt finishes on 27 February and shares on 2 March (a day late); the other insurer does nothing.
    evaluation = evaluation_save(actor=world["purchaser_a"], insurer=world["insurer_a"], year=2027,
                                 method="survey", summary="## Uitkomsten\n\n- 72% tevreden", now=ams(2026, 2, 10))
    with pytest.raises(Forbidden):
        evaluation_save(actor=world["purchaser_b"], insurer=world["insurer_a"], year=2027, method="survey",
                        summary="x", now=ams(2026, 2, 10))
    with pytest.raises(ConflictError):
        evaluation_share(actor=world["purchaser_a"], evaluation=evaluation, now=ams(2026, 2, 11))
    evaluation = evaluation_finish(actor=world["purchaser_a"], evaluation=evaluation, now=ams(2026, 2, 27, 16, 0))
    deadlines_sweep(now=ams(2026, 3, 1, 0, 0))  # the end of February
    assert notices(world["purchaser_a"], "evaluation-late:") == []
    [late_b] = notices(world["purchaser_b"], "evaluation-late:")
    assert late_b.subject == "Evaluatie van de contractering 2026 niet op tijd afgerond"

    lateness = evaluation_lateness(evaluation, year=2027, now=ams(2026, 3, 1, 12, 0))
    assert (lateness.finished_late, lateness.shared_late) == (False, False)
    assert lateness.shared.day == date(2026, 3, 1)
    deadlines_sweep(now=ams(2026, 3, 2, 0, 0))  # the end of 1 March
    deadlines_sweep(now=ams(2026, 3, 2, 0, 5))
    assert len(notices(world["purchaser_a"], "evaluation-late:")) == 1
    assert len(notices(world["purchaser_b"], "evaluation-late:")) == 2  # not finished, not shared
    shared = evaluation_share(actor=world["purchaser_a"], evaluation=evaluation, now=ams(2026, 3, 2, 9, 0))
    lateness = evaluation_lateness(shared, year=2027, now=ams(2026, 3, 3))
    assert (lateness.finished_late, lateness.shared_late) == (False, True)
    with pytest.raises(ConflictError):
        evaluation_save(actor=world["purchaser_a"], insurer=world["insurer_a"], year=2027, method="survey",
                        summary="Anders.", now=ams(2026, 3, 3))
