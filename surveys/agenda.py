"""The surveys in a user's calendar feed: the closing day of each published survey they (or an organisation
they act for) were invited to and have not submitted yet. Registered with contracting's deadline sources from
SurveysConfig.ready(); one query."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from contracting.calendar import AMSTERDAM, last_day
from contracting.selectors import AgendaItem, Organisations

from .models import Response, Survey
from .selectors import invitations_for


def survey_items(user: User, orgs: Organisations, now: datetime) -> list[AgendaItem]:
    # The same invitations as the survey list (selectors.invitations_for), still to be submitted; the closing
    # is the survey's own moment (its clock mirrors it).
    waiting = (invitations_for(user, memberships=list(orgs.memberships))
               .filter(survey__status=Survey.Status.PUBLISHED, survey__closes_at__gt=now)
               .exclude(response__status=Response.Status.SUBMITTED)
               .values_list("pk", "survey_id", "survey__title", "survey__closes_at", "practice__name",
                            "care_group__name", "insurer__name")
               .order_by("survey__closes_at", "pk"))
    items = []
    for pk, survey_id, title, closes_at, *names in waiting:
        on_behalf = next((name for name in names if name), "")
        items.append(AgendaItem(
            uid=f"survey-invitation-{pk}",
            title=_("Enquête invullen: %(title)s") % {"title": title} + (f" ({on_behalf})" if on_behalf else ""),
            day=last_day(closes_at), boundary="end",
            path=reverse("surveys:respond", args=[survey_id]) + f"?uitnodiging={pk}",
            description=_("De enquête sluit op %(moment)s.") % {"moment": _moment(closes_at)}))
    return items


def _moment(moment: datetime) -> str:
    return date_format(timezone.localtime(moment, AMSTERDAM), "j F Y H:i")
