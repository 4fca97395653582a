"""The indexation clause of a multi-year contract: the insurer's index figure for each later year of the term,
applied once at the start of that year by the deadline engine, with a notice to every holder of the contract.

Who sets the figure, and until when (a product decision; the GCP text says nothing of indexation): a purchaser
of the contract's insurer, for a later year Y of the term, until the definitive offers for Y are due (15
September of Y-1 for practice contracts, 15 July for care-group contracts; the milestone named by
selectors.offers_deadline_kind). GCP makes the terms of year Y known by then, before signing opens on
1 October, so a holder knows the tariffs of Y as early as a holder that signs anew. A figure can be changed until
that deadline and never after; a year without a figure set by then is indexed by 0% (the tariffs stay).

The figure is applied at 00:00 on 1 January of Y (the contract_year_start milestone of contract year Y; its
effect contracting.indexation.apply runs exactly once, with the milestone's moment as the effective time, also
when the sweep catches up after downtime). Only an applied figure moves the terms in force
(selectors.indexation.indexed_lines): an indexation clause "staff costs only" moves the tariffs of the staff
modules (Module.is_staff_costs: POH-GGZ, POH-S, praktijkmanagement), "all components" every tariff. Each
year's tariff is rounded to whole cents and the next year's figure applies to that rounded tariff, as a tariff
table would state it; a module with an NZa maximum is never indexed above that year's maximum."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.notices import N_, day, label, percent
from core.audit import audit_record
from core.errors import ConflictError, PortalError

from ..access import require_insurer_purchaser
from ..calendar import last_day, local_date
from ..models import ContractIndex, Indexation, Milestone, Offer, StandardContract, covering
from ..selectors import offers_deadline_kind

INDEX_LOW, INDEX_HIGH = Decimal("-20"), Decimal("20")


def later_year_deadline(contract: StandardContract, year: int) -> Milestone | None:
    """The milestone until which the terms of a later year `year` of a running contract can still change (an
    index figure set, an adjustment proposed): the definitive offers of contract year `year` for the
    contract's kind of holder (None: the year has no calendar yet)."""
    return (Milestone.objects.filter(contract_year__year=year, kind=offers_deadline_kind(contract.holder_kind))
            .first())


def _percent(value) -> Decimal:
    try:
        figure = Decimal(str(value).strip().replace(",", ".").rstrip("%").strip())
    except (InvalidOperation, ValueError):
        figure = None
    if figure is None or not figure.is_finite():
        raise PortalError("invalid_index", _("Vul een indexcijfer in procenten in, bijvoorbeeld 3,5."),
                          fields={"percent": [_("Ongeldig getal.")]})
    if not INDEX_LOW <= figure <= INDEX_HIGH:  # before quantize: '1e30' has more digits than a context holds
        raise PortalError("invalid_index", _("Een indexcijfer ligt tussen -20% en 20%."),
                          fields={"percent": [_("Tussen -20 en 20.")]})
    if figure != figure.quantize(Decimal("0.01")):
        raise PortalError("invalid_index", _("Een indexcijfer heeft ten hoogste twee decimalen."),
                          fields={"percent": [_("Ten hoogste twee decimalen.")]})
    return figure


