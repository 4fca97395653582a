"""Reads behind the purchaser's dashboard and inbox: the signing watch, what waits on the insurer, and the
reminders that went out."""

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db.models import Case, Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from providers.models import Region

from ..calendar import RULES_BY_KIND, SIGNING_REMINDER_KINDS, Deadline, MilestoneKind
from ..models import EffectRun, FollowRequest, Offer, Request, StandardContract, covering

SIGNING_COLUMNS = ("sent", "opened", "signed", "refused", "expired", "open")
# The signing reminders in the order they go out (14, 7, then 2 days before the end of signing).
REMINDER_KINDS = tuple(sorted(SIGNING_REMINDER_KINDS, key=lambda kind: RULES_BY_KIND[kind].offset_days))


@dataclass(frozen=True)
class SigningWatch:
    regions: list[tuple[str, dict[str, int]]]  # by region name: sent, opened, signed, refused, expired, open
    totals: dict[str, int]


def signing_watch(*, insurer_id: int, year: int, region_id: int | None = None) -> SigningWatch:
    """Practice offers of one insurer and year by region and status (care groups sign in their own
    negotiation). One grouped query that reads only the offer_signing_watch index (insurer, year, region,
    status, opened_at), and one for the names of the regions found: no join with the practices, whose number
    would set the cost. The region is the one each offer was made for (Offer.region); `region_id` narrows the
    watch to one region (an overlegteam's)."""
    by_region: dict[int | None, dict[str, int]] = {}
    offers = Offer.objects.filter(insurer_id=insurer_id, year=year, practice__isnull=False)
    if region_id is not None:
        offers = offers.filter(region_id=region_id)
    rows = (offers
            .values("region_id", "status").annotate(n=Count("*"), opened=Count("opened_at"))
            .order_by())
    for row in rows:
        counts = by_region.setdefault(row["region_id"], dict.fromkeys(SIGNING_COLUMNS, 0))
        counts["sent"] += row["n"]
        counts["opened"] += row["opened"]
        counts[row["status"]] += row["n"]
    names = dict(Region.objects.filter(pk__in=[pk for pk in by_region if pk is not None]).values_list("pk", "name"))
    regions = sorted(((names.get(pk), counts) for pk, counts in by_region.items()), key=lambda item: item[0] or "")
    totals = {col: sum(c[col] for c in by_region.values()) for col in SIGNING_COLUMNS}
    return SigningWatch(regions=regions, totals=totals)


def unsigned_offers(*, insurer_id: int, year: int) -> QuerySet[Offer]:
    """Open practice offers by practice name. The practices' (name, id) index gives that order, so a page
    reads the practices in name order and stops after its rows instead of sorting all open offers."""
    return (Offer.objects.filter(insurer_id=insurer_id, year=year, practice__isnull=False, status=Offer.Status.OPEN)
            .select_related("practice__region").order_by("practice__name", "pk"))


def contracts_covering(*, insurer_id: int, year: int) -> QuerySet[StandardContract]:
    """The insurer's standard contracts that cover `year` (models.covering), each with
    `offer_count` and `signed_count`: its offers and the signed ones (a contract that started in an earlier
    year runs on in `year` with the offers signed then), counted per contract from the offers'
    standard-contract index rather than by joining all of them. One query."""
    offers = (Offer.objects.filter(standard_contract=OuterRef("pk")).order_by().values("standard_contract")
              .annotate(n=Count("*")).values("n"))
    signed = (Offer.objects.filter(standard_contract=OuterRef("pk"), status=Offer.Status.SIGNED).order_by()
              .values("standard_contract").annotate(n=Count("*")).values("n"))
    return (covering(StandardContract.objects.filter(insurer_id=insurer_id), year)
            .annotate(offer_count=Coalesce(Subquery(offers), 0), signed_count=Coalesce(Subquery(signed), 0))
            .order_by("holder_kind", "-first_year", "pk"))


def signing_reminders_sent(*, year: int) -> list[tuple[str, datetime]]:
    """The signing reminders of `year` that really went out (label, when), not those the sweep skipped."""
    sent = dict(EffectRun.objects.filter(
        milestone__contract_year__year=year, milestone__kind__in=REMINDER_KINDS,
        effect="contracting.offers.remind", status=EffectRun.Status.APPLIED,
    ).values_list("milestone__kind", "applied_at"))
    return [(MilestoneKind(kind).label, sent[kind]) for kind in REMINDER_KINDS if kind in sent]


