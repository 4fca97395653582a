"""The NZa analyst's screen for the maximum tariffs of a year. It sits under /inkoop/ because the contract
builder enforces these maxima; the rules (who may set them, to what, all or nothing) live in
services.nza_tariffs_set."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import is_nza_or_admin
from core.errors import PortalError

from ..calendar import MilestoneKind
from ..forms.nza import NzaTariffsForm
from ..models import Module, NzaMaxTariff, Segment
from ..selectors import milestone_deadline
from ..services import nza_tariffs_set
from .common import chosen_year


@login_required
@require_http_methods(["GET", "POST"])
def nza_tariffs(request):
    """The NZa's maximum tariffs for the S1 prestaties of a year (tariefbeschikking, 1 July). All or nothing
    (the service's rule): one refused amount saves none, so the table never holds half an update."""
    if not is_nza_or_admin(request.user):
        raise PermissionDenied(_("Alleen analisten van de NZa en beheerders stellen de maximumtarieven vast."))
    now = timezone.now()
    year, years = chosen_year(request, now)
    modules = list(Module.objects.filter(segment=Segment.S1, has_nza_max=True))
    current = dict(NzaMaxTariff.objects.filter(year=year, module__in=modules).values_list("module_id", "max_tariff"))
    form = NzaTariffsForm(request.POST or None, modules=modules, current=current)
    if request.method == "POST" and form.is_valid():
        # A blank field leaves its module as it is.
        values = {module: form.cleaned_data[form.field_name(module)] for module in modules
                  if form.cleaned_data[form.field_name(module)]}
        try:
            changed = nza_tariffs_set(actor=request.user, year=year, values=values)
        except PortalError as exc:
            by_code = {module.code: module for module in modules}
            for code, errors in exc.fields.get("max_tariffs", {}).items():
                for error in errors:
                    form.add_error(form.field_name(by_code[code]), error)
            if not form.errors:
                form.add_error(None, exc.detail)
        else:
            messages.success(request, _("De maximumtarieven voor %(year)s zijn opgeslagen (%(count)s gewijzigd).")
                             % {"year": year, "count": len(changed)})
            return redirect(f"{reverse('purchasing:nza_tariffs')}?year={year}")
    return render(request, "contracting/insurer/nza_tariffs.html", {
        "form": form, "year": year, "years": sorted(set(years) | {year}),
        "deadline": milestone_deadline(year, MilestoneKind.NZA_TARIFFS, now),
    })


@login_required
@require_http_methods(["GET"])
def caregroup_offers(request):
    """For the NZa: per insurer, the care groups of its regions that had no offer by 15 July (the
    caregroup_offers milestone), from the one rule, selectors.caregroup_offers_late."""
    from ..selectors import caregroup_offers_late

    if not is_nza_or_admin(request.user):
        raise PermissionDenied(_("Alleen analisten van de NZa en beheerders zien dit overzicht."))
    now = timezone.now()
    year, years = chosen_year(request, now)
    return render(request, "contracting/insurer/nza_caregroup_offers.html", {
        "year": year, "years": years, "late": caregroup_offers_late(year, now=now),
        "deadline": milestone_deadline(year, MilestoneKind.CAREGROUP_OFFERS, now)})
