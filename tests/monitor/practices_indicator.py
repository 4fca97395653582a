"""A test indicator reading real rows (practices per region), for the tests of computing and its page."""

from django.db.models import Count, F

from monitor.indicators import Chapter, Cut, Dim, Dims, Row, Unit, column, headline, indicator, table
from providers.models import Practice


def engine_caught_up(year: int) -> None:
    """The year's due milestones as the deadline sweep leaves them (applied at their moment): a queued run waits
    for that (monitor.services.ENGINE_WAIT)."""
    from contracting.models import Milestone

    Milestone.objects.filter(contract_year__year=year, applied_at__isnull=True).update(applied_at=F("due_at"))


def _practices_per_region(ctx):
    """Practices per region: the national cut has a row per region, each region's cut one row."""
    counts = list(Practice.objects.values("region_id").annotate(n=Count("id")).order_by("region_id"))
    cols = [column("n", "Praktijken", Unit.COUNT)]

    def value(rows):
        total = sum(r["n"] for r in rows)
        return table(columns=cols, rows=[Row(key=f"region:{r['region_id']}", label=f"regio {r['region_id']}",
                                             cells={"n": r["n"]}) for r in rows],
                     headline=headline(total, Unit.COUNT, "Praktijken"), n=total)

    return [Cut(Dims(), value(counts))] + [Cut(Dims(region=r["region_id"]), value([r])) for r in counts]


def register_practices(order=10, code="practices"):
    indicator(code=code, chapter=Chapter.CONTRACTS, order=order, title="Praktijken", unit=Unit.COUNT,
              formula="Aantal praktijken", source="Praktijken", dimensions=(Dim.REGION,))(_practices_per_region)
