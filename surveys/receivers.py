"""What the surveys app hooks into: a submitted response to a qualification questionnaire goes to contracting
(services.qualification.qualification_response_submitted), and contracting's pages learn where a contract's or
module's uitvraag is answered."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from .models import QualificationQuestionnaire, Response, Survey


@receiver(post_save, sender=Response, dispatch_uid="surveys.qualification_response_saved")
def qualification_response_saved(sender, instance: Response, **kwargs):
    """Inside the saving transaction: a refusal from contracting (decided, signing closed) undoes the save."""
    if instance.status != Response.Status.SUBMITTED:
        return
    if not Survey.objects.filter(pk=instance.survey_id, kind=Survey.Kind.QUALIFICATION).exists():
        return
    from .services.qualification import qualification_response_submitted

    qualification_response_submitted(response=instance)


def questionnaire_page(contract, contract_module) -> str | None:
    """The holder's page of the uitvraag for `contract` (or its `contract_module`), if one is attached."""
    questionnaire = QualificationQuestionnaire.objects.filter(
        standard_contract_id=contract.pk, contract_module_id=getattr(contract_module, "pk", None)).only("pk").first()
    return reverse("surveys:qualification_start", args=[questionnaire.pk]) if questionnaire else None
