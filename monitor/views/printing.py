"""The printable yearly monitor as a PDF (monitor/pdf.py), for the NZa and for an insurer's purchasers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contracting.models import ContractYear

from ..access import monitor_access
from ..models import MonitorSnapshot
from ..pdf import may_print, monitor_pdf, printed_monitor


@login_required
@require_GET
def monitor_pdf_view(request, year: int):
    if not may_print(monitor_access(request.user)):
        raise PermissionDenied(_("De gedrukte monitor is er voor de NZa en voor zorgverzekeraars."))
    if not (ContractYear.objects.filter(year=year).exists()
            or MonitorSnapshot.objects.filter(year=year).exists()):
        raise Http404(_("Voor dit jaar is er geen monitor."))
    response = HttpResponse(monitor_pdf(printed_monitor(user=request.user, year=year)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="nza-monitor-{year}.pdf"'
    return response
