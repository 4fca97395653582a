"""Reads about contract addenda: what a signed contract says in a year (the signed content with its accepted
addenda applied)."""

from datetime import date

from django.db.models import QuerySet

from ..calendar import Deadline
from ..models import ContractAddendum, ContractAdjustment, Offer, Signature


def contract_term(offer: Offer) -> tuple[date, date]:
    """The first and last day of the contract's term (its contract years, 1 January to 31 December)."""
    contract = offer.standard_contract
    return date(contract.first_year, 1, 1), date(contract.last_year, 12, 31)


def apply_addenda(modules: list[dict], addenda) -> list[dict]:
    """Pure: the module lines of a signed content with the changes of `addenda` applied in the order given.
    Each line keeps what the contract says of the module (code, name, unit, tariff, hours, conditions, ...),
    plus `addenda` (the numbers that changed it), `changed_from` (the date of the last change, or None) and
    `tariff_changed_from` (the date of the last change of its tariff, from which indexation counts anew)."""
    lines = []
    for module in modules:
        line = {key: value for key, value in module.items() if key != "estimated_amount"}
        lines.append({**line, "addenda": [], "changed_from": None, "tariff_changed_from": None})
    by_code = {line["code"]: line for line in lines}
    for addendum in addenda:
        for change in addendum.changes:
            line = by_code.get(change["module"])
            if line is None:
                continue
            if change.get("tariff") is not None:
                line["tariff"] = change["tariff"]
                line["tariff_changed_from"] = addendum.effective_from
            if change.get("hours") is not None:
                line["hours"] = change["hours"]
            line["addenda"].append(addendum.number)
            line["changed_from"] = addendum.effective_from
    return lines


def accepted_addenda(offer: Offer, year: int) -> QuerySet[ContractAddendum]:
    """The accepted addenda that take effect in or before `year`, in the order they apply: by their date,
    then in the order they were signed."""
    return (ContractAddendum.objects
            .filter(offer=offer, status=ContractAddendum.Status.ACCEPTED, effective_from__year__lte=year)
            .order_by("effective_from", "decided_at", "number"))


def contract_terms(offer: Offer, year: int, *, signature: Signature | None = None,
                   addenda: list[ContractAddendum] | None = None) -> list[dict]:
    """The module lines in force for `year` of a signed contract: the signed content with every accepted
    addendum that takes effect in or before that year applied (an addendum from 1 July counts for its whole
    year; the line's `changed_from` says from when), then the indexation clause's figures applied by then
    (selectors.indexation.indexed_lines: `base_tariff`, `indexed`, `capped`; a tariff an addendum set is
    indexed only by the figures of the years after it takes effect). Tariffs and hours as strings, as the
    signed content has them. Empty for an unsigned offer or a year outside the contract's term. Two queries
    (plus up to three for an indexed later year); none when the caller passes the signature and all the
    offer's addenda (offer_addenda) it has read already."""
    if signature is None:
        signature = Signature.objects.filter(offer=offer).only("content").first()
    if signature is None or year not in signature.content.get("years", []):
        return []
    if addenda is None:
        applied = accepted_addenda(offer, year)
    else:
        applied = sorted((a for a in addenda
                          if a.status == ContractAddendum.Status.ACCEPTED and a.effective_from.year <= year),
                         key=lambda a: (a.effective_from, a.decided_at, a.number))
    from .indexation import indexed_lines

    return indexed_lines(offer.standard_contract, year, apply_addenda(signature.content["modules"], applied))


def offer_addenda(offer: Offer) -> list[ContractAddendum]:
    """The addenda of one offer, newest first, for its page (one query)."""
    return list(ContractAddendum.objects.filter(offer=offer).select_related("proposed_by", "decided_by")
                .order_by("-number"))


def addendum_display(content: dict) -> dict:
    """An addendum's content (frozen or preview) with readable labels, for the templates."""
    from .offers import unit_label

    addendum = content["addendum"]
    try:
        kind_label = ContractAddendum.Kind(addendum["kind"]).label
    except ValueError:
        kind_label = addendum["kind"]
    changes = [{**change, "unit_label": unit_label(change.get("unit") or "")} for change in content["changes"]]
    return {**content, "changes": changes, "kind_label": kind_label,
            "effective_from": date.fromisoformat(addendum["effective_from"])}


def terms_year(offer: Offer, today: date) -> int:
    """The contract year whose terms a page shows today: this year when the contract covers it, otherwise the
    nearest year of its term."""
    contract = offer.standard_contract
    return min(max(today.year, contract.first_year), contract.last_year)


def addendum_sign_deadline(addendum: ContractAddendum, now) -> Deadline | None:
    """By when the holder's signatory must sign a proposed addendum, with the days left: only a mid-term
    adjustment has such a deadline (the end of its year's signing; unsigned it then lapses). None for any
    other addendum, or one no longer proposed. One query."""
    if addendum.status != ContractAddendum.Status.PROPOSED:
        return None
    due = ContractAdjustment.objects.filter(addendum=addendum).values_list("due_at", flat=True).first()
    return Deadline.of(due, now) if due is not None else None
