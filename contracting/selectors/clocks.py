"""Reads of per-object clocks: an object's clock, the clocks due or overdue, and an annotation that puts a
clock's moment on every row of a list (so a list sorts and flags by it in one query)."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from ..calendar import (
    FOLLOW_DECISION_CLOCK,
    KNELPUNT_REACTION_CLOCK,
    REQUEST_REACTION_CLOCK,
    REQUEST_SETTLE_CLOCK,
    Deadline,
)
from ..models import Clock

# The own-offer decision clocks (one per kind of holder, services.own_offers.OWN_OFFER_DECISION_CLOCK).
OWN_OFFER_CLOCK_PREFIX = "contracting.own_offer.decision"


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


CLOCK_OUTCOMES = ("met", "late", "overdue", "running")


def clock_outcomes(clocks: QuerySet[Clock], *, group_by: dict, due_after: datetime, due_until: datetime,
                   now: datetime) -> list[dict]:
    """How the clocks due in (due_after, due_until] stand at `now`, counted per group (`group_by`: output name
    -> field path or expression): "met" (done before its moment, the exclusive bound), "late" (done at or after
    it), "overdue" (still open and its moment passed) and "running" (open, not yet due). A cancelled clock (its
    object withdrawn or settled otherwise) counts nowhere. The one home of "a clock was met". One query."""
    open_ = Q(done_at__isnull=True)
    names = {f"g_{k}": F(v) if isinstance(v, str) else v for k, v in group_by.items()}
    rows = (clocks.filter(due_at__gt=due_after, due_at__lte=due_until, cancelled_at__isnull=True)
            .annotate(**names).values(*names)
            .annotate(met=Count("pk", filter=Q(done_at__lt=F("due_at"))),
                      late=Count("pk", filter=Q(done_at__gte=F("due_at"))),
                      overdue=Count("pk", filter=open_ & Q(due_at__lte=now)),
                      running=Count("pk", filter=open_ & Q(due_at__gt=now)))
            .order_by())
    return [{**{k: row[f"g_{k}"] for k in group_by}, **{o: row[o] for o in CLOCK_OUTCOMES}} for row in rows]


# The contracting clocks an insurer must meet, by the object they run on: a request's reaction (5 working days;
# a knelpunt or dispute 2 weeks) and a laborious one's settlement, a follow request's decision, an own offer's
# decision. Requests raised by the insurer itself (side "insurer") wait on the holder, so they do not count.
REQUEST_CLOCKS = (REQUEST_REACTION_CLOCK, KNELPUNT_REACTION_CLOCK, REQUEST_SETTLE_CLOCK)


def insurer_clock_outcomes(*, due_after: datetime, due_until: datetime, now: datetime) -> list[dict]:
    """clock_outcomes of the contracting clocks an insurer must meet, per insurer ("insurer_id"), clock kind
    ("clock") and, for requests, the request's kind ("request_kind"; "" otherwise). Three queries."""
    window = {"due_after": due_after, "due_until": due_until, "now": now}
    rows = clock_outcomes(Clock.objects.filter(kind__in=REQUEST_CLOCKS, request__side="holder"),
                          group_by={"insurer_id": "request__insurer_id", "clock": "kind",
                                    "request_kind": "request__kind"}, **window)
    rows += [{**row, "request_kind": ""} for row in clock_outcomes(
        Clock.objects.filter(kind=FOLLOW_DECISION_CLOCK),
        group_by={"insurer_id": "follow_request__insurer_id", "clock": "kind"}, **window)]
    rows += [{**row, "request_kind": ""} for row in clock_outcomes(
        Clock.objects.filter(kind__startswith=OWN_OFFER_CLOCK_PREFIX),
        group_by={"insurer_id": "own_offer__insurer_id", "clock": "kind"}, **window)]
    return rows
