"""The public register of contracted providers per insurer and year (19 November)."""

from datetime import datetime

from django.db.models import Q

from insurers.models import Insurer

from ..models import FollowRequest, Offer, RegisterPublication


def register_publish(*, year: int, effective_at: datetime) -> int:
    """Publish every insurer's register for `year` (the 19 November milestone). Idempotent."""
    rows = [RegisterPublication(insurer=i, year=year, published_at=effective_at) for i in Insurer.objects.all()]
    return len(RegisterPublication.objects.bulk_create(rows, ignore_conflicts=True))


def register_entries(*, year: int, insurer_id: int | None = None) -> list[dict]:
    """Who is contracted for `year`: signed contracts that cover the year, and contracts an insurer followed
    (fully or partly). Only insurers whose register is published. Two queries, whatever the size."""
    published = set(RegisterPublication.objects.filter(year=year).values_list("insurer_id", flat=True))
    if insurer_id is not None:
        published &= {insurer_id}
    covers = Q(standard_contract__first_year__lte=year) & Q(year__gte=year - 2)
    signed = (
        Offer.objects.filter(covers, status=Offer.Status.SIGNED, insurer__in=published)
        .select_related("insurer", "practice", "care_group", "standard_contract")
    )
    rows = []
    for offer in signed:
        if offer.standard_contract.last_year < year:
            continue
        rows.append(_row(offer.insurer, offer, "contract"))
    followed = (
        FollowRequest.objects.filter(
            insurer__in=published, status__in=[FollowRequest.Status.FOLLOWED, FollowRequest.Status.PARTIAL],
            offer__standard_contract__first_year__lte=year, offer__year__gte=year - 2)
        .select_related("insurer", "offer__practice", "offer__care_group", "offer__standard_contract")
    )
    for fr in followed:
        if fr.offer.standard_contract.last_year < year:
            continue
        rows.append(_row(fr.insurer, fr.offer, "volgcontract"))
    rows.sort(key=lambda r: (r["insurer"], r["name"], r["agb_code"]))
    return rows


def _row(insurer, offer, via: str) -> dict:
    holder = offer.holder
    return {
        "insurer": insurer.name,
        "insurer_id": insurer.pk,
        "name": holder.name,
        "agb_code": getattr(holder, "agb_code", "") or "",
        "city": getattr(holder, "city", "") or "",
        "kind": "practice" if offer.practice_id else "care_group",
        "via": via,
    }
