"""Aggregate reads of the contract year for the NZa monitor: a few GROUP BY queries each, whatever the number
of practices, returning plain rows ({"insurer_id": id, "region_id": id, "holder_kind": "practice" |
"care_group", ...}) that the monitor's indicators cut by insurer, region and segment.

The counting rules live here, once:
- A contract in force in a year is a signed offer whose standard contract covers that year (models.covering):
  a multi-year contract signed for an earlier first year runs on without signing again. It is new in its first
  year and continuing ("doorlopend") after that.
- A followed contract (volgcontract) is not a contract of its own: it is counted once, with the insurer whose
  contract was followed; the insurers that followed it are counted beside it. A provider that holds two own
  contracts (insurers that do not follow each other) counts twice, as in the NZa monitor.
- The holder kind (a practice's contract: huisartsenzorg; a care group's: multidisciplinaire zorg) is what the
  monitor cuts as segment 1 and 2 (monitor.indicators.grouping).
- The regionally dominant insurer is the one with the largest market share in the region (ties by name, as
  Practice.preferent_insurer breaks them).
"""

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round

from providers.models import CareGroup, InsuredCount, MarketShare, Practice

from ..models import (
    CapRule,
    FollowRequest,
    HolderKind,
    ModuleCategory,
    ModuleChoice,
    Offer,
    OwnOffer,
    covering,
)

# Follow decisions that make the other insurer pay under the followed contract.
FOLLOWING = (FollowRequest.Status.FOLLOWED, FollowRequest.Status.PARTIAL)


def holder_kind(prefix: str = "") -> Case:
    """The holder kind of an offer (reached through `prefix`): a practice's or a care group's."""
    return Case(When(**{f"{prefix}practice__isnull": False}, then=Value(HolderKind.PRACTICE)),
                default=Value(HolderKind.CARE_GROUP), output_field=CharField())


def contracts_in_force(year: int):
    """The signed offers whose standard contract covers `year`: the year's contracts (own, not followed)."""
    return covering(Offer.objects.filter(status=Offer.Status.SIGNED), year, "standard_contract__")


def contract_counts(year: int) -> list[dict]:
    """Contracts in force in `year` per insurer, region (the one the offer was made for) and segment, new
    (first year is `year`) and continuing. One query."""
    return list(contracts_in_force(year).annotate(kind=holder_kind())
                .values("insurer_id", "region_id", holder_kind=F("kind"))
                .annotate(new=Count("pk", filter=Q(standard_contract__first_year=year)),
                          continuing=Count("pk", filter=Q(standard_contract__first_year__lt=year)))
                .order_by())


def followed_counts(year: int) -> list[dict]:
    """Per insurer whose contract was followed (and region, segment of that contract): how many follow
    decisions of other insurers for its contracts in force in `year` followed them (fully or partly). One
    query."""
    return list(covering(FollowRequest.objects.filter(status__in=FOLLOWING, offer__status=Offer.Status.SIGNED),
                         year, "offer__standard_contract__")
                .annotate(kind=holder_kind("offer__"))
                .values("offer__insurer_id", "offer__region_id", holder_kind=F("kind"))
                .annotate(followed=Count("pk"))
                .order_by())


def _holder_region() -> Coalesce:
    return Coalesce(F("practice__region_id"), F("care_group__region_id"), output_field=BigIntegerField())


def contracted_providers(year: int) -> list[dict]:
    """Per insurer, the providers' region (where they are now) and segment: how many distinct providers have
    a contract with that insurer in force in `year`, their own or one the insurer followed. Two queries."""
    own = (contracts_in_force(year).annotate(kind=holder_kind(), holder_region=_holder_region())
           .values("insurer_id", "holder_region", "kind")
           .annotate(n=Count("practice_id", distinct=True) + Count("care_group_id", distinct=True)).order_by())
    own_with_follower = contracts_in_force(year).filter(
        Q(practice_id=OuterRef("offer__practice_id")) | Q(care_group_id=OuterRef("offer__care_group_id")),
        insurer_id=OuterRef("insurer_id"))
    # A provider followed by an insurer it also holds an own contract with is counted with the own contract.
    followed = (covering(FollowRequest.objects.filter(status__in=FOLLOWING, offer__status=Offer.Status.SIGNED),
                         year, "offer__standard_contract__")
                .exclude(Exists(own_with_follower))
                .annotate(kind=holder_kind("offer__"),
                          holder_region=Coalesce(F("offer__practice__region_id"), F("offer__care_group__region_id"),
                                                 output_field=BigIntegerField()))
                .values("insurer_id", "holder_region", "kind")
                .annotate(n=Count("offer__practice_id", distinct=True) + Count("offer__care_group_id", distinct=True))
                .order_by())
    rows: dict[tuple, int] = {}
    for row in [*own, *followed]:
        key = (row["insurer_id"], row["holder_region"], row["kind"])
        rows[key] = rows.get(key, 0) + row["n"]
    return [{"insurer_id": i, "region_id": r, "holder_kind": k, "n": n} for (i, r, k), n in rows.items()]


