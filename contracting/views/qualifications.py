"""Qualification (uitvraag) pages: the insurer's queue and decision page, and the holder's page of one
qualification. The frozen answers also show on the offer page (views.practice) to both sides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import care_group_ids_of, practice_ids_of
from core.errors import PortalError

from ..access import qualification_for_user
from ..forms.insurer import QualificationDecisionForm
from ..models import Qualification
from ..selectors import qualification_queue, questionnaire_url
from ..services import qualification_decide, qualification_decide_refusal
from .common import PurchaserScope, place_error, purchaser_object_required, purchaser_required

PAGE_SIZE = 25


@purchaser_required
def insurer_list(request, scope: PurchaserScope):
    """The answered questionnaires waiting for the insurer's decision, oldest first, then the decided ones."""
    rows = qualification_queue(Qualification.objects.filter(insurer=scope.insurer))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "contracting/insurer/qualifications.html", {"scope": scope, "page": page})


@purchaser_object_required
@require_http_methods(["GET", "POST"])
def insurer_detail(request, scope: PurchaserScope, pk: int):
    """One qualification: the holder's frozen answers and, while it waits, the decision."""
    qualification = qualification_for_user(request.user, pk, insurer_only=True)
    now = timezone.now()
    form = QualificationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            qualification_decide(actor=request.user, qualification=qualification,
                                 qualified=form.cleaned_data["decision"] == "qualified",
                                 reason=form.cleaned_data["reason"], now=now)
        except PortalError as exc:
            place_error(form, exc)
        else:
            messages.success(request, _("Uw besluit is opgeslagen en de zorgaanbieder is op de hoogte gebracht."))
            return redirect("purchasing:qualification", pk=qualification.pk)
    refusal = (qualification_decide_refusal(qualification, now)
               if qualification.status == Qualification.Status.PENDING else None)
    return render(request, "contracting/insurer/qualification.html", {
        "scope": scope, "qualification": qualification, "form": form, "refusal": refusal})


@login_required
def holder_detail(request, pk: int):
    """The holder's own qualification: its answers as sent, the status and the insurer's reason."""
    qualification = qualification_for_user(request.user, pk)
    if qualification.practice_id not in practice_ids_of(request.user) \
            and qualification.care_group_id not in care_group_ids_of(request.user):
        raise Http404(_("Deze pagina bestaat niet, of is niet voor u zichtbaar."))  # the insurer's page is elsewhere
    return render(request, "contracting/practice/qualification.html", {
        "qualification": qualification,
        "questionnaire": questionnaire_url(qualification.standard_contract, qualification.contract_module)})

