"""The calendar feed (iCal) of one user's own deadlines, /agenda/<token>.ics: the milestones of their roles and
the running clocks of their organisations (contracting.selectors.user_deadlines, to which the other apps add
theirs). Calendar apps subscribe to it and fetch it without a session, so the secret link is the only key:
an unknown, replaced or malformed token is a 404, like a deactivated user's. The link is made and renewed on
the profile page."""

from datetime import UTC, timedelta

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event, Timezone

from accounts.selectors import calendar_feed_user, memberships_of

from ..selectors import user_deadlines

PRODID = "-//Contracteerportaal huisartsenzorg//Termijnen//NL"
# Every deadline is an all-day event on a local day; the calendar says in which zone those days are.
TIME_ZONE = "Europe/Amsterdam"


@require_GET
@cache_control(private=True, max_age=900)
def calendar_feed(request, token: str):
    user = calendar_feed_user(token)
    if user is None:
        raise Http404(_("Deze agenda-link bestaat niet (meer)."))
    now = timezone.now()
    items = user_deadlines(user, memberships_of(user), now)
    base = request.build_absolute_uri("/").rstrip("/")
    host = request.get_host().split(":")[0] or "contracteerportaal"

    calendar = Calendar.new(
        prodid=PRODID, method="PUBLISH", calscale="GREGORIAN",
        name=_("Termijnen contracteerportaal — %(name)s") % {"name": user.get_full_name()},
        description=_("Uw eigen termijnen in het contracteerportaal: de mijlpalen van uw rollen en de termijnen "
                      "van uw organisaties."),
        refresh_interval=timedelta(hours=1), uid=f"termijnen-{user.pk}@{host}")
    calendar.add("X-WR-TIMEZONE", TIME_ZONE)
    calendar.add("X-PUBLISHED-TTL", "PT1H")  # the older name of REFRESH-INTERVAL that Outlook reads
    today = now.date()
    calendar.add_component(Timezone.from_tzid(TIME_ZONE, first_date=today - timedelta(days=450),
                                              last_date=today + timedelta(days=800)))
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for item in items:
        event = Event.new(uid=f"{item.uid}@{host}", stamp=stamp, start=item.day, end=item.day + timedelta(days=1),
                          summary=item.title, description=item.description or None, url=base + item.path,
                          transparency="TRANSPARENT")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="termijnen.ics"'
    response["X-Robots-Tag"] = "noindex"  # a secret link that was pasted somewhere public stays out of search
    return response
