"""The NZa analyst's screen for the maximum tariffs of a year. It sits under /inkoop/ because the contract
builder enforces these maxima; the rule (who may set them, and to what) lives in services.nza_tariff_set."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
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
from ..services import nza_tariff_set
from .common import chosen_year


@login_required
@require_http_methods(["GET", "POST"])
def nza_tariffs(request):
    """The NZa's maximum tariffs for the S1 prestaties of a year (tariefbeschikking, 1 July). All or nothing:
    one refused amount saves none, so the table never holds half an update."""
    if not is_nza_or_admin(request.user):
        raise PermissionDenied(_("Alleen analisten van de NZa en beheerders stellen de maximumtarieven vast."))
    now = timezone.now()
    year, years = chosen_year(request, now)
    modules = list(Module.objects.filter(segment=Segment.S1, has_nza_max=True))
    current = dict(NzaMaxTariff.objects.filter(year=year, module__in=modules).values_list("module_id", "max_tariff"))
    form = NzaTariffsForm(request.POST or None, modules=modules, current=current)
    if request.method == "POST" and form.is_valid():
        changed = 0
        with transaction.atomic():
            for module in modules:
                value = form.cleaned_data[form.field_name(module)]
                if not value or Decimal(value) == current.get(module.pk):
                    continue
                try:
                    nza_tariff_set(actor=request.user, module=module, year=year, max_tariff=value)
                except PortalError as exc:
                    form.add_error(form.field_name(module), exc.detail)
                else:
                    changed += 1
            if form.errors:
                transaction.set_rollback(True)
        if not form.errors:
            messages.success(request, _("De maximumtarieven voor %(year)s zijn opgeslagen (%(count)s gewijzigd).")
                             % {"year": year, "count": changed})
            return redirect(f"{reverse('purchasing:nza_tariffs')}?year={year}")
    return render(request, "contracting/insurer/nza_tariffs.html", {
        "form": form, "year": year, "years": sorted(set(years) | {year}),
        "deadline": milestone_deadline(year, MilestoneKind.NZA_TARIFFS, now),
    })
