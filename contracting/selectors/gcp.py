"""Reads behind the GCP compliance scoreboard (the NZa monitor): per insurer, when it did what the GCP calendar
of one contract year asks of it. Plain facts (moments and counts); judging them against the year's milestones
is the scoreboard's (monitor/indicators/gcp.py). A fixed number of grouped queries, whatever the data size."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Min, Q

from insurers.models import Insurer, PolicyVersion

from ..models import FollowRequest, HolderKind, Offer, RegisterPublication, StandardContract, covering


@dataclass
class InsurerGcpFacts:
    """What one insurer did in the calendar of one contract year (None: not done, or nothing to count)."""

    policy_published_at: datetime | None = None  # the first published version of its purchasing policy
    practice_contract_published_at: datetime | None = None  # its first published practice contract covering Y
    preferent_offers: int = 0  # offers it made to practices as their preferent insurer for Y
    # When the last of those was made: preferent offers go out when the contract is published, so the latest
    # publication among their contracts (the offer with the least time to sign).
    last_preferent_offer_at: datetime | None = None
    register_published_at: datetime | None = None
    follow_requests: dict = field(default_factory=dict)  # {"total", "decided_before", "decided_after", "pending"}


def gcp_insurers() -> list[tuple[int, str, bool]]:
    """Every insurer as (id, name, party to the GCP), by name. One query."""
    return list(Insurer.objects.order_by("name").values_list("pk", "name", "gcp_party"))


def gcp_insurer_facts(year: int, *, follow_due: datetime | None) -> dict[int, InsurerGcpFacts]:
    """Per insurer id, the facts of contract `year`'s calendar (insurers with none of them are absent).
    `follow_due` is the moment follow decisions are due (the year's milestone); decisions are counted as taken
    before or at/after it. Five queries."""
    facts: dict[int, InsurerGcpFacts] = {}

    def of(insurer_id: int) -> InsurerGcpFacts:
        return facts.setdefault(insurer_id, InsurerGcpFacts())

    for insurer_id, first in (PolicyVersion.objects.filter(policy__year=year).values("policy__insurer_id")
                              .annotate(first=Min("published_at")).values_list("policy__insurer_id", "first")
                              .order_by()):
        of(insurer_id).policy_published_at = first
    # A multi-year contract published in an earlier year covers Y as well: its offer was known in time. A
    # contract offered after a qualification is a definitive offer too; an accepted own offer is one holder's.
    contracts = covering(StandardContract.objects.filter(
        holder_kind=HolderKind.PRACTICE, status=StandardContract.Status.PUBLISHED, own_offer__isnull=True), year)
    for insurer_id, first in (contracts.values("insurer_id").annotate(first=Min("published_at"))
                              .values_list("insurer_id", "first").order_by()):
        of(insurer_id).practice_contract_published_at = first
    # Only the offers the insurer sends on its own account (as preferent insurer): an offer a practice asks
    # for late, or one after a qualification, gives less time to sign through no fault of the insurer.
    offers = Offer.objects.filter(year=year, practice__isnull=False, reason=Offer.Reason.PREFERENT)
    for insurer_id, n, last in (offers.values("insurer_id")
                                .annotate(n=Count("pk"), last=Max("standard_contract__published_at"))
                                .values_list("insurer_id", "n", "last").order_by()):
        of(insurer_id).preferent_offers, of(insurer_id).last_preferent_offer_at = n, last
    for insurer_id, at in RegisterPublication.objects.filter(year=year).values_list("insurer_id", "published_at"):
        of(insurer_id).register_published_at = at
    decided = Q(decided_at__isnull=False)
    counts = {"total": Count("pk"), "pending": Count("pk", filter=~decided)}
    if follow_due is not None:
        counts |= {"decided_before": Count("pk", filter=decided & Q(decided_at__lt=follow_due)),
                   "decided_after": Count("pk", filter=decided & Q(decided_at__gte=follow_due))}
    for row in FollowRequest.objects.filter(year=year).values("insurer_id").annotate(**counts).order_by():
        of(row.pop("insurer_id")).follow_requests = row
    return facts
