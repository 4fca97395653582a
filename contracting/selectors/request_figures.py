"""Aggregate reads of requests and follow requests for the NZa monitor: how maatwerk, innovation (S3) and
module-change requests ended, and how follow requests were decided. One GROUP BY query each, however many
requests there are; callers add the groups up into their own cuts."""

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from ..calendar import AMSTERDAM
from ..models import FollowRequest, Request
from .caregroup_figures import holder_kind_of, signed_contracts

# The end state of a request as the monitor counts it.
GRANTED, PARTLY, REFUSED, PENDING, WITHDRAWN = "granted", "partly", "refused", "pending", "withdrawn"
REQUEST_STATES = (GRANTED, PARTLY, REFUSED, PENDING, WITHDRAWN)


def requests_of_year(year: int, kinds) -> QuerySet[Request]:
    """Requests of `kinds` about contract year `year`: the contract year they name (their offer's, or the
    innovation proposal's year), or else the Amsterdam calendar year in which they were raised."""
    return (Request.objects.filter(kind__in=list(kinds))
            .alias(request_year=Coalesce("year", ExtractYear("raised_at", tzinfo=AMSTERDAM)))
            .filter(request_year=year))


def request_state():
    """The outcome that stands: a withdrawn request is withdrawn; else the appeal's outcome once decided; else
    the insurer's decision; else still pending (open, in progress or appealed and not yet decided)."""
    return Case(
        When(status=Request.Status.WITHDRAWN, then=Value(WITHDRAWN)),
        When(~Q(appeal_outcome=""), then=F("appeal_outcome")),
        When(~Q(outcome=""), then=F("outcome")),
        default=Value(PENDING), output_field=CharField())


def request_outcomes(year: int, kinds) -> list[dict]:
    """Requests of `kinds` about `year` counted per (kind, insurer, region, holder kind, module, state):
    [{"kind", "insurer_id", "region_id", "holder_kind", "module_id", "module_name", "module_order", "state",
    "n"}], `state` one of REQUEST_STATES, `module_id` the standard module a module-change request is about (None
    for others) with its name and its place in the catalogue ((segment, sort order)). One query."""
    rows = list(requests_of_year(year, kinds).order_by()
                .values("kind", "insurer_id", "region_id", "module_id", holder_kind=holder_kind_of(),
                        state=request_state(), module_name=F("module__name"), module_segment=F("module__segment"),
                        module_sort=F("module__sort_order"))
                .annotate(n=Count("pk")))
    for row in rows:
        row["module_order"] = (row.pop("module_segment") or "", row.pop("module_sort") or 0)
    return rows


def follow_outcomes(year: int) -> list[dict]:
    """Follow requests of contract year `year` counted per (insurer asked to follow, region of the signed
    contract, holder kind, status): [{"insurer_id", "region_id", "holder_kind", "status", "n"}]. One query."""
    return list(FollowRequest.objects.filter(year=year).order_by()
                .values("insurer_id", "status", region_id=F("offer__region_id"),
                        holder_kind=holder_kind_of("offer__"))
                .annotate(n=Count("pk")))


def contracts_with_maatwerk(year: int, kinds) -> list[dict]:
    """The year's signed practice contracts (selectors.signed_contracts) per (insurer, region), and how many of
    them have maatwerk: a request of `kinds` about `year` from that practice to that insurer that was granted,
    fully or partly (request_state). [{"insurer_id", "region_id", "contracts", "with_maatwerk"}]. One query."""
    granted = (requests_of_year(year, kinds).filter(practice=OuterRef("practice_id"), insurer=OuterRef("insurer_id"))
               .alias(state=request_state()).filter(state__in=[GRANTED, PARTLY]))
    return list(signed_contracts(year, "practice").order_by()
                .alias(maatwerk=Exists(granted))
                .values("insurer_id", "region_id")
                .annotate(contracts=Count("pk"), with_maatwerk=Count("pk", filter=Q(maatwerk=True))))
