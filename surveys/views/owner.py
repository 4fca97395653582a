"""The pages of who runs a survey (an insurer's purchasers for its own, the NZa and administrators for the
others): the list, set up from a definition, the survey with its live response rate (htmx polling), publish.
Another owner's survey is a 404 (surveys_owned_by). Never who answered what: counts only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.selectors import is_nza_or_admin, memberships_of
from contracting.calendar import Deadline
from contracting.views.common import place_error
from core.errors import PortalError

from ..forms.owner import SurveyCreateForm
from ..selectors import response_rate, survey_is_open, surveys_owned_by
from ..services import survey_create_from_definition, survey_publish


def _owner_insurers(user):
    return [m.insurer for m in memberships_of(user) if m.role == Role.INSURER_PURCHASER]


def _may_run_surveys(user) -> bool:
    return is_nza_or_admin(user) or bool(_owner_insurers(user))


@login_required
def manage(request):
    if not _may_run_surveys(request.user):
        raise Http404
    surveys = list(surveys_owned_by(request.user).select_related("owner_insurer").order_by("-year", "-opens_at", "id"))
    return render(request, "surveys/manage_list.html", {"surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not _may_run_surveys(request.user):
        raise Http404
    insurers = _owner_insurers(request.user)
    owner = insurers[0] if insurers and not is_nza_or_admin(request.user) else None
    form = SurveyCreateForm(request.POST or None, initial={"year": timezone.now().year + 1})
    if request.method == "POST" and form.is_valid():
        opens_at, closes_at = form.moments()
        data = form.cleaned_data
        try:
            survey = survey_create_from_definition(
                actor=request.user, definition=data["definition"], year=data["year"], opens_at=opens_at,
                closes_at=closes_at, owner_insurer=owner, audience=data["audience"],
                audience_region=data["audience_region"], audience_insurer=data["audience_insurer"])
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("De enquête is aangemaakt als concept. Controleer hem en publiceer hem."))
            return redirect("surveys:manage_detail", survey.pk)
    return render(request, "surveys/manage_create.html", {"form": form, "owner": owner},
                  status=400 if form.errors else 200)


def _owned(request, pk):
    return get_object_or_404(surveys_owned_by(request.user).select_related("owner_insurer", "audience_region",
                                                                           "audience_insurer"), pk=pk)


@login_required
def detail(request, pk: int):
    survey = _owned(request, pk)
    now = timezone.now()
    return render(request, "surveys/manage_detail.html", {
        "survey": survey, "rate": response_rate(survey), "is_open": survey_is_open(survey, now),
        "deadline": Deadline.of(survey.closes_at, now, boundary="end"),
        "sections": survey.sections.prefetch_related("questions").order_by("position"),
    })


@login_required
def rate(request, pk: int):
    """The response-rate fragment the detail page polls while the survey is open."""
    survey = _owned(request, pk)
    return render(request, "surveys/_rate.html", {"survey": survey, "rate": response_rate(survey),
                                                  "is_open": survey_is_open(survey, timezone.now())})


@login_required
@require_POST
def publish(request, pk: int):
    survey = _owned(request, pk)
    try:
        survey_publish(actor=request.user, survey=survey, now=timezone.now())
    except PortalError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("De enquête is gepubliceerd; de uitnodigingen gaan uit zodra hij opent."))
    return redirect("surveys:manage_detail", survey.pk)
