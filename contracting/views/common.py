"""What the purchaser and NZa screens share: who acts for which insurer, which year is shown, and where a
service's message goes on a form."""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import memberships_of
from core.errors import PortalError
from core.params import parse_id
from insurers.models import Insurer

from ..calendar import local_date
from ..models import ContractYear
from ..selectors import contract_year_current

SESSION_INSURER_KEY = "purchasing_insurer_id"


@dataclass(frozen=True)
class PurchaserScope:
    insurer: Insurer  # the insurer the user acts for on this request
    insurers: tuple[Insurer, ...]  # every insurer the user is a purchaser of

    @property
    def insurer_ids(self) -> set[int]:
        return {i.pk for i in self.insurers}


def purchaser_scope(request) -> PurchaserScope:
    """The user's purchaser memberships, and the one chosen with ?insurer=<id> (remembered in the session so
    the choice survives navigation; default the first). An id that is not theirs is not found."""
    insurers: dict[int, Insurer] = {}
    for membership in memberships_of(request.user):
        if membership.role == Role.INSURER_PURCHASER:
            insurers.setdefault(membership.insurer_id, membership.insurer)
    if not insurers:
        raise PermissionDenied(_("Deze pagina's zijn voor zorginkopers van een zorgverzekeraar. "
                                 "U heeft geen rol als zorginkoper."))
    raw = request.GET.get("insurer")
    if raw is not None:
        chosen = insurers.get(parse_id(raw))
        if chosen is None:
            raise Http404(_("Deze zorgverzekeraar bestaat niet of u bent er geen zorginkoper van."))
        if request.session.get(SESSION_INSURER_KEY) != chosen.pk:
            request.session[SESSION_INSURER_KEY] = chosen.pk
    else:
        chosen = insurers.get(request.session.get(SESSION_INSURER_KEY)) or next(iter(insurers.values()))
    return PurchaserScope(insurer=chosen, insurers=tuple(insurers.values()))


def purchaser_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        return view(request, purchaser_scope(request), *args, **kwargs)

    return wrapper


def purchaser_object_required(view):
    """For the page of one object (a contract, a policy version, a question, a follow request): to someone who is
    not a purchaser at all, the object is outside their scope like another insurer's, so a 404, not a 403."""
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        try:
            scope = purchaser_scope(request)
        except PermissionDenied:
            raise Http404(_("Deze pagina bestaat niet, of is niet voor u zichtbaar.")) from None
        return view(request, scope, *args, **kwargs)

    return wrapper


def reader_object_required(view):
    """For the purchaser's read-only pages of a published policy version or standard contract, which an
    overlegteam member of that insurer may read too: a purchaser gets its scope as with purchaser_object_required;
    an overlegteam member gets scope None (the page shows no purchaser navigation or edit links, and the view
    finds its object among what contracting.access lets the user read); anyone else a 404."""
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        try:
            scope = purchaser_scope(request)
        except PermissionDenied:
            if not any(m.role == Role.OTH_MEMBER for m in memberships_of(request.user)):
                raise Http404(_("Deze pagina bestaat niet, of is niet voor u zichtbaar.")) from None
            scope = None
        return view(request, scope, *args, **kwargs)

    return wrapper


def chosen_year(request, now: datetime) -> tuple[int, list[int]]:
    """?year=<n>, else the current contract year, else next calendar year; and the years that exist."""
    years = list(ContractYear.objects.order_by("year").values_list("year", flat=True))
    year = parse_id(request.GET.get("year", ""))
    if year is not None and 2000 <= year <= 2100:
        return year, years
    current = contract_year_current(now)
    return (current.year if current else local_date(now).year + 1), years


def place_error(form, exc: PortalError) -> None:
    """Show a service's message beside the field it concerns, or above the form."""
    field = next((name for name in exc.fields if name in form.fields), None)
    form.add_error(field, exc.detail)
