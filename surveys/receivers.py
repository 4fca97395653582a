"""What contracting learns from the surveys app: where a contract's or module's uitvraag is answered."""

from django.urls import reverse

from .models import QualificationQuestionnaire


def questionnaire_page(contract, contract_module) -> str | None:
    """The holder's page of the uitvraag for `contract` (or its `contract_module`), if one is attached."""
    questionnaire = QualificationQuestionnaire.objects.filter(
        standard_contract_id=contract.pk, contract_module_id=getattr(contract_module, "pk", None)).only("pk").first()
    return reverse("surveys:qualification_start", args=[questionnaire.pk]) if questionnaire else None
