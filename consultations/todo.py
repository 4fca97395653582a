"""What waits in the overleg, for the home page's "Wat wacht op u" and the demo logins' "Nu te doen": for an
overlegteam member the team's positions that wait for the insurer's decision, for a purchaser those it has to
decide, each with how many are past the day the insurer set. Registered with contracting's task registry from
ConsultationsConfig.ready(); one query."""

from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, Role
from contracting.selectors import Task

from .models import Position

WAITING = (Position.Status.SUBMITTED, Position.Status.AWAITING)


def overleg_tasks(memberships: list[Membership], now: datetime) -> list[Task]:
    teams = {m.overleg_team_id for m in memberships if m.role == Role.OTH_MEMBER and m.overleg_team_id}
    insurers = {m.insurer_id for m in memberships if m.role == Role.INSURER_PURCHASER and m.insurer_id}
    if not teams and not insurers:
        return []
    counts = Position.objects.filter(status__in=WAITING).aggregate(
        team=Count("pk", filter=Q(round__overleg_team__in=teams)),
        team_late=Count("pk", filter=Q(round__overleg_team__in=teams, decision_due_at__lte=now)),
        insurer=Count("pk", filter=Q(round__overleg_team__insurer__in=insurers)),
        insurer_late=Count("pk", filter=Q(round__overleg_team__insurer__in=insurers, decision_due_at__lte=now)))
    url = reverse("consultations:rounds")
    tasks = []
    if counts["team"]:
        text = ngettext("%(n)d standpunt wacht op het besluit van de zorgverzekeraar",
                        "%(n)d standpunten wachten op het besluit van de zorgverzekeraar", counts["team"])
        tasks.append(_task(text % {"n": counts["team"]}, counts["team_late"], url))
    if counts["insurer"]:
        text = ngettext("%(n)d standpunt van een overlegteam wacht op uw besluit",
                        "%(n)d standpunten van overlegteams wachten op uw besluit", counts["insurer"])
        tasks.append(_task(text % {"n": counts["insurer"]}, counts["insurer_late"], url))
    return tasks


def _task(text: str, late: int, url: str) -> Task:
    if late:
        text += " " + _("(%(late)d te laat)") % {"late": late}
    return Task(text, url, urgent=bool(late))
