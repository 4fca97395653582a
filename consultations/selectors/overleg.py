"""Reads of the overleg: a round's phases from its contract year's milestones, lists with their clocks, the
timeline of an overlegteam, and the evaluations' late flags. Pages, API and effects all read these."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from contracting.calendar import Deadline, MilestoneKind, display_day, last_day
from contracting.engine import calendar_rule
from contracting.models import Clock, Milestone
from contracting.selectors import clock_outcomes, with_clock
from insurers.models import Insurer

from ..clocks import KNELPUNT_REACTION_CLOCK, POSITION_DECISION_CLOCK
from ..models import ConsultationRound, Evaluation, Knelpunt, Meeting, Position

K = MilestoneKind
INTAKE, MANDATE, CONSULTATION, ADJUSTMENTS, EVALUATION = "intake", "mandate", "consultation", "adjustments", \
    "evaluation"
PHASE_LABELS = {
    INTAKE: _("Wensen en dilemma's (januari)"),
    MANDATE: _("Mandaat van het overlegteam"),
    CONSULTATION: _("Overleg over beleid en contractinhoud (februari – juli)"),
    ADJUSTMENTS: _("Laatste aanpassingen (juli – oktober)"),
    EVALUATION: _("Evaluatie"),
}
# Each dated phase runs from one milestone of the contract year to the next (the mandate is a step, not a
# period: it is the current phase from the end of the intake until the insurer accepts the mandate, while the
# calendar's overleg period runs).
PHASE_BOUNDS = (
    (INTAKE, K.EVALUATION_START, K.CONSULTATION_START),
    (CONSULTATION, K.CONSULTATION_START, K.CONSULTATION_END),
    (ADJUSTMENTS, K.CONSULTATION_END, K.SIGNING_OPEN),
    (EVALUATION, K.SIGNING_OPEN, None),
)


@dataclass(frozen=True)
class RoundPhase:
    key: str
    label: str
    starts_on: object  # date or None
    ends_on: object  # last day (date) or None
    current: bool
    done: bool


def _milestones(round: ConsultationRound) -> dict[str, Milestone]:
    cache = getattr(round, "_milestones_cache", None)
    if cache is None:
        cache = {m.kind: m for m in Milestone.objects.filter(contract_year_id=round.contract_year_id)}
        round._milestones_cache = cache
    return cache


def _day(milestones, kind, *, end: bool):
    milestone = milestones.get(kind)
    if milestone is None:
        return None
    rule = calendar_rule(kind)
    if end and rule and rule.boundary == "start":
        return last_day(milestone.due_at)  # a phase ending where the next starts ends the day before
    return display_day(milestone.due_at, rule.boundary if rule else "end")


def round_current_phase(round: ConsultationRound, now: datetime) -> str:
    """The phase the round is in at `now`: by the contract year's milestones, with the mandate in between the
    intake and the overleg until the insurer accepts it."""
    milestones = _milestones(round)
    current = INTAKE
    for key, start, _end in PHASE_BOUNDS:
        milestone = milestones.get(start)
        if milestone is not None and now >= milestone.due_at:
            current = key
    if current == CONSULTATION and round.mandate_status != ConsultationRound.Mandate.ACCEPTED:
        return MANDATE
    return current


def round_phases(round: ConsultationRound, now: datetime) -> list[RoundPhase]:
    """The five phases in order, with their days from the milestones, the current one marked. One query (the
    year's milestones), cached on the round."""
    milestones = _milestones(round)
    current = round_current_phase(round, now)
    order = [INTAKE, MANDATE, CONSULTATION, ADJUSTMENTS, EVALUATION]
    index = order.index(current)
    bounds = {key: (start, end) for key, start, end in PHASE_BOUNDS}
    phases = []
    for i, key in enumerate(order):
        start, end = bounds.get(key, (None, None))
        phases.append(RoundPhase(
            key=key, label=PHASE_LABELS[key],
            starts_on=_day(milestones, start, end=False) if start else None,
            ends_on=_day(milestones, end, end=True) if end else None,
            current=i == index, done=i < index))
    return phases


def rounds_list(rounds: QuerySet[ConsultationRound]) -> QuerySet[ConsultationRound]:
    """Rounds with their team, insurer and year, and counts of meetings, positions waiting for a decision
    and open knelpunten. One query."""
    return (rounds.select_related("overleg_team__insurer", "overleg_team__region", "contract_year")
            .annotate(meeting_count=Count("meetings", distinct=True),
                      positions_open=Count("positions", filter=Q(positions__status__in=[
                          Position.Status.SUBMITTED, Position.Status.AWAITING]), distinct=True),
                      knelpunten_open=Count("knelpunten", filter=Q(knelpunten__status=Knelpunt.Status.OPEN),
                                            distinct=True))
            .order_by("-contract_year__year", "overleg_team__name"))


def positions_with_clock(positions: QuerySet[Position], now: datetime) -> QuerySet[Position]:
    """Positions with their decision clock (clock_due_at, clock_overdue) and who submitted/decided them."""
    return (with_clock(positions, POSITION_DECISION_CLOCK, now=now)
            .select_related("submitted_by", "decided_by", "meeting").order_by("submitted_at", "pk"))


def knelpunten_with_clock(knelpunten: QuerySet[Knelpunt], now: datetime) -> QuerySet[Knelpunt]:
    return (with_clock(knelpunten, KNELPUNT_REACTION_CLOCK, now=now)
            .select_related("raised_by", "responded_by").annotate(request_count=Count("requests"))
            .order_by("raised_at", "pk"))


def position_deadline(position: Position, now: datetime) -> Deadline | None:
    """By when the insurer decides, as every page shows it; None until it has set a day."""
    due = getattr(position, "clock_due_at", position.decision_due_at)
    return Deadline.of(due, now) if due else None


def position_overdue(position: Position, now: datetime) -> bool:
    if hasattr(position, "clock_overdue"):
        return bool(position.clock_overdue)
    return bool(position.status == Position.Status.AWAITING and position.decision_due_at
                and now >= position.decision_due_at)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    label: str
    round_id: int
    url_name: str = ""
    url_arg: int | None = None
    late: bool = False


def team_timeline(team, now: datetime) -> list[TimelineEntry]:
    """What happened and is planned in every round of `team`, oldest first: the phases' milestones of each
    round's year, meetings, positions submitted and decided (late when after their day), knelpunten raised
    and answered, the mandate. A fixed number of queries however many rounds."""
    rounds = list(ConsultationRound.objects.filter(overleg_team=team).select_related("contract_year"))
    round_ids = [r.pk for r in rounds]
    year_ids = {r.contract_year_id: r for r in rounds}
    entries: list[TimelineEntry] = []
    phase_kinds = [K.EVALUATION_START, K.CONSULTATION_START, K.EVALUATION_COMMUNICATED, K.CONSULTATION_END,
                   K.SIGNING_OPEN]
    for milestone in Milestone.objects.filter(contract_year_id__in=year_ids, kind__in=phase_kinds):
        round = year_ids[milestone.contract_year_id]
        entries.append(TimelineEntry(at=milestone.due_at, kind="milestone",
                                     label=f"{round.contract_year.year}: {milestone.label}", round_id=round.pk))
    for round in rounds:
        if round.mandate_requested_at:
            entries.append(TimelineEntry(at=round.mandate_requested_at, kind="mandate",
                                         label=str(_("Mandaat voorgelegd")), round_id=round.pk,
                                         url_name="consultations:round", url_arg=round.pk))
        if round.mandate_decided_at:
            entries.append(TimelineEntry(at=round.mandate_decided_at, kind="mandate",
                                         label=f"{_('Mandaat')}: {round.get_mandate_status_display()}",
                                         round_id=round.pk, url_name="consultations:round", url_arg=round.pk))
    for meeting in Meeting.objects.filter(round_id__in=round_ids):
        entries.append(TimelineEntry(at=meeting.starts_at, kind="meeting", label=meeting.title,
                                     round_id=meeting.round_id, url_name="consultations:meeting",
                                     url_arg=meeting.pk))
    for position in Position.objects.filter(round_id__in=round_ids):
        entries.append(TimelineEntry(at=position.submitted_at, kind="position",
                                     label=f"{_('Standpunt ingediend')}: {position.title}",
                                     round_id=position.round_id, url_name="consultations:position",
                                     url_arg=position.pk))
        if position.decided_at:
            late = bool(position.decision_due_at and position.decided_at >= position.decision_due_at)
            entries.append(TimelineEntry(at=position.decided_at, kind="decision",
                                         label=f"{position.get_decision_display()}: {position.title}",
                                         round_id=position.round_id, url_name="consultations:position",
                                         url_arg=position.pk, late=late))
        elif position.status == Position.Status.AWAITING and position.decision_due_at:
            entries.append(TimelineEntry(at=position.decision_due_at, kind="decision_due",
                                         label=f"{_('Besluit uiterlijk')}: {position.title}",
                                         round_id=position.round_id, url_name="consultations:position",
                                         url_arg=position.pk, late=now >= position.decision_due_at))
    for knelpunt in Knelpunt.objects.filter(round_id__in=round_ids):
        entries.append(TimelineEntry(at=knelpunt.raised_at, kind="knelpunt",
                                     label=f"{_('Knelpunt')}: {knelpunt.title}", round_id=knelpunt.round_id))
        if knelpunt.responded_at:
            entries.append(TimelineEntry(at=knelpunt.responded_at, kind="knelpunt_answered",
                                         label=f"{_('Reactie op knelpunt')}: {knelpunt.title}",
                                         round_id=knelpunt.round_id,
                                         late=bool(knelpunt.due_at and knelpunt.responded_at >= knelpunt.due_at)))
    return sorted(entries, key=lambda e: (e.at, e.kind))


# --- Evaluations -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lateness:
    finished: Deadline | None  # by the end of February
    shared: Deadline | None  # by 1 March
    finished_late: bool
    shared_late: bool


def evaluation_lateness(evaluation: Evaluation | None, *, year: int, now: datetime,
                        milestones: dict | None = None) -> Lateness:
    """Whether the evaluation in contract `year`'s calendar was (or is) finished and shared late, read against
    that year's milestone rows (so a moved milestone moves the flag): late when done at or after the moment,
    or not done while the moment has passed."""
    if milestones is None:
        milestones = {m.kind: m for m in Milestone.objects.filter(
            contract_year__year=year, kind__in=[K.EVALUATION_FINISHED, K.EVALUATION_COMMUNICATED])}
    finished_m, shared_m = milestones.get(K.EVALUATION_FINISHED), milestones.get(K.EVALUATION_COMMUNICATED)

    def late(milestone, done_at):
        if milestone is None:
            return False
        return (done_at >= milestone.due_at) if done_at else now >= milestone.due_at

    return Lateness(
        finished=Deadline.of(finished_m.due_at, now) if finished_m else None,
        shared=Deadline.of(shared_m.due_at, now) if shared_m else None,
        finished_late=late(finished_m, evaluation.finished_at if evaluation else None),
        shared_late=late(shared_m, evaluation.shared_at if evaluation else None))


def evaluations_late(*, year: int, kind: str, now: datetime) -> list[Insurer]:
    """The insurers with overlegteams whose evaluation in contract `year`'s calendar is late at `now` for
    milestone `kind` (finished, or communicated = shared)."""
    milestone = Milestone.objects.filter(contract_year__year=year, kind=kind).first()
    if milestone is None or now < milestone.due_at:
        return []
    field = "finished_at" if kind == K.EVALUATION_FINISHED else "shared_at"
    in_time = Evaluation.objects.filter(contract_year__year=year, **{f"{field}__lt": milestone.due_at}).values(
        "insurer_id")
    return list(Insurer.objects.filter(overleg_teams__isnull=False).exclude(pk__in=in_time).distinct()
                .order_by("name"))


def evaluations_of_year(year: int, now: datetime) -> list[tuple[Evaluation, Lateness]]:
    """Every insurer's evaluation in contract `year`'s calendar, with its late flags. Two queries."""
    return evaluations_list(Evaluation.objects.filter(contract_year__year=year), now)


def evaluations_list(evaluations: QuerySet[Evaluation], now: datetime) -> list[tuple[Evaluation, Lateness]]:
    """Evaluations with their late flags. Two queries (the evaluations, their years' milestones)."""
    rows = list(evaluations.select_related("insurer", "contract_year").order_by("-contract_year__year",
                                                                                 "insurer__name"))
    by_year: dict[int, dict] = {}
    for m in Milestone.objects.filter(contract_year_id__in={e.contract_year_id for e in rows},
                                      kind__in=[K.EVALUATION_FINISHED, K.EVALUATION_COMMUNICATED]):
        by_year.setdefault(m.contract_year_id, {})[m.kind] = m
    return [(e, evaluation_lateness(e, year=e.contract_year.year, now=now,
                                    milestones=by_year.get(e.contract_year_id, {}))) for e in rows]


def insurer_overleg_clock_outcomes(*, due_after: datetime, due_until: datetime, now: datetime) -> list[dict]:
    """contracting.selectors.clock_outcomes of the overleg clocks an insurer must meet, per insurer
    ("insurer_id") and clock kind ("clock"): its reaction to a knelpunt the overlegteam raised (2 weeks) and its
    decision on a position by the day it set. Two queries."""
    window = {"due_after": due_after, "due_until": due_until, "now": now}
    rows = []
    for model, kind, objects in (
            (Knelpunt, KNELPUNT_REACTION_CLOCK, Knelpunt.objects.filter(side=Knelpunt.Side.TEAM)),
            (Position, POSITION_DECISION_CLOCK, Position.objects.all())):
        insurer = Subquery(model.objects.filter(pk=OuterRef("object_id"))
                           .values("round__overleg_team__insurer_id")[:1])
        clocks = Clock.objects.filter(content_type=ContentType.objects.get_for_model(model), kind=kind,
                                      object_id__in=objects.values("pk"))
        rows += clock_outcomes(clocks, group_by={"insurer_id": insurer, "clock": "kind"}, **window)
    return rows