def providers_with_contract(year: int) -> list[dict]:
    """Per region (the provider's now) and segment: how many distinct providers hold at least one contract in
    force in `year` (a followed one is always someone's own contract). One query."""
    rows = (contracts_in_force(year).annotate(kind=holder_kind(), holder_region=_holder_region())
            .values("holder_region", "kind")
            .annotate(n=Count("practice_id", distinct=True) + Count("care_group_id", distinct=True)).order_by())
    return [{"region_id": r["holder_region"], "holder_kind": r["kind"], "n": r["n"]} for r in rows]


def provider_counts() -> list[dict]:
    """Practices and care groups per region. Two queries."""
    practices = Practice.objects.values("region_id").annotate(n=Count("pk")).order_by()
    groups = CareGroup.objects.values("region_id").annotate(n=Count("pk")).order_by()
    return ([{"region_id": r["region_id"], "holder_kind": HolderKind.PRACTICE, "n": r["n"]} for r in practices]
            + [{"region_id": r["region_id"], "holder_kind": HolderKind.CARE_GROUP, "n": r["n"]} for r in groups])


def dominant_insurer(region_ref: str) -> Subquery:
    """The region's dominant insurer (largest market share; ties by name), for the region at `region_ref`."""
    return Subquery(MarketShare.objects.filter(region=OuterRef(region_ref))
                    .order_by("-share_percent", "insurer__name").values("insurer")[:1],
                    output_field=BigIntegerField())


class Route:
    REQUESTED = "requested"  # asked a non-dominant insurer for its standard contract
    OWN_OFFER = "own_offer"  # made an own contract offer to a non-dominant insurer
    FOLLOW = "follow"  # asked the dominant insurer to follow a contract signed with another insurer


class Outcome:
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"
    PENDING = "pending"


_OFFER_OUTCOME = {Offer.Status.SIGNED: Outcome.SUCCESS, Offer.Status.REFUSED: Outcome.FAILED,
                  Offer.Status.EXPIRED: Outcome.FAILED, Offer.Status.OPEN: Outcome.PENDING}
_OWN_OUTCOME = {OwnOffer.Status.ACCEPTED: Outcome.SUCCESS, OwnOffer.Status.REFUSED: Outcome.FAILED,
                OwnOffer.Status.WITHDRAWN: Outcome.FAILED, OwnOffer.Status.SUBMITTED: Outcome.PENDING}
_FOLLOW_OUTCOME = {FollowRequest.Status.FOLLOWED: Outcome.SUCCESS, FollowRequest.Status.PARTIAL: Outcome.PARTIAL,
                   FollowRequest.Status.DECLINED: Outcome.FAILED, FollowRequest.Status.PENDING: Outcome.PENDING}


def other_insurer_attempts(year: int) -> list[dict]:
    """Providers that tried to contract an insurer other than their region's dominant one for contract year
    `year`, one row per attempt: {"holder": "p<id>" | "c<id>", "insurer_id" (the insurer asked), "region_id"
    (the provider's), "holder_kind", "route", "outcome"}. Three routes: asking a non-dominant insurer for its
    standard contract (an offer on request; success = signed), an own contract offer to a non-dominant insurer
    (success = accepted), and asking the dominant insurer to follow a contract signed with another one
    (success = followed, partial = partly followed). Three queries; one row per attempt, and attempts are few
    (the monitor: 15% of practices tried, almost never with success)."""
    rows = []
    requested = (Offer.objects.filter(year=year, reason=Offer.Reason.REQUESTED)
                 .annotate(holder_region=_holder_region()).annotate(dominant=dominant_insurer("holder_region"))
                 .exclude(insurer_id=F("dominant"))
                 .values_list("practice_id", "care_group_id", "insurer_id", "holder_region", "status"))
    for practice, group, insurer, region, status in requested:
        rows.append(_attempt(practice, group, insurer, region, Route.REQUESTED, _OFFER_OUTCOME[status]))
    own = (OwnOffer.objects.filter(year=year).annotate(holder_region=_holder_region())
           .annotate(dominant=dominant_insurer("holder_region")).exclude(insurer_id=F("dominant"))
           .values_list("practice_id", "care_group_id", "insurer_id", "holder_region", "status"))
    for practice, group, insurer, region, status in own:
        rows.append(_attempt(practice, group, insurer, region, Route.OWN_OFFER, _OWN_OUTCOME[status]))
    follows = (FollowRequest.objects.filter(year=year)
               .annotate(holder_region=Coalesce(F("offer__practice__region_id"), F("offer__care_group__region_id"),
                                                output_field=BigIntegerField()))
               .annotate(dominant=dominant_insurer("holder_region"))
               .filter(insurer_id=F("dominant")).exclude(offer__insurer_id=F("dominant"))
               .values_list("offer__practice_id", "offer__care_group_id", "insurer_id", "holder_region", "status"))
    for practice, group, insurer, region, status in follows:
        rows.append(_attempt(practice, group, insurer, region, Route.FOLLOW, _FOLLOW_OUTCOME[status]))
    return rows


