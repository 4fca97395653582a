"""The care group's members page: which member practices take part in which of its programmes, and each
practice's POH-S arrangement with the care group (one of the NZa monitor's three variants). The practice sees
the same on its offer page. Writes go through contracting.services.member_practice_set."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.selectors import memberships_of
from core.errors import PortalError

from ..access import member_care_groups_visible_to
from ..forms.practice import MemberPracticeForm
from ..models import PohsVariant
from ..selectors import care_group_members, care_group_practices, programme_modules
from ..services import member_practice_set
from .common import place_error

PAGE_SIZE = 25
CARE_GROUP_ROLES = (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY)


def _care_group(request, pk: int):
    care_group = member_care_groups_visible_to(request.user).filter(pk=pk).first()
    if care_group is None:
        raise Http404(_("Dit samenwerkingsverband bestaat niet of is niet voor u zichtbaar."))
    return care_group


def _may_edit(user, care_group) -> bool:
    return any(m.role in CARE_GROUP_ROLES and m.care_group_id == care_group.pk for m in memberships_of(user))


def _form(practice, programmes, data=None) -> MemberPracticeForm:
    arrangement = getattr(practice, "pohs_arrangement", None)
    initial = {"variant": arrangement.variant if arrangement else "",
               "care_group_amount": arrangement.care_group_amount if arrangement else ""}
    return MemberPracticeForm(data, programmes=programmes, prefix=f"p{practice.pk}", initial=initial)


def _render(request, care_group, *, failed=None, status=200):
    programmes = list(programme_modules())
    page = Paginator(care_group_practices(care_group), PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = care_group_members(care_group, list(page.object_list))
    may_edit = _may_edit(request.user, care_group)
    for row in rows:
        if failed is not None and failed.prefix == f"p{row.practice.pk}":
            row.form = failed
        elif may_edit:
            row.form = _form(row.practice, programmes)
            row.form.initial["programmes"] = sorted(row.programme_codes)
    return render(request, "contracting/caregroup/members.html", {
        "care_group": care_group, "rows": rows, "page": page, "programmes": programmes, "may_edit": may_edit,
        "page_query": "", "variants": PohsVariant.choices,
    }, status=status)


@login_required
def members_home(request):
    """The user's first care group's members page (a user of several picks one there)."""
    ids = [m.care_group_id for m in memberships_of(request.user) if m.care_group_id]
    if not ids:
        raise Http404(_("U bent geen medewerker van een samenwerkingsverband."))
    return redirect("members:list", pk=ids[0])


@login_required
def members_list(request, pk: int):
    return _render(request, _care_group(request, pk))


@login_required
@require_POST
def member_save(request, pk: int, practice_pk: int):
    care_group = _care_group(request, pk)
    practice = care_group_practices(care_group).filter(pk=practice_pk).first()
    if practice is None:
        raise Http404(_("Deze praktijk is niet aangesloten bij dit samenwerkingsverband."))
    form = _form(practice, list(programme_modules()), request.POST)
    if form.is_valid():
        try:
            member_practice_set(actor=request.user, care_group=care_group, practice=practice,
                                programmes=form.cleaned_data["programmes"], variant=form.cleaned_data["variant"],
                                care_group_amount=form.cleaned_data["care_group_amount"] or None)
        except PortalError as exc:
            place_error(form, exc)
            return _render(request, care_group, failed=form, status=exc.status)
        messages.success(request, _("De afspraken met %(practice)s zijn opgeslagen.") % {"practice": practice.name})
        return redirect(reverse("members:list", args=[care_group.pk]) + f"#praktijk-{practice.pk}")
    return _render(request, care_group, failed=form, status=400)
