"""What waits on the NZa in the monitor, for the home page's "Wat wacht op u" and the demo logins' "Nu te doen":
each contract year whose register is public (19 November) and whose monitor is not yet published, with how fresh
its figures are (a year being computed waits for its figures). Registered with contracting's task registry from
MonitorConfig.ready(); five queries."""

from datetime import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from contracting.calendar import MilestoneKind
from contracting.models import Milestone
from contracting.selectors import Task

from .models import MonitorPublication, MonitorRun
from .selectors import freshness_by_year


def monitor_tasks(memberships: list[Membership], now: datetime) -> list[Task]:
    if not any(m.role == Role.NZA_ANALYST for m in memberships):
        return []
    years = sorted(set(Milestone.objects.filter(kind=MilestoneKind.REGISTER_PUBLICATION, due_at__lte=now)
                       .values_list("contract_year__year", flat=True)), reverse=True)
    # A published year is done; a year being computed (a run queued or running) waits for its figures first.
    done = set(MonitorPublication.objects.filter(year__in=years).values_list("year", flat=True)) | set(
        MonitorRun.objects.filter(year__in=years, status__in=MonitorRun.ACTIVE).values_list("year", flat=True))
    years = [year for year in years if year not in done]
    if not years:
        return []
    url = reverse("monitor:runs")
    fresh = freshness_by_year(years, publications={})
    tasks = []
    for year in years:
        computed_at = fresh[year].computed_at
        if computed_at is None:
            text = _("Monitor %(year)s: het register is openbaar, maar de cijfers zijn nog niet berekend. Bereken "
                     "ze en publiceer het jaar.") % {"year": year}
        else:
            text = _("Monitor %(year)s: het register is openbaar; controleer de cijfers (berekend op %(moment)s) en "
                     "publiceer het jaar.") % {"year": year,
                                              "moment": date_format(localtime(computed_at), "j F Y H:i")}
        tasks.append(Task(text=text, url=url))
    return tasks
