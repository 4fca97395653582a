"""Aggregate reads of care-group (S2) contracting for the NZa monitor: what the year's signed care-group
contracts hold per programme and O&I prestatie, and how long offers took to be signed. Each function is a fixed
number of GROUP BY queries however many contracts there are; callers add the groups up into their own cuts."""

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from ..calendar import AMSTERDAM
from ..models import Component, HolderKind, Offer, Segment
from .offer_page import offers_for_year


def signed_contracts(year: int, holder_kind: str | None = None) -> QuerySet[Offer]:
    """The contracts in force in contract year `year`: the signed offers made for `year` and the signed ones of
    a multi-year contract that still covers it (selectors.offers_for_year, the lists' rule), optionally of one
    holder kind. A followed contract is not among them again: it is the signed offer of the insurer followed."""
    qs = offers_for_year(Offer.objects.filter(status=Offer.Status.SIGNED), year)
    if holder_kind == HolderKind.CARE_GROUP:
        qs = qs.filter(care_group__isnull=False)
    elif holder_kind == HolderKind.PRACTICE:
        qs = qs.filter(practice__isnull=False)
    return qs


def caregroup_contract_counts(year: int) -> list[dict]:
    """The year's signed care-group contracts counted per (insurer, region): [{"insurer_id", "region_id",
    "contracts"}].
    One query."""
    return list(signed_contracts(year, HolderKind.CARE_GROUP).order_by()
                .values("insurer_id", "region_id").annotate(contracts=Count("pk")))


def caregroup_contract_lines(year: int) -> list[dict]:
    """The S2 lines (programmes and O&I prestaties) of the year's signed care-group contracts, counted per
    (insurer, region, module code):

        {"insurer_id", "region_id", "code", "contracts",         # contracts holding the line
         "with_ceiling",                                     # of which with an inclusieplafond
         "separate": {"voetzorg": 3, ...},                   # of which buying the component separately
         "tariff_sum", "lumpsums"}                           # sum of the tariffs, lines with a lumpsum

    A component a line does not name is in the integral tariff (the negotiation's rule, parse_terms), so only
    "separate" is counted. Tariffs are the agreed ones, before any indexation of a later year. Two queries."""
    components = list(Component.objects.order_by("sort_order", "code").values_list("code", flat=True))
    line = "standard_contract__modules"
    separate = {f"separate__{code}": Count("pk", filter=Q(**{f"{line}__components__{code}": "separate"}))
                for code in components}
    rows = (Offer.objects.filter(pk__in=signed_contracts(year, HolderKind.CARE_GROUP).values("pk"),
                                 **{f"{line}__module__segment": Segment.S2})
            .order_by()
            .values("insurer_id", "region_id", code=F(f"{line}__module__code"))
            .annotate(contracts=Count("pk"),
                      with_ceiling=Count("pk", filter=Q(**{f"{line}__inclusion_ceiling_percent__isnull": False})),
                      tariff_sum=Sum(f"{line}__tariff"),
                      lumpsums=Count("pk", filter=Q(**{f"{line}__lumpsum__isnull": False})),
                      **separate))
    result = []
    for row in rows:
        row["separate"] = {code: row.pop(f"separate__{code}") for code in components}
        result.append(row)
    return result


# The holder kind of an offer (or, through a prefix, of a request's or follow request's holder), as a value.
def holder_kind_of(prefix: str = "") -> Case:
    return Case(When(**{f"{prefix}practice__isnull": False}, then=Value(HolderKind.PRACTICE.value)),
                default=Value(HolderKind.CARE_GROUP.value), output_field=CharField())


HOLDER_KIND = holder_kind_of()


def signing_lead_times(year: int) -> list[dict]:
    """Days from offer to signature of the offers made for contract year `year` that were signed, as a
    histogram per holder kind, insurer and region: [{"holder_kind", "insurer_id", "region_id", "days", "n"}]
    (n offers took `days` days), from which any cut's median, mean and range follow exactly. Days are whole
    Amsterdam calendar days between the day of the offer and the day of the signature. A care group's offer
    counts from the insurer's first offer in the negotiation that led to it (the signable contract is made only
    at agreement); a preferent insurer's offer from the publication of its contract (offers_create_for_preferent
    makes them then, and an agreed negotiation's contract is published at agreement); an offer on request, after
    an own offer or after qualification from when it was made. Running-on years of a multi-year contract are not
    counted again (nothing was signed for them). One query, grouped by the two days (the database subtracts no
    dates, so it reads the same on PostgreSQL and SQLite)."""
    offered = Coalesce("negotiation__first_offer_at",
                       Case(When(reason=Offer.Reason.PREFERENT, then=F("standard_contract__published_at")),
                            default=F("created_at")))
    rows = (Offer.objects.filter(year=year, status=Offer.Status.SIGNED, signature__isnull=False)
            .order_by()
            .values("insurer_id", "region_id", holder_kind=HOLDER_KIND,
                    offered_day=TruncDate(offered, tzinfo=AMSTERDAM),
                    signed_day=TruncDate("signature__signed_at", tzinfo=AMSTERDAM))
            .annotate(n=Count("pk")))
    histogram: dict = {}
    for r in rows:
        key = (r["holder_kind"], r["insurer_id"], r["region_id"], (r["signed_day"] - r["offered_day"]).days)
        histogram[key] = histogram.get(key, 0) + r["n"]
    return [{"holder_kind": kind, "insurer_id": insurer, "region_id": region, "days": days, "n": n}
            for (kind, insurer, region, days), n in histogram.items()]


def caregroup_line_tariffs(year: int, codes) -> list[dict]:
    """The agreed tariff of each line with a module of `codes` in the year's signed care-group contracts:
    [{"care_group_id", "insurer_id", "region_id", "code", "contract_id", "tariff"}], one per contract line (a
    care group has one contract per insurer and year). For comparing a care group's tariffs with the year
    before; one query."""
    line = "standard_contract__modules"
    return list(Offer.objects.filter(pk__in=signed_contracts(year, HolderKind.CARE_GROUP).values("pk"),
                                     **{f"{line}__module__code__in": list(codes)})
                .order_by()
                .values("care_group_id", "insurer_id", "region_id", code=F(f"{line}__module__code"),
                        contract_id=F("standard_contract_id"), tariff=F(f"{line}__tariff")))