def _attempt(practice, group, insurer, region, route, outcome) -> dict:
    return {"holder": f"p{practice}" if practice else f"c{group}", "insurer_id": insurer, "region_id": region,
            "holder_kind": HolderKind.PRACTICE if practice else HolderKind.CARE_GROUP, "route": route,
            "outcome": outcome}


def contract_terms_in_force(year: int) -> list[dict]:
    """Contracts in force in `year` per insurer, segment, first year and term. One query."""
    return list(contracts_in_force(year).annotate(kind=holder_kind())
                .values("insurer_id", holder_kind=F("kind"), first_year=F("standard_contract__first_year"),
                        term_years=F("standard_contract__term_years"))
                .annotate(n=Count("pk")).order_by())


def module_choices_in_force(year: int) -> list[dict]:
    """The aanvullende modules (not the NZa prestaties of part 1) of practices' contracts in force in `year`,
    per insurer, region (the offer's) and module: how many contracts hold the module. One query."""
    return list(ModuleChoice.objects.filter(offer__in=contracts_in_force(year).filter(practice__isnull=False))
                .exclude(contract_module__module__category=ModuleCategory.PRESTATIE)
                .values("offer__insurer_id", "offer__region_id", code=F("contract_module__module__code"),
                        name=F("contract_module__module__name"), sort=F("contract_module__module__sort_order"))
                .annotate(n=Count("pk")).order_by())


def capped_choices_in_force(year: int) -> list[dict]:
    """Every choice of a module with an hours cap in practices' contracts in force in `year`, with what the
    cap rule needs (pricing.cap_hours): one row per choice, one query. The hours are those signed; the cap is
    the contract's rule on the practice's registered patients now."""
    return list(ModuleChoice.objects.filter(offer__in=contracts_in_force(year).filter(practice__isnull=False),
                                            contract_module__module__cap_rule=CapRule.HOURS_PER_PATIENTS)
                .values("hours", insurer_id=F("offer__insurer_id"), region_id=F("offer__region_id"),
                        code=F("contract_module__module__code"),
                        cap_rule=F("contract_module__module__cap_rule"),
                        cap_patients=F("contract_module__module__cap_patients"),
                        per_norm=Coalesce(F("contract_module__cap_hours"), F("contract_module__module__cap_hours_max")),
                        patients=F("offer__practice__registered_patients"))
                .order_by())


def insured_with_module(year: int, code: str) -> list[dict]:
    """Per insurer and the practice's region: the insurer's insured at all practices of regions where it has a
    market share, and those at practices where a contract of that insurer in force in `year` holds module
    `code`: its own contract, or a contract it followed fully, or partly without naming the module as not
    followed. A practice's insured are its stored count (InsuredCount), else its registered patients times the
    insurer's market share in the region, rounded. One query."""
    counted = InsuredCount.objects.filter(practice_id=OuterRef("pk"), insurer_id=OuterRef("pair_insurer"))
    own = contracts_in_force(year).filter(practice_id=OuterRef("pk"), insurer_id=OuterRef("pair_insurer"),
                                          choices__contract_module__module__code=code)
    followed = covering(FollowRequest.objects.filter(
        status__in=FOLLOWING, insurer_id=OuterRef("pair_insurer"), offer__status=Offer.Status.SIGNED,
        offer__practice_id=OuterRef("pk"), offer__choices__contract_module__module__code=code,
    # Whether `code` is among the modules not followed: a match on the list's JSON text (a quoted module code),
    # which PostgreSQL and SQLite (the embedded run) both answer; SQLite has no JSON containment lookup.
    ).annotate(not_followed_text=Cast("not_followed", TextField())).exclude(
        not_followed_text__contains=f'"{code}"'), year, "offer__standard_contract__")
    rows = (Practice.objects.filter(region__market_shares__isnull=False)
            .annotate(pair_insurer=F("region__market_shares__insurer_id"))
            .annotate(pair_insured=Coalesce(
                Subquery(counted.values("insured")[:1]),
                Cast(Round(F("registered_patients") * F("region__market_shares__share_percent") / 100),
                     IntegerField())))
            .values("pair_insurer", "region_id")
            .annotate(all_insured=Sum("pair_insured"),
                      covered=Coalesce(Sum("pair_insured", filter=Q(Exists(own)) | Q(Exists(followed))), 0))
            .order_by())
    return [{"insurer_id": r["pair_insurer"], "region_id": r["region_id"], "insured": r["all_insured"],
             "covered": r["covered"]} for r in rows]
