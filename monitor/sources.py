"""What a run computed from: per table the monitor's indicators read, how many rows the contract year has and
the latest moment one of them changed, plus the latest change anywhere in the portal (the audit log, but for the
monitor's own events). Stored in MonitorRun.source, so a figure can say "berekend op … uit gegevens tot …".

Provenance bookkeeping only (row counts and latest moments), not figures: the figures themselves come from the
other apps' selectors, in the indicators. One aggregate query per table, whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    rows: Callable[[int], QuerySet]  # the year's rows
    moments: tuple[str, ...]  # the fields that say when a row last changed


def _sources() -> tuple[Source, ...]:
    from consultations.models import Position, RegionalMeeting
    from contracting.models import FollowRequest, Negotiation, Offer, RegisterEntry, Request, Signature
    from insurers.models import PurchasingPolicy
    from surveys.models import Response

    return (
        Source("policies", _("inkoopbeleid"), lambda y: PurchasingPolicy.objects.filter(year=y), ("updated_at",)),
        Source("offers", _("aanbiedingen"), lambda y: Offer.objects.filter(year=y), ("created_at", "decided_at")),
        Source("signatures", _("handtekeningen"), lambda y: Signature.objects.filter(offer__year=y), ("signed_at",)),
        Source("follow_requests", _("volgverzoeken"), lambda y: FollowRequest.objects.filter(year=y),
               ("requested_at", "decided_at")),
        Source("requests", _("verzoeken en vragen"), lambda y: Request.objects.filter(year=y),
               ("raised_at", "decided_at", "closed_at")),
        Source("negotiations", _("onderhandelingen met zorggroepen"), lambda y: Negotiation.objects.filter(year=y),
               ("created_at", "agreed_at")),
        Source("register", _("contractenregister"), lambda y: RegisterEntry.objects.filter(year=y), ("added_at",)),
        Source("positions", _("standpunten van overlegteams"),
               lambda y: Position.objects.filter(round__contract_year__year=y), ("submitted_at", "decided_at")),
        Source("regional_meetings", _("regiobijeenkomsten"), lambda y: RegionalMeeting.objects.filter(year=y),
               ("created_at", "attendance_recorded_at")),
        Source("survey_responses", _("ingediende enquêteantwoorden"),
               lambda y: Response.objects.filter(survey__year=y, submitted_at__isnull=False), ("submitted_at",)),
    )


def source_labels() -> dict[str, str]:
    """key -> label of each table, for the Berekeningen page."""
    return {s.key: s.label for s in _sources()}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def source_of(year: int, *, now: datetime) -> dict:
    """{"as_of": now, "data_until": the latest moment of all below (at most now), "tables": {key: {"rows": n,
    "latest": moment}}}: what a run of `year` started at `now` reads. Moments as ISO 8601 strings (UTC)."""
    from core.models import AuditEvent

    tables: dict[str, dict] = {}
    latest: list[datetime] = []
    for source in _sources():
        figures = source.rows(year).aggregate(
            rows=Count("pk"), **{f"latest_{name}": Max(name) for name in source.moments})
        moments = [m for name in source.moments if (m := figures[f"latest_{name}"]) is not None and m <= now]
        table_latest = max(moments, default=None)
        tables[source.key] = {"rows": figures["rows"], "latest": _iso(table_latest)}
        if table_latest:
            latest.append(table_latest)
    # The monitor's own events (runs, publications) are no change in the data it reads.
    audit_latest = (AuditEvent.objects.filter(at__lte=now).exclude(verb__startswith="monitor.")
                    .aggregate(latest=Max("at"))["latest"])
    if audit_latest:
        latest.append(audit_latest)
    return {"as_of": now.isoformat(), "data_until": _iso(max(latest, default=None)), "tables": tables,
            "audit_latest": _iso(audit_latest)}
