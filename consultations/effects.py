"""What the consultations app registers with the deadline engine (contracting/engine.py): the clocks of a
position's decision (by the day the insurer set) and of a knelpunt's reaction (2 weeks), their overdue
notices, the opening of every overlegteam's round when a contract year's cycle starts (1 January), and the
late flag of the insurers' evaluations at the end of February and on 1 March. Imported once from
ConsultationsConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role
from accounts.notices import N_, day, label
from accounts.services import notify_users
from contracting.calendar import MilestoneKind, last_day
from contracting.engine import (
    ByDate,
    CalendarDays,
    ClockKind,
    Skip,
    clock_effect,
    milestone_effect,
    register_clock_kind,
)
from contracting.workdays import KNELPUNT_CALENDAR_DAYS
from core.audit import audit_record

from .clocks import KNELPUNT_REACTION_CLOCK, POSITION_DECISION_CLOCK
from .models import Knelpunt, Position
from .services.common import side_user_ids

register_clock_kind(ClockKind(
    name=POSITION_DECISION_CLOCK, label=_("Besluit op standpunt"), duration=ByDate(),
    effect="consultations.position.overdue", due_field="decision_due_at"))
register_clock_kind(ClockKind(
    name=KNELPUNT_REACTION_CLOCK, label=_("Reactie op knelpunt in het overleg"),
    duration=CalendarDays(KNELPUNT_CALENDAR_DAYS), effect="consultations.knelpunt.overdue", due_field="due_at"))


@clock_effect("consultations.position.overdue")
def position_overdue(*, clock, obj: Position, effective_at, now) -> dict:
    """Not decided by the day the insurer set: both sides are told once (every list shows it as overdue from
    the moment itself, sweep or no sweep)."""
    if obj.status != Position.Status.AWAITING:
        raise Skip("not_awaiting", status=obj.status)
    round = obj.round
    params = {"title": obj.title, "team": round.overleg_team.name, "insurer": round.overleg_team.insurer.name,
              "day": day(last_day(clock.due_at))}
    url = reverse("consultations:round", args=[round.pk]) + f"#standpunt-{obj.pk}"
    told = 0
    for side in ("insurer", "team"):
        told += notify_users(user_ids=side_user_ids(round, side), key=f"position-overdue:{obj.pk}",
                             subject=N_("Besluit op standpunt te laat: %(title)s"),
                             body=N_("%(insurer)s zou uiterlijk %(day)s besluiten over het standpunt van %(team)s."),
                             params=params, url=url)
    audit_record(actor=None, verb="consultations.position.overdue", obj=obj, after={"due_at": clock.due_at})
    return {"notified": told}


@clock_effect("consultations.knelpunt.overdue")
def knelpunt_overdue(*, clock, obj: Knelpunt, effective_at, now) -> dict:
    if obj.status != Knelpunt.Status.OPEN:
        raise Skip("not_open", status=obj.status)
    round = obj.round
    side = "insurer" if obj.side == Knelpunt.Side.TEAM else "team"
    told = notify_users(user_ids=side_user_ids(round, side), key=f"knelpunt-overdue:{obj.pk}",
                        subject=N_("Reactie op knelpunt te laat: %(title)s"),
                        body=N_("Op het knelpunt in het overleg van %(team)s met %(insurer)s moest uiterlijk %(day)s "
                                "gereageerd zijn."),
                        params={"title": obj.title, "team": round.overleg_team.name,
                                "insurer": round.overleg_team.insurer.name, "day": day(last_day(clock.due_at))},
                        url=reverse("consultations:round", args=[round.pk]) + f"#knelpunt-{obj.pk}")
    audit_record(actor=None, verb="consultations.knelpunt.overdue", obj=obj, after={"due_at": clock.due_at})
    return {"notified": told}


@milestone_effect("consultations.rounds.open", kinds={MilestoneKind.EVALUATION_START}, order=50)
def open_rounds(*, milestone, effective_at, now) -> dict:
    """The cycle of a contract year starts (1 January, two years' calendars run side by side): every
    overlegteam gets its round for that year."""
    from .services import rounds_open_for_year

    return {"opened": rounds_open_for_year(year=milestone.contract_year.year, now=effective_at)}


@milestone_effect("consultations.evaluation.late",
                  kinds={MilestoneKind.EVALUATION_FINISHED, MilestoneKind.EVALUATION_COMMUNICATED}, order=60)
def flag_evaluations_late(*, milestone, effective_at, now) -> dict:
    """At the end of February (finished) and on 1 March (shared): the purchasers of every insurer with
    overlegteams whose evaluation is not finished, or not shared, are told once. The flag itself is a query
    (selectors.evaluations_late), so it never goes stale."""
    from .selectors import evaluations_late

    year = milestone.contract_year.year
    late = evaluations_late(year=year, kind=milestone.kind, now=effective_at)
    subject = (N_("Evaluatie van de contractering %(year)s niet op tijd afgerond")
               if milestone.kind == MilestoneKind.EVALUATION_FINISHED
               else N_("Uitkomsten van de evaluatie %(year)s niet op tijd gedeeld"))
    for insurer in late:
        purchasers = Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer=insurer).values_list(
            "user_id", flat=True)
        notify_users(user_ids=purchasers, key=f"evaluation-late:{milestone.pk}:{insurer.pk}", subject=subject,
                     body=N_("%(milestone)s was uiterlijk %(day)s. Het portaal toont de evaluatie als te laat."),
                     params={"year": str(year - 1), "milestone": label(milestone.label),
                             "day": day(last_day(milestone.due_at))},
                     url=reverse("consultations:evaluations"))
    return {"late": [insurer.pk for insurer in late]}
