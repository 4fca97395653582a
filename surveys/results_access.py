"""Who sees which survey results. Pages, exports and the API start from these, so results outside the user's
scope are not found (404), another insurer's sub-report included.

- The NZa (and administrators) see the full results of every survey, and every insurer's sub-report.
- An insurer's purchasers see the full results of the surveys it runs (its evaluation, its questionnaires) and
  its own sub-report of a survey that asks about each insurer (the GP satisfaction survey).
- An overlegteam's members see what its insurer's sub-report shows, and its insurer's evaluation in full.
- Nobody sees a draft's results; practices and care groups see no results here.
Exporting the individual answers is for the NZa and the survey's own insurer only.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.selectors import insurer_ids_of, is_nza_or_admin, memberships_of
from core.params import parse_id
from insurers.models import Insurer

from .models import Question, Survey

NOT_FOUND = "Deze uitkomsten bestaan niet of zijn niet voor u zichtbaar."


def team_insurer_ids_of(user) -> set[int]:
    """The insurers of the overlegteams the user is a member of."""
    return {m.overleg_team.insurer_id for m in memberships_of(user) if m.overleg_team_id}


def _not_draft() -> QuerySet[Survey]:
    return Survey.objects.exclude(status=Survey.Status.DRAFT)


def _asks_per_insurer() -> Exists:
    return Exists(Question.objects.filter(survey=OuterRef("pk"), repeat=Question.Repeat.INSURER))


def full_results_visible_to(user) -> QuerySet[Survey]:
    if not user.is_authenticated:
        return Survey.objects.none()
    if is_nza_or_admin(user):
        return _not_draft()
    return _not_draft().filter(
        Q(owner_insurer__in=insurer_ids_of(user))
        | Q(kind=Survey.Kind.EVALUATION, owner_insurer__in=team_insurer_ids_of(user)))


def sub_report_insurer_ids(user) -> set[int] | None:
    """The insurers whose sub-reports the user may see; None: all of them."""
    if not user.is_authenticated:
        return set()
    if is_nza_or_admin(user):
        return None
    return insurer_ids_of(user) | team_insurer_ids_of(user)


def sub_reports_visible_to(user) -> QuerySet[Survey]:
    """Surveys with a sub-report per insurer (questions asked per insurer) that the user may see one of."""
    ids = sub_report_insurer_ids(user)
    if ids is not None and not ids:
        return Survey.objects.none()
    return _not_draft().filter(_asks_per_insurer())


def results_scope(user, survey_pk, insurer_pk=None) -> tuple[Survey, Insurer | None]:
    """The survey and, for a sub-report, the insurer, or Http404 when the user may not see them."""
    survey_pk = parse_id(str(survey_pk))
    if insurer_pk is None:
        survey = full_results_visible_to(user).filter(pk=survey_pk).first() if survey_pk else None
        if survey is None:
            raise Http404(NOT_FOUND)
        return survey, None
    insurer_pk = parse_id(str(insurer_pk))
    allowed = sub_report_insurer_ids(user)
    if not insurer_pk or (allowed is not None and insurer_pk not in allowed):
        raise Http404(NOT_FOUND)
    survey = sub_reports_visible_to(user).filter(pk=survey_pk).first() if survey_pk else None
    insurer = Insurer.objects.filter(pk=insurer_pk).first()
    if survey is None or insurer is None:
        raise Http404(NOT_FOUND)
    return survey, insurer


def may_see_results(user) -> bool:
    """Whether the user's role sees any results (the NZa, insurers, overlegteams): for a link to the results
    list, decided from the memberships already read, without a query."""
    return is_nza_or_admin(user) or bool(insurer_ids_of(user) or team_insurer_ids_of(user))


def may_export_answers(user, survey: Survey) -> bool:
    return is_nza_or_admin(user) or (survey.owner_insurer_id is not None
                                     and survey.owner_insurer_id in insurer_ids_of(user))


def series_scope(user, series: str, insurer_pk=None) -> tuple[list[Survey], Insurer | None]:
    """The surveys of a series the user may see (in full, or the sub-report of one insurer), oldest first."""
    if insurer_pk is None:
        qs = full_results_visible_to(user)
        insurer = None
    else:
        insurer_pk = parse_id(str(insurer_pk))
        allowed = sub_report_insurer_ids(user)
        if not insurer_pk or (allowed is not None and insurer_pk not in allowed):
            raise Http404(NOT_FOUND)
        insurer = Insurer.objects.filter(pk=insurer_pk).first()
        if insurer is None:
            raise Http404(NOT_FOUND)
        qs = sub_reports_visible_to(user)
    surveys = list(qs.filter(series=series).exclude(series="").order_by("year", "pk")) if series else []
    if not surveys:
        raise Http404(NOT_FOUND)
    return surveys, insurer