def contract_index_set(*, actor, contract: StandardContract, year: int, percent_value, now: datetime | None = None
                       ) -> ContractIndex:
    """Set (or change) the index figure of `contract` for `year`. Only a purchaser of the contract's insurer;
    only a published contract with an indexation clause; only a later year of its term; only until the year's
    definitive offers are due (module docstring). Setting the same figure again changes nothing."""
    require_insurer_purchaser(actor, contract.insurer_id)
    now = now or timezone.now()
    figure = _percent(percent_value)
    if contract.status != StandardContract.Status.PUBLISHED:
        raise ConflictError("contract_not_published", _("Een indexcijfer hoort bij een gepubliceerd contract."))
    if contract.indexation == Indexation.NONE:
        raise ConflictError("no_indexation_clause", _("Dit contract heeft geen indexatieclausule."))
    if not (contract.first_year < year <= contract.last_year):
        raise PortalError("year_outside_term",
                          _("Een indexcijfer geldt voor een later jaar van de looptijd: %(first)s tot en met "
                            "%(last)s.") % {"first": contract.first_year + 1, "last": contract.last_year},
                          fields={"year": [_("Kies een later jaar van de looptijd.")]})
    deadline = later_year_deadline(contract, year)
    if deadline is None:
        raise ConflictError("no_contract_year", _("Contractjaar %(year)s heeft nog geen kalender.") % {"year": year})
    if now >= deadline.due_at:
        raise ConflictError("index_deadline_passed",
                            _("Het indexcijfer voor %(year)s kon tot en met %(day)s worden vastgesteld.")
                            % {"year": year, "day": formats.date_format(last_day(deadline.due_at), "j F Y")})
    with transaction.atomic():
        StandardContract.objects.select_for_update().filter(pk=contract.pk).first()
        existing = ContractIndex.objects.filter(standard_contract=contract, year=year).first()
        if existing is not None and existing.percent == figure:
            return existing
        if existing is not None and existing.applied_at is not None:  # cannot happen before the deadline
            raise ConflictError("index_applied", _("Dit indexcijfer is al toegepast."))
        before = {"percent": existing.percent} if existing else {}
        if existing is None:
            existing = ContractIndex.objects.create(standard_contract=contract, year=year, percent=figure,
                                                    set_by=actor, set_at=now)
        else:
            existing.percent, existing.set_by, existing.set_at = figure, actor, now
            existing.save(update_fields=["percent", "set_by", "set_at"])
        audit_record(actor=actor, verb="contracting.contract_index.set", obj=contract, before=before,
                     after={"year": year, "percent": figure})
    return existing


def indexation_notice_key(index_id: int) -> str:
    return f"indexation:{index_id}"


def indexations_apply(*, year: int, effective_at: datetime) -> dict:
    """The start of contract year `year` (the contract_year_start milestone's effect): every published
    multi-year contract with an indexation clause that covers `year` as a later year of its term gets its
    figure for `year` applied (a 0% figure recorded when none was set), and every member of each holder that
    signed it is told once. Safe to repeat: an applied figure is not applied again."""
    contracts = list(covering(StandardContract.objects.filter(
        status=StandardContract.Status.PUBLISHED, first_year__lt=year).exclude(indexation=Indexation.NONE), year)
        .select_related("insurer").order_by("pk"))
    applied = notified = 0
    for contract in contracts:
        index, _created = ContractIndex.objects.select_for_update().get_or_create(
            standard_contract=contract, year=year,
            defaults={"percent": Decimal("0"), "set_by": None, "set_at": effective_at})
        if index.applied_at is not None:
            continue
        index.applied_at = effective_at
        index.save(update_fields=["applied_at"])
        audit_record(actor=None, verb="contracting.contract_index.applied", obj=contract,
                     after={"year": year, "percent": index.percent, "effective_at": effective_at})
        applied += 1
        notified += _notify_holders(contract, index)
    return {"applied": applied, "notified": notified}


def _notify_holders(contract: StandardContract, index: ContractIndex) -> int:
    from accounts.models import Membership
    from accounts.services import notify_users

    signed = Offer.objects.filter(standard_contract=contract, status=Offer.Status.SIGNED)
    users = Membership.objects.filter(practice__in=signed.filter(practice__isnull=False).values("practice")) | \
        Membership.objects.filter(care_group__in=signed.filter(care_group__isnull=False).values("care_group"))
    if index.percent:
        body = N_("Vanaf %(day)s zijn de tarieven van ‘%(contract)s’ van %(insurer)s geïndexeerd met "
                  "%(percent)s (%(scope)s), volgens de indexatieclausule van uw meerjarencontract. U hoeft niets te "
                  "doen; de geldende tarieven staan bij het contract in het portaal.")
    else:
        body = N_("Vanaf %(day)s gelden de tarieven van ‘%(contract)s’ van %(insurer)s ongewijzigd: %(insurer)s "
                  "heeft voor %(year)s geen indexcijfer vastgesteld (%(scope)s).")
    return notify_users(
        user_ids=users.values_list("user_id", flat=True).distinct(), key=indexation_notice_key(index.pk),
        subject=N_("Indexatie %(year)s: %(contract)s"), body=body,
        params={"year": index.year, "contract": contract.title, "insurer": contract.insurer.name,
                "percent": percent(index.percent), "scope": label(Indexation(contract.indexation).label),
                "day": day(local_date(index.applied_at))},
        url=f"{reverse('offers:list')}?jaar={index.year}")
