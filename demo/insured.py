"""The demo's insured counts: for every practice, each insurer's insured among its registered patients, from
the region's market shares (2,000 registered patients and a 35% share: 700 insured). Rounded down, so the
counts of all insurers together never exceed the registered patients."""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from providers.models import InsuredCount, MarketShare, Practice

from .bulk import insert_rows
from .registry import DemoContext, demo_step


def insured_from_share(registered_patients: int, share_percent: Decimal) -> int:
    return int((Decimal(registered_patients) * share_percent / 100).to_integral_value(rounding=ROUND_DOWN))


def seed_insured_counts() -> dict[str, int]:
    """Counts for the practices that have none yet (idempotent); one multi-row INSERT per thousand rows, so
    50,000 practices with eight insurers each take seconds."""
    shares: dict[int, list[tuple[int, Decimal]]] = {}
    for region_id, insurer_id, share in MarketShare.objects.values_list("region_id", "insurer_id", "share_percent"):
        shares.setdefault(region_id, []).append((insurer_id, share))
    done = set(InsuredCount.objects.values_list("practice_id", flat=True).distinct())
    rows = []
    for pk, region_id, registered in Practice.objects.values_list("pk", "region_id", "registered_patients"):
        if pk in done:
            continue
        rows += [(pk, insurer_id, insured_from_share(registered, share))
                 for insurer_id, share in shares.get(region_id, [])]
    now = timezone.now()
    with transaction.atomic():
        insert_rows(InsuredCount, ("practice", "insurer", "insured", "updated_at"),
                    [(*row, now) for row in rows])
    return {"insured_counts": len(rows)}


@demo_step("providers.insured_counts", order=15)
def _step(ctx: DemoContext) -> dict[str, int]:
    return seed_insured_counts()
