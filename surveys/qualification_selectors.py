"""Reads about qualification questionnaires (uitvragen)."""

from datetime import datetime

from django.db.models import QuerySet

from .models import QualificationQuestionnaire, Survey


def qualification_questionnaires_open(now: datetime) -> QuerySet[QualificationQuestionnaire]:
    """Every uitvraag open for answers at `now`, with its survey, contract, insurer and module."""
    return (QualificationQuestionnaire.objects
            .filter(survey__status=Survey.Status.PUBLISHED, survey__opens_at__lte=now, survey__closes_at__gt=now)
            .select_related("survey", "standard_contract__insurer", "contract_module__module")
            .order_by("survey__closes_at", "id"))
