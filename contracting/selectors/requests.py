"""Reads of requests: the lists each side sees with their deadlines, one request's clocks as every page shows
them, what a notice about a request says and where it links, the aggregate counts the overlegteams and the NZa
see (never a single request), the NZa's anonymised list, and the whole dossier for the export."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from accounts.notices import label

from ..calendar import (
    APPEAL_WINDOW_CLOCK,
    KNELPUNT_REACTION_CLOCK,
    REQUEST_REACTION_CLOCK,
    REQUEST_SETTLE_CLOCK,
    Deadline,
)
from ..models import Clock, InnovationCriteria, Request, RequestAttachment, RequestMessage

OPEN_STATUSES = (Request.Status.OPEN, Request.Status.IN_PROGRESS, Request.Status.APPEALED)
DECIDED_STATUSES = (Request.Status.ANSWERED, Request.Status.DECIDED, Request.Status.CLOSED)
CLOCK_ORDER = (REQUEST_REACTION_CLOCK, KNELPUNT_REACTION_CLOCK, REQUEST_SETTLE_CLOCK, APPEAL_WINDOW_CLOCK)


def request_other_side(request: Request) -> str:
    return Request.Side.INSURER if request.side == Request.Side.HOLDER else Request.Side.HOLDER


def request_side_users(request: Request, side: str):
    """The ids of the people of one side: the insurer's purchasers, or the holder's members."""
    from accounts.models import Membership, Role

    if side == Request.Side.INSURER:
        members = Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=request.insurer_id)
    elif request.practice_id:
        members = Membership.objects.filter(practice_id=request.practice_id)
    else:
        members = Membership.objects.filter(care_group_id=request.care_group_id)
    return members.values_list("user_id", flat=True)


def request_other_side_users(request: Request):
    return request_side_users(request, request_other_side(request))


def request_notice_params(request: Request) -> dict:
    return {"kind": label(Request.Kind(request.kind).label), "subject": request_title(request),
            "holder": request.holder.name, "insurer": request.insurer.name,
            "contract": request.offer.standard_contract.title if request.offer_id else request_title(request)}


def request_title(request: Request) -> str:
    text = request.subject or request.text
    return text if len(text) <= 80 else text[:79] + "…"


def request_url(request: Request, *, side: str) -> str:
    """Where each side reads the request: the purchaser's question page for a question, otherwise its request
    page; the holder's request page."""
    if side == Request.Side.INSURER:
        if request.kind == Request.Kind.QUESTION:
            return reverse("purchasing:question", args=[request.pk])
        return reverse("purchasing:request", args=[request.pk])
    return reverse("offers:request", args=[request.pk])


@dataclass(frozen=True)
class RequestClock:
    """One clock of a request as the pages show it: its label, its deadline, and whether it was met."""

    kind: str
    label: str
    deadline: Deadline
    done_at: datetime | None
    cancelled_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline.passed

    @property
    def met(self) -> bool | None:
        """True when done in time, False when done late or still open past its moment, None while running or
        cancelled."""
        if self.done_at is not None:
            return self.done_at < self.deadline.due_at
        if self.cancelled_at is not None:
            return None
        return False if self.deadline.passed else None


def request_clocks(request: Request, now: datetime, *, clocks: list[Clock] | None = None) -> list[RequestClock]:
    """The request's clocks in the order they apply (reaction, settlement of a laborious one, appeal window).
    One query, or none given `clocks` (prefetched)."""
    if clocks is None:
        clocks = list(Clock.objects.filter(content_type=ContentType.objects.get_for_model(Request),
                                           object_id=request.pk))
    rows = [RequestClock(kind=c.kind, label=str(c.label), deadline=Deadline.of(c.due_at, now), done_at=c.done_at,
                         cancelled_at=c.cancelled_at) for c in clocks]
    order = {kind: i for i, kind in enumerate(CLOCK_ORDER)}
    return sorted(rows, key=lambda row: order.get(row.kind, 99))


def _with_list_parts(queryset: QuerySet[Request]) -> QuerySet[Request]:
    return (queryset.select_related("practice", "care_group", "insurer", "offer__standard_contract", "raised_by")
            .prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("pk"))))


def with_request_clocks(requests, now: datetime) -> list[Request]:
    """Each request with `clock_rows` (request_clocks) and `overdue` (any open clock past its moment), from
    prefetched clocks."""
    requests = list(requests)
    for request in requests:
        request.clock_rows = request_clocks(request, now, clocks=list(request.clocks.all()))
        request.overdue = any(row.overdue for row in request.clock_rows)
        running = [row for row in request.clock_rows if row.is_open]
        request.next_deadline = min((row.deadline for row in running), key=lambda d: d.due_at, default=None)
    return requests


def holder_requests(*, practice_ids, care_group_ids) -> QuerySet[Request]:
    """The requests of the holder's organisations, newest first, with what the list shows. Three queries."""
    return _with_list_parts(Request.objects.filter(Q(practice__in=practice_ids) | Q(care_group__in=care_group_ids))
                            .order_by("-raised_at", "-pk"))


def insurer_requests(*, insurer_ids, kind: str = "", open_only: bool = False) -> QuerySet[Request]:
    """The requests with the insurer's purchasers: the open ones first by due moment, then the rest newest
    first. Three queries."""
    queryset = Request.objects.filter(insurer__in=insurer_ids)
    if kind:
        queryset = queryset.filter(kind=kind)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    return _with_list_parts(queryset.order_by("-raised_at", "-pk"))


def request_thread(request: Request) -> list[RequestMessage]:
    """The messages in order, each with its attachments. Two queries."""
    return list(request.messages.select_related("author").prefetch_related("attachments"))


def request_opening_attachments(request: Request) -> list[RequestAttachment]:
    return list(request.attachments.filter(message__isnull=True))