def inbox_counts(*, insurer_id: int, now: datetime) -> dict[str, dict[str, int]]:
    return {
        "questions": _waiting_questions([insurer_id]).aggregate(
            open=Count("id"), overdue=Count("id", filter=_late(now))),
        "requests": _waiting_requests([insurer_id]).aggregate(
            open=Count("id"), overdue=Count("id", filter=_late(now))),
        "follow_requests": FollowRequest.objects.filter(
            insurer_id=insurer_id, status=FollowRequest.Status.PENDING).aggregate(
            open=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now))),
    }


@dataclass(frozen=True)
class InboxItem:
    kind: str  # "question", "request" or "follow_request"
    obj: object
    deadline: Deadline

    @property
    def due_at(self) -> datetime:
        return self.deadline.due_at

    @property
    def overdue(self) -> bool:
        return self.deadline.passed

    @property
    def offer(self) -> Offer:
        return self.obj.offer


class MergedQueue:
    """Querysets ordered by due date, read as one sorted sequence for the Paginator: a page costs one count
    query and one list query per queryset however long the queue is."""

    def __init__(self, now: datetime, **querysets):
        self.now = now
        self.querysets = querysets

    def count(self) -> int:
        return sum(qs.count() for qs in self.querysets.values())

    def _items(self, kind: str, objects) -> list[InboxItem]:
        return [InboxItem(kind, obj, Deadline.of(_next_due(obj), self.now)) for obj in objects]

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("MergedQueue supports slices only")
        start, stop = key.start or 0, key.stop
        streams = [self._items(kind, qs[:stop]) for kind, qs in self.querysets.items()]
        merged = heapq.merge(*streams, key=lambda item: (item.due_at, item.kind, item.obj.pk))
        return list(islice(merged, start, stop))


def insurer_inbox(*, insurer_ids, now: datetime) -> MergedQueue:
    """What waits on the insurer, by due date: unanswered questions, the other open requests (maatwerk,
    innovation, module changes, knelpunten, disputes) and undecided follow requests."""
    questions = (_with_next_due(_waiting_questions(insurer_ids))
                 .select_related("offer__practice", "offer__care_group", "offer__standard_contract", "raised_by",
                                 "practice", "care_group")
                 .order_by("next_due", "pk"))
    requests = (_with_next_due(_waiting_requests(insurer_ids)).select_related("practice", "care_group", "raised_by")
                .order_by("next_due", "pk"))
    follow_requests = (FollowRequest.objects.filter(insurer_id__in=insurer_ids, status=FollowRequest.Status.PENDING)
                       .select_related("offer__practice", "offer__care_group", "offer__insurer", "requested_by")
                       .order_by("due_at", "pk"))
    return MergedQueue(now, question=questions, request=requests, follow_request=follow_requests)


def _waiting_questions(insurer_ids) -> QuerySet[Request]:
    return Request.objects.filter(insurer_id__in=insurer_ids, kind=Request.Kind.QUESTION,
                                  status__in=[Request.Status.OPEN, Request.Status.IN_PROGRESS])


def _waiting_requests(insurer_ids) -> QuerySet[Request]:
    return Request.objects.filter(insurer_id__in=insurer_ids, status__in=[
        Request.Status.OPEN, Request.Status.IN_PROGRESS, Request.Status.APPEALED]).exclude(kind=Request.Kind.QUESTION)


def _late(now: datetime) -> Q:
    """Past the reaction moment before any reaction, or past the settlement moment of a laborious one."""
    return Q(due_at__lte=now, reacted_at__isnull=True) | Q(settle_due_at__lte=now)


def _with_next_due(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Each request with `next_due`, the moment its inbox row waits for: the reaction until reacted to, then the
    settlement of a laborious one (so the queue sorts by what is due next)."""
    return requests.annotate(next_due=Case(
        When(reacted_at__isnull=False, settle_due_at__isnull=False, then=F("settle_due_at")), default=F("due_at"),
        output_field=DateTimeField()))


def _next_due(obj) -> datetime:
    return getattr(obj, "next_due", None) or obj.due_at
