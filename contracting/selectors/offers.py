"""Reads about offers and contracts: who may sign for a holder, the purchasing policy an offer comes with, and
what changed in a contract since last year."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from accounts.models import Membership, Role
from core.numbers import hours as hours_text
from insurers.models import PolicyVersion
from providers.models import CareGroup, InsuredCount

from ..models import ContractModule, Offer, Segment, StandardContract, Unit, covering
from ..pricing import cap_hours_for, estimated_amount, needs_hours


def segment_label(segment: str) -> str:
    try:
        return Segment(segment).label
    except ValueError:
        return segment


def unit_label(unit: str) -> str:
    try:
        return Unit(unit).label
    except ValueError:
        return unit


def holder_signatories(offer) -> list[Membership]:
    """The active signatories (tekenbevoegden) of an offer's holder, practice or care group, by name."""
    if offer.practice_id:
        scope = {"practice_id": offer.practice_id, "role": Role.PRACTICE_SIGNATORY}
    else:
        scope = {"care_group_id": offer.care_group_id, "role": Role.CAREGROUP_SIGNATORY}
    return list(Membership.objects.filter(user__is_active=True, **scope).select_related("user")
                .order_by("user__full_name", "user__email"))



def with_insured(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """Offers with their practice's insured count for the offer's insurer read in the same query, for
    holder_insured (a care group's offers still read theirs)."""
    return offers.annotate(insured_of_practice=Subquery(
        InsuredCount.objects.filter(practice_id=OuterRef("practice_id"), insurer_id=OuterRef("insurer_id"))
        .values("insured")[:1]))


def holder_insured(offer) -> int | None:
    """The offer's insurer's own insured among the holder's registered patients, as stored (InsuredCount); for
    a care group the sum over its practices when every one of them has a count. None when not known: the
    estimate then counts all registered patients (pricing.amount_base) and the page says so. One query (two
    for a care group), none for a practice's offer read through with_insured."""
    if offer.practice_id and hasattr(offer, "insured_of_practice"):
        return offer.insured_of_practice
    counts = InsuredCount.objects.filter(insurer_id=offer.insurer_id).order_by()
    if offer.practice_id:
        return counts.filter(practice_id=offer.practice_id).values_list("insured", flat=True).first()
    members = CareGroup.practices.through.objects.filter(caregroup_id=offer.care_group_id).values("practice_id")
    found = counts.filter(practice_id__in=members).aggregate(n=Count("pk"), total=Sum("insured"))
    if not found["n"] or found["n"] < offer.care_group.practices.count():
        return None
    return found["total"]


def latest_policy_version(offer: Offer) -> PolicyVersion | None:
    """The purchasing-policy version in force for an offer now: the insurer's latest for the offer's year."""
    return (PolicyVersion.objects.filter(policy__insurer_id=offer.insurer_id, policy__year=offer.year)
            .select_related("policy__insurer").prefetch_related("attachments").order_by("-number").first())


def offer_policy_version(offer: Offer, signature=None) -> PolicyVersion | None:
    """The version an offer's pages show: for a signed offer the one recorded at signing (a later version does
    not apply to it), otherwise the latest."""
    if signature is not None:
        if signature.policy_version_id is None:
            return None
        return (PolicyVersion.objects.select_related("policy__insurer").prefetch_related("attachments")
                .get(pk=signature.policy_version_id))
    return latest_policy_version(offer)


def policy_version_ref(version: PolicyVersion | None) -> dict | None:
    """How a signature records the version in force: frozen with the signed content, so its hash covers it."""
    if version is None:
        return None
    return {"id": version.pk, "number": version.number, "title": version.title,
            "published_at": version.published_at.isoformat(), "content_hash": version.content_hash}


def _previous_contract(contract: StandardContract) -> StandardContract | None:
    """The same insurer's published contract (for the same kind of holder) that covered the year before."""
    previous_year = contract.first_year - 1
    return (covering(StandardContract.objects
                     .filter(insurer_id=contract.insurer_id, holder_kind=contract.holder_kind,
                             status=StandardContract.Status.PUBLISHED), previous_year).exclude(pk=contract.pk)
            .order_by("-first_year", "-pk").first())


def _cap_display(hours: Decimal | None) -> str:
    return hours_text(hours) if hours is not None else "–"


def contract_changes_since_last_year(contract: StandardContract, current: list[ContractModule]) -> dict | None:
    """Module by module against last year's contract: tariffs side by side, modules added or dropped,
    conditions, caps or mandatory status changed."""
    previous_contract = _previous_contract(contract)
    if previous_contract is None:
        return None
    previous = {cm.module.code: cm for cm in previous_contract.modules.select_related("module")}
    rows = []
    for cm in current:
        old = previous.pop(cm.module.code, None)
        if old is None:
            rows.append({"name": cm.module.name, "state": "added", "new": cm, "old": None,
                         "unit_label": unit_label(cm.module.unit)})
            continue
        tariff_delta = cm.tariff - old.tariff
        row = {
            "name": cm.module.name, "new": cm, "old": old, "unit_label": unit_label(cm.module.unit),
            "tariff_delta": tariff_delta, "tariff_delta_abs": abs(tariff_delta),
            "old_cap": _cap_display(old.cap_hours), "new_cap": _cap_display(cm.cap_hours),
            "tariff_percent": ((tariff_delta / old.tariff * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                               if old.tariff else None),
            "conditions_changed": cm.conditions.strip() != old.conditions.strip(),
            "cap_changed": cm.cap_hours != old.cap_hours,
            "mandatory_changed": cm.mandatory != old.mandatory,
        }
        changed = tariff_delta or row["conditions_changed"] or row["cap_changed"] or row["mandatory_changed"]
        row["state"] = "changed" if changed else "same"
        rows.append(row)
    for old in sorted(previous.values(), key=lambda cm: (cm.module.segment, cm.module.sort_order)):
        rows.append({"name": old.module.name, "state": "removed", "new": None, "old": old,
                     "unit_label": unit_label(old.module.unit)})
    conditions_changed = previous_contract.conditions.strip() != contract.conditions.strip()
    term_changed = previous_contract.term_years != contract.term_years
    return {
        "previous": previous_contract, "rows": rows,
        "conditions_changed": conditions_changed, "term_changed": term_changed,
        "any": conditions_changed or term_changed or any(r["state"] != "same" for r in rows),
    }


def contract_preview_modules(contract: StandardContract, patients: int) -> list[dict]:
    """The content a practice is offered (standard_contract_content), with the cap and the estimated yearly
    amount for a practice of `patients` at the maximum hours."""
    from ..services.contracts import standard_contract_content  # the content builder signing uses too

    content = standard_contract_content(contract)
    cms = {cm.module.code: cm for cm in contract.modules.select_related("module")}
    rows = []
    for item in content["modules"]:
        cm = cms[item["code"]]
        cap = cap_hours_for(cm, patients)
        hours = cap if needs_hours(cm) else None
        rows.append({**item, "module": cm.module, "tariff": cm.tariff, "cap": cap, "hours": hours,
                     "amount": estimated_amount(cm, patients, hours)})
    return rows
