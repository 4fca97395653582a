"""The respondent's pages: the survey list ("Enquêtes") and the respond page of one survey. Every change goes
through surveys.services.responses; an invitation outside the user's scope is a 404 (invitations_for)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contracting.calendar import Deadline
from core.errors import PortalError
from core.params import parse_id

from ..forms.respond import answers_from_post, respond_sections
from ..models import Response, Survey
from ..prefill import prefill_answers
from ..results_access import may_see_results
from ..selectors import invitations_for, respondent_invitations, survey_is_open, surveys_owned_by
from ..services import response_answers, response_save


@login_required
def survey_list(request):
    now = timezone.now()
    invitations = respondent_invitations(request.user, now=now)
    for invitation in invitations:
        invitation.deadline = Deadline.of(invitation.survey.closes_at, now, boundary="end")
    return render(request, "surveys/list.html", {
        "open": [i for i in invitations if i.is_open],
        "closed": [i for i in invitations if not i.is_open],
        "owns_surveys": surveys_owned_by(request.user).exists(),
        "sees_results": may_see_results(request.user),
    })


def _invitation(request, survey_pk: int):
    """The user's invitation to survey `survey_pk` (?uitnodiging=<id> when they answer for several
    organisations); a 404 outside their scope."""
    invitations = invitations_for(request.user).filter(survey_id=survey_pk).select_related(
        "survey", "practice", "care_group", "insurer")
    chosen = parse_id(request.GET.get("uitnodiging", ""))
    if chosen is not None:
        return get_object_or_404(invitations, pk=chosen), []
    found = list(invitations[:20])
    if not found:
        raise Http404
    return found[0], found


@login_required
@require_http_methods(["GET", "POST"])
def respond(request, pk: int):
    invitation, several = _invitation(request, pk)
    if len(several) > 1 and "uitnodiging" not in request.GET:
        return render(request, "surveys/choose_invitation.html", {"survey": invitation.survey,
                                                                  "invitations": several})
    survey: Survey = invitation.survey
    now = timezone.now()
    questions = list(survey.questions.order_by("position"))
    sections = list(survey.sections.order_by("position"))
    response = Response.objects.filter(invitation=invitation).first()
    # Before the first save, what the portal already knows (the NZa insurer questionnaire's figures).
    answers = response_answers(response) if response else prefill_answers(survey, insurer=invitation.insurer)
    errors: dict = {}
    if request.method == "POST":
        answers = answers_from_post(questions, invitation, request.POST)
        submit = "submit" in request.POST
        try:
            response = response_save(actor=request.user, invitation=invitation, answers=answers, now=now,
                                     submit=submit)
        except PortalError as exc:
            errors = exc.fields
            messages.error(request, exc.detail)
            if exc.status == 409:  # closed or not yet open: nothing to keep on the page
                return redirect(request.get_full_path())
        else:
            messages.success(request, _("Uw antwoorden zijn ingediend. U kunt ze nog wijzigen tot de enquête sluit.")
                             if response.status == Response.Status.SUBMITTED
                             else _("Uw antwoorden zijn bewaard als concept. Vergeet niet in te dienen."))
            return redirect(request.get_full_path())
    is_open = survey_is_open(survey, now)
    return render(request, "surveys/respond.html", {
        "survey": survey, "invitation": invitation, "response": response, "is_open": is_open,
        "not_yet_open": survey.status == Survey.Status.PUBLISHED and now < survey.opens_at,
        "deadline": Deadline.of(survey.closes_at, now, boundary="end"),
        "sections": respond_sections(questions, sections, invitation, answers, errors),
        "errors": errors,
        # An anonymous survey's responses are detached at closing: the respondent's answers are no longer theirs
        # to see, so no form (empty or not) is shown.
        "anonymous_detached": survey.anonymous and response is None and not is_open
        and survey.status == Survey.Status.CLOSED,
    }, status=400 if errors else 200)
