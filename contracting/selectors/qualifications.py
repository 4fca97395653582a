"""Reads about qualifications (uitvraag): the insurer's queue, a holder's qualifications for one offer, and
where the questionnaire of a contract or module is answered.

The questionnaire itself lives in a higher app; it registers a function here (register_questionnaire_finder)
that returns the page where a holder answers the questionnaire for a contract or module, so contracting pages
can link to it without knowing that app."""

from collections.abc import Callable

from django.db.models import Case, IntegerField, QuerySet, Value, When

from ..models import ContractModule, Offer, Qualification, StandardContract

_finders: list[Callable[[StandardContract, ContractModule | None], str | None]] = []


def register_questionnaire_finder(finder: Callable[[StandardContract, ContractModule | None], str | None]) -> None:
    """`finder(contract, contract_module)` returns the URL of the questionnaire for it, or None."""
    if finder not in _finders:
        _finders.append(finder)


def questionnaire_url(contract: StandardContract, contract_module: ContractModule | None = None) -> str | None:
    for finder in _finders:
        url = finder(contract, contract_module)
        if url:
            return url
    return None


def qualification_queue(queryset: QuerySet[Qualification]) -> QuerySet[Qualification]:
    """Waiting ones first (oldest first), then the decided ones (latest first): one query with its joins."""
    return (queryset.select_related("standard_contract", "contract_module__module", "practice", "care_group")
            .annotate(waiting_first=Case(When(status=Qualification.Status.PENDING, then=Value(0)), default=Value(1),
                                         output_field=IntegerField()))
            .order_by("waiting_first", "submitted_at", "id"))


def offer_qualifications(offer: Offer) -> list[Qualification]:
    """The holder's qualifications for the offer's contract and its modules, with their frozen answers (the
    offer page shows them to both sides)."""
    holder = {"practice_id": offer.practice_id} if offer.practice_id else {"care_group_id": offer.care_group_id}
    return list(Qualification.objects.filter(standard_contract_id=offer.standard_contract_id, **holder)
                .select_related("contract_module__module", "decided_by").order_by("contract_module_id", "id"))
