"""Reads of per-object clocks: an object's clock, the clocks due or overdue, and an annotation that puts a
clock's moment on every row of a list (so a list sorts and flags by it in one query)."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, DateTimeField, OuterRef, Q, QuerySet, Subquery, Value, When

from ..calendar import Deadline
from ..models import Clock


def clock_of(obj, kind: str) -> Clock | None:
    """The clock `kind` of `obj`, or None. One query."""
    return Clock.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                kind=kind).first()


def clock_deadline(clock: Clock, now: datetime) -> Deadline:
    """The clock's moment as every page shows it (its last day, the days left or how late)."""
    return Deadline.of(clock.due_at, now)


def clocks_open(*, kind: str | None = None) -> QuerySet[Clock]:
    """Clocks still running: neither done nor cancelled (whether or not their moment has passed)."""
    clocks = Clock.objects.filter(done_at__isnull=True, cancelled_at__isnull=True)
    return clocks.filter(kind=kind) if kind else clocks


def clocks_overdue(*, now: datetime, kind: str | None = None) -> QuerySet[Clock]:
    """Open clocks whose moment has passed at `now`: overdue from the due moment on, whether or not the
    sweep has processed them yet."""
    return clocks_open(kind=kind).filter(due_at__lte=now).order_by("due_at", "pk")


def clocks_due_before(*, moment: datetime, kind: str | None = None) -> QuerySet[Clock]:
    """Open clocks that fall due before `moment` (what is coming up)."""
    return clocks_open(kind=kind).filter(due_at__lt=moment).order_by("due_at", "pk")


def with_clock(queryset: QuerySet, kind: str, *, now: datetime | None = None) -> QuerySet:
    """`queryset` with each row's clock `kind` annotated: clock_due_at, clock_done_at, clock_cancelled_at and,
    given `now`, clock_overdue (open and past its moment). Sort or filter on them, e.g.
    with_clock(Knelpunt.objects.all(), "consultations.knelpunt.reaction", now=now).filter(clock_overdue=True)
    .order_by("clock_due_at"). One correlated subquery per column on the (content type, object, kind) index."""
    clocks = Clock.objects.filter(content_type=ContentType.objects.get_for_model(queryset.model),
                                  object_id=OuterRef("pk"), kind=kind)
    annotated = queryset.annotate(
        clock_due_at=Subquery(clocks.values("due_at")[:1], output_field=DateTimeField()),
        clock_done_at=Subquery(clocks.values("done_at")[:1], output_field=DateTimeField()),
        clock_cancelled_at=Subquery(clocks.values("cancelled_at")[:1], output_field=DateTimeField()),
    )
    if now is None:
        return annotated
    return annotated.annotate(clock_overdue=Case(
        When(Q(clock_due_at__lte=now, clock_done_at__isnull=True, clock_cancelled_at__isnull=True),
             then=Value(True)),
        default=Value(False), output_field=BooleanField()))
