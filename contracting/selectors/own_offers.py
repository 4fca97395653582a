"""Reads of own contract offers: the window of a year as a reader sees it, the year a page opens on, and the
lists of the holder and of the insurer (a fixed number of queries however many rows)."""

from datetime import datetime

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from ..calendar import Deadline, MilestoneKind, local_date
from ..models import Milestone, OwnOffer, OwnOfferLine
from .calendar import Window


def own_offer_window_at(year: int, now: datetime) -> Window | None:
    """Contract year `year`'s own-offer window (services.own_offers.own_offer_window: its consultation period)
    at `now`: before, open or closed, with its first and last day. None without a calendar."""
    from ..services.own_offers import own_offer_window

    window = own_offer_window(year)
    if window is None:
        return None
    opens, closes = window
    state = "before" if now < opens else "open" if now < closes else "closed"
    return Window(opens=opens, closes=closes, today=local_date(now), state=state)


def own_offer_year_default(now: datetime) -> int | None:
    """The contract year whose own-offer window is open or comes next; else the latest with a calendar."""
    ahead = (Milestone.objects.filter(kind=MilestoneKind.CONSULTATION_END, due_at__gt=now)
             .order_by("due_at").values_list("contract_year__year", flat=True).first())
    if ahead is not None:
        return ahead
    return (Milestone.objects.filter(kind=MilestoneKind.CONSULTATION_END).order_by("-due_at")
            .values_list("contract_year__year", flat=True).first())


def own_offer_rows(queryset: QuerySet[OwnOffer], now: datetime) -> QuerySet[OwnOffer]:
    """Own offers with insurer, holder and lines, those waiting first by their decision deadline, then the rest
    newest first. Two queries for a page, whatever its size."""
    return (queryset.select_related("insurer", "practice", "care_group", "contract")
            .prefetch_related(Prefetch("lines", queryset=OwnOfferLine.objects.select_related("module")))
            .annotate(waiting_first=Case(When(status=OwnOffer.Status.SUBMITTED, then=Value(0)), default=Value(1),
                                         output_field=IntegerField()))
            .order_by("waiting_first", "due_at", "-submitted_at", "pk"))


def with_decision_deadline(rows, now: datetime) -> list[OwnOffer]:
    """Each own offer with `deadline` (calendar.Deadline of its decision) while it waits."""
    rows = list(rows)
    for row in rows:
        row.deadline = Deadline.of(row.due_at, now) if row.status == OwnOffer.Status.SUBMITTED and row.due_at \
            else None
    return rows
