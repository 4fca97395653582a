"""Benchmark data for the monitor: the demo answers each survey with a capped share of its audience (a few
thousand responses in all), while the national scale the monitor is measured at has 20,000 survey responses.
`survey_responses_fill(total=...)` has more of the invited answer, as the demo's respondents do (demo.surveys:
the same answer maker, submitted inside the survey's window), closed surveys first (what the monitor reads), the
newest year first, until that many responses are submitted. For benchmark databases; idempotent (a second call
with the same total adds nothing)."""

from datetime import datetime

from insurers.models import Insurer
from surveys.models import Invitation, Response, Survey

from .survey_answers import AnswerMaker
from .surveys import Window, _respond


def survey_responses_fill(*, total: int, now: datetime) -> int:
    """Submitted survey responses up to `total` in all; returns how many it added."""
    have = Response.objects.filter(status=Response.Status.SUBMITTED).count()
    added = 0
    slugs = dict(Insurer.objects.values_list("pk", "slug"))
    surveys = (Survey.objects.filter(status__in=[Survey.Status.CLOSED, Survey.Status.PUBLISHED], opens_at__lt=now)
               .exclude(template="nza-insurer")  # the insurers' questionnaires: answered from their own figures
               .order_by("status", "-year", "pk"))  # "closed" < "published": closed first
    for survey in surveys:
        if have + added >= total:
            break
        # responded_at, not the response: a closed anonymous survey's responses are detached from their invitations
        waiting = list(Invitation.objects.filter(survey=survey, responded_at__isnull=True).order_by("pk")
                       [:total - have - added])
        if not waiting:
            continue
        questions = list(survey.questions.order_by("position"))
        added += _respond(survey, questions, waiting, AnswerMaker(questions, insurer_slugs=slugs),
                          Window(survey.opens_at, survey.closes_at), now)
        if survey.status == Survey.Status.CLOSED and survey.anonymous:
            # As survey_close left the survey's other responses: nothing links an answer to who gave it.
            Response.objects.filter(survey=survey, invitation__isnull=False).update(
                invitation=None, started_at=survey.closes_at, updated_at=survey.closes_at,
                submitted_at=survey.closes_at)
    return added