def published_criteria(*, insurer_id: int, year: int) -> InnovationCriteria | None:
    return (InnovationCriteria.objects.filter(insurer_id=insurer_id, year=year, published_at__isnull=False)
            .prefetch_related("items").first())


# --- Aggregates (overlegteam, NZa) ----------------------------------------------------------------------------
def requests_aggregate(*, insurer_id: int | None = None, region_id: int | None = None, year: int | None = None,
                       now: datetime) -> dict:
    """Counts of requests, never the requests: open, overdue (an open clock past its moment), decided, and per
    kind the same, for one insurer (and one region: an overlegteam's) or all. One query."""
    from django.db.models import Exists, OuterRef

    queryset = Request.objects.all()
    if insurer_id is not None:
        queryset = queryset.filter(insurer_id=insurer_id)
    if region_id is not None:
        queryset = queryset.filter(region_id=region_id)
    if year is not None:
        queryset = queryset.filter(Q(year=year) | Q(year__isnull=True, raised_at__year=year - 1))
    late = Clock.objects.filter(content_type=ContentType.objects.get_for_model(Request), object_id=OuterRef("pk"),
                                done_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now)
    rows = (queryset.annotate(late=Exists(late)).values("kind")
            .annotate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
                      overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, late=True)),
                      decided=Count("pk", filter=Q(status__in=DECIDED_STATUSES)),
                      escalated=Count("pk", filter=Q(status=Request.Status.ESCALATED)))
            .order_by())
    by_kind = {kind: dict.fromkeys(("total", "open", "overdue", "decided", "escalated"), 0)
               for kind in Request.Kind.values}
    for row in rows:
        by_kind[row["kind"]] = {k: row[k] for k in ("total", "open", "overdue", "decided", "escalated")}
    totals = {k: sum(v[k] for v in by_kind.values()) for k in ("total", "open", "overdue", "decided", "escalated")}
    return {"totals": totals,
            "by_kind": [(kind, Request.Kind(kind).label, counts) for kind, counts in by_kind.items()]}


def requests_anonymised(*, insurer_id: int | None = None, now: datetime) -> QuerySet[Request]:
    """The NZa's list: kind, insurer, region, status, outcome and the dates and clocks, without the holder, the
    people or the texts (the template and the API show only these columns). Ordered newest first."""
    queryset = Request.objects.all() if insurer_id is None else Request.objects.filter(insurer_id=insurer_id)
    return (queryset.select_related("insurer", "region").prefetch_related(
        Prefetch("clocks", queryset=Clock.objects.order_by("pk")))
        .only("pk", "kind", "status", "outcome", "appeal_outcome", "raised_at", "decided_at", "answered_at",
              "closed_at", "escalated_at", "side", "insurer__name", "region__name", "year")
        .order_by("-raised_at", "-pk"))


# --- The dossier --------------------------------------------------------------------------------------------
def request_dossier(request: Request, now: datetime) -> dict:
    """Everything on one request as plain data (the JSON export and the PDF read this): the parties, the
    texts, the thread, the attachments, the dates, the decision and appeal, and each clock with whether it was
    met."""
    def iso(value):
        return value.isoformat() if value else None

    clocks = request_clocks(request, now)
    thread = request_thread(request)
    attachments = list(request.attachments.select_related("uploaded_by"))
    return {
        "id": request.pk,
        "kind": request.kind, "kind_label": str(Request.Kind(request.kind).label),
        "status": request.status, "status_label": str(Request.Status(request.status).label),
        "subject": request.subject, "text": request.text,
        "insurer": request.insurer.name, "holder": request.holder.name,
        "holder_kind": "practice" if request.practice_id else "care_group",
        "offer": request.offer_id, "year": request.year,
        "raised_by_side": request.side, "raised_by": request.raised_by.get_full_name() or request.raised_by.email,
        "raised_at": iso(request.raised_at),
        "situation": request.situation, "phase": request.phase,
        "module": request.module.code if request.module_id else None,
        "project": {"starts": iso(request.project_starts), "ends": iso(request.project_ends)},
        "laborious": {"reason": request.laborious_reason, "at": iso(request.laborious_at)},
        "answer": {"text": request.answer, "at": iso(request.answered_at)},
        "decision": {"outcome": request.outcome, "reasons": request.outcome_reasons, "at": iso(request.decided_at),
                     "criteria": [f"{c.number}. {c.title}" for c in request.criteria_cited.order_by("number")]},
        "appeal": {"text": request.appeal_text, "at": iso(request.appealed_at), "outcome": request.appeal_outcome,
                   "reasons": request.appeal_reasons, "decided_at": iso(request.appeal_decided_at)},
        "escalated_at": iso(request.escalated_at), "closed_at": iso(request.closed_at),
        "addendum": ({"number": request.addendum.number, "title": request.addendum.title,
                      "status": request.addendum.status, "effective_from": iso(request.addendum.effective_from),
                      "content_hash": request.addendum.content_hash or None} if request.addendum_id else None),
        "messages": [{"at": iso(m.sent_at), "side": m.side, "author": m.author.get_full_name() or m.author.email,
                      "text": m.text, "attachments": [a.name for a in m.attachments.all()]} for m in thread],
        "attachments": [{"name": a.name, "size": a.size, "content_type": a.content_type,
                         "uploaded_at": iso(a.uploaded_at)} for a in attachments],
        "clocks": [{"kind": c.kind, "label": c.label, "due_at": iso(c.deadline.due_at),
                    "last_day": c.deadline.day.isoformat(), "done_at": iso(c.done_at),
                    "cancelled_at": iso(c.cancelled_at), "met": c.met} for c in clocks],
        "exported_at": iso(now),
    }
