from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import is_nza_or_admin
from core.audit import audit_record
from core.errors import Forbidden, PortalError
from core.numbers import count, money

from ..models import ContractModule, Module, NzaMaxTariff, StandardContract, covering


def _check_not_below_published(module: Module, year: int, value: Decimal) -> None:
    """A maximum may not drop below a tariff that a published standard contract covering `year` pays for the
    module: practices signed (or are about to sign) that tariff, and lowering the maximum under it would make
    the signed contract exceed the NZa maximum without anyone being told."""
    above = list(
        covering(ContractModule.objects.filter(
            module=module, tariff__gt=value, standard_contract__status=StandardContract.Status.PUBLISHED,
        ), year, "standard_contract__")
        .select_related("standard_contract__insurer")
        .order_by("-tariff", "standard_contract__insurer__name", "standard_contract_id")
    )
    if not above:
        return
    lowest = above[0].tariff
    names = ", ".join(f"‘{cm.standard_contract.title}’ ({cm.standard_contract.insurer.name}, {money(cm.tariff)})"
                      for cm in above)
    raise PortalError(
        "nza_max_below_contract",
        ngettext("Het maximumtarief voor %(module)s in %(year)s kan niet lager worden dan %(lowest)s: het "
                 "gepubliceerde standaardcontract %(contracts)s heeft een hoger tarief.",
                 "Het maximumtarief voor %(module)s in %(year)s kan niet lager worden dan %(lowest)s: de "
                 "gepubliceerde standaardcontracten %(contracts)s hebben een hoger tarief.", len(above))
        % {"module": module.name, "year": year, "lowest": money(lowest), "contracts": names},
        fields={"max_tariff": [_("Ten minste %(lowest)s.") % {"lowest": money(lowest)}]},
        status=409,
    )


def nza_tariff_set(*, actor, module: Module, year: int, max_tariff) -> NzaMaxTariff:
    """Record the NZa maximum tariff of an S1 prestatie for a year (the NZa's tariefbeschikking).
    Only an NZa analyst or administrator (actor None: the system). Not below a tariff of a published standard
    contract covering the year. Setting the same value again changes nothing."""
    if actor is not None and not is_nza_or_admin(actor):
        raise Forbidden("not_nza", _("Alleen analisten van de NZa en beheerders stellen de maximumtarieven vast."))
    if not module.has_nza_max:
        raise PortalError("no_nza_max",
                          _("‘%(module)s’ heeft geen NZa-maximumtarief; het tarief is vrij.") % {"module": module.name})
    try:
        value = Decimal(str(max_tariff)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise PortalError("invalid_tariff", _("Vul het maximumtarief in als bedrag, bijvoorbeeld 17,50."),
                          fields={"max_tariff": [_("Ongeldig bedrag.")]})
    if value <= 0:
        raise PortalError("invalid_tariff", _("Een maximumtarief is groter dan € 0."),
                          fields={"max_tariff": [_("Moet groter zijn dan 0.")]})
    with transaction.atomic():
        tariff = NzaMaxTariff.objects.select_for_update().filter(module=module, year=year).first()
        if tariff is None or tariff.max_tariff != value:
            _check_not_below_published(module, year, value)
        tariff, created = NzaMaxTariff.objects.get_or_create(module=module, year=year,
                                                             defaults={"max_tariff": value})
        if created:
            audit_record(actor=actor, verb="contracting.nza_tariff.set", obj=tariff, after={"max_tariff": value})
        elif tariff.max_tariff != value:
            before = {"max_tariff": tariff.max_tariff}
            tariff.max_tariff = value
            tariff.save(update_fields=["max_tariff", "set_at"])
            audit_record(actor=actor, verb="contracting.nza_tariff.changed", obj=tariff, before=before,
                         after={"max_tariff": value})
    return tariff


def nza_tariffs_set(*, actor, year: int, values: dict[Module, object]) -> list[NzaMaxTariff]:
    """Set several NZa maximum tariffs of `year` at once (the NZa screen), all or nothing: each value is
    checked and applied as nza_tariff_set does, and if any is refused nothing is saved and one PortalError
    carries every refusal, per module code in `fields["max_tariffs"]`. The year's existing rows of these
    modules are locked first, in primary-key order (as standard_contract_publish locks them). Returns the
    tariffs that were created or changed."""
    if actor is not None and not is_nza_or_admin(actor):
        raise Forbidden("not_nza", _("Alleen analisten van de NZa en beheerders stellen de maximumtarieven vast."))
    modules = sorted(values, key=lambda module: module.pk)
    errors: dict[str, list[str]] = {}
    changed: list[NzaMaxTariff] = []
    with transaction.atomic():
        current = {row.module_id: row.max_tariff for row in NzaMaxTariff.objects.select_for_update()
                   .filter(year=year, module__in=modules).order_by("pk")}
        for module in modules:
            try:
                tariff = nza_tariff_set(actor=actor, module=module, year=year, max_tariff=values[module])
            except PortalError as exc:
                errors[module.code] = [exc.detail]
                continue
            if current.get(module.pk) != tariff.max_tariff:
                changed.append(tariff)
        if errors:
            # Raised inside the transaction: the tariffs applied before the refusal are rolled back.
            raise PortalError("nza_tariffs_refused",
                              ngettext("Er is niets opgeslagen: %(count)s maximumtarief is geweigerd.",
                                       "Er is niets opgeslagen: %(count)s maximumtarieven zijn geweigerd.",
                                       len(errors)) % {"count": count(len(errors))},
                              fields={"max_tariffs": errors})
    return changed


def module_catalogue_ensure() -> int:
    """Load the catalogue of nza-monitor-2019.md §1 (contracting/catalogue_data.py); existing modules are
    updated in place. Used by the data migrations and by tests after a database flush."""
    from ..catalogue_data import load
    from ..models import Component

    return load(Module, Component, ContractModule)
