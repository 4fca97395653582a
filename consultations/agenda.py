"""The overleg's deadlines in a user's calendar feed: the insurer's decision on an overlegteam's position by the
day it set, and the reaction to a knelpunt within 2 weeks, for the team's members and the insurer's
purchasers. Registered with contracting's deadline sources from ConsultationsConfig.ready(); one query each."""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from contracting.selectors import AgendaItem, Organisations, clock_item, clock_rows

from .models import Knelpunt, Position


def _rounds(orgs: Organisations) -> Q:
    return Q(round__overleg_team__in=orgs.overleg_teams) | Q(round__overleg_team__insurer__in=orgs.purchasing)


def overleg_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    if not (orgs.overleg_teams or orgs.purchasing):
        return []
    fields = {"name": "title", "team": "round__overleg_team__name", "round_id": "round_id"}
    items = [clock_item(row, title=f"{row['name']} ({row['team']})",
                        path=reverse("consultations:position", args=[row["object_id"]]))
             for row in clock_rows(Position.objects.filter(_rounds(orgs)), fields=fields)]
    items += [clock_item(row, title=f"{row['name']} ({row['team']})",
                         path=reverse("consultations:round", args=[row["round_id"]]))
              for row in clock_rows(Knelpunt.objects.filter(_rounds(orgs)), fields=fields)]
    return items
