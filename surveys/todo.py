"""What waits on a respondent in the surveys, for the home page's "Wat wacht op u" and the demo logins' "Nu te
doen": the open surveys it has not submitted yet, with the first last day. Registered with contracting's task
registry from SurveysConfig.ready(); one query."""

from datetime import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import ngettext

from accounts.models import Membership, User
from contracting.calendar import Deadline
from contracting.selectors import Task

from .models import Response, Survey
from .selectors import invitations_for


def survey_tasks(memberships: list[Membership], now: datetime) -> list[Task]:
    if not memberships:
        return []
    # The same rule as the survey list's "open" (selectors.survey_is_open), as a filter.
    # The user by its id only: no query for it; the memberships are the caller's.
    user = User(pk=memberships[0].user_id)
    waiting = (invitations_for(user, memberships=memberships)
               .filter(survey__status=Survey.Status.PUBLISHED, survey__opens_at__lte=now, survey__closes_at__gt=now)
               .exclude(response__status=Response.Status.SUBMITTED)
               .aggregate(n=Count("pk"), first=Min("survey__closes_at")))
    if not waiting["n"]:
        return []
    deadline = Deadline.of(waiting["first"], now)
    days = ngettext("nog %(days)d dag", "nog %(days)d dagen", deadline.days_left) % {"days": deadline.days_left}
    text = ngettext("%(n)d enquête in te vullen, uiterlijk %(day)s (%(days)s)",
                    "%(n)d enquêtes in te vullen, de eerste uiterlijk %(day)s (%(days)s)", waiting["n"]) % {
        "n": waiting["n"], "day": date_format(deadline.day, "j F Y"), "days": days}
    return [Task(text, reverse("surveys:list"))]
