"""Caps and estimated amounts of contract modules for a holder: pure arithmetic, no queries."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from .models import CapRule, ContractModule, Unit

TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def cap_hours_for(contract_module: ContractModule, registered_patients: int) -> Decimal | None:
    """Maximum hours a week this holder may contract, e.g. POH-GGZ: 12 hours per 2,350 patients, so 15.8
    hours for 3,100 patients (rounded down to a tenth, so the cap is never exceeded). None: no cap."""
    module = contract_module.module
    if module.cap_rule != CapRule.HOURS_PER_PATIENTS or not module.cap_patients:
        return None
    per_norm = contract_module.cap_hours if contract_module.cap_hours is not None else module.cap_hours_max
    return (Decimal(per_norm) * registered_patients / module.cap_patients).quantize(TENTH, rounding=ROUND_DOWN)


def estimated_amount(contract_module: ContractModule, registered_patients: int,
                     hours: Decimal | None) -> Decimal | None:
    """The estimated yearly amount of one module, or None where it depends on production (consults,
    verrichtingen), which the portal cannot know in advance."""
    tariff = contract_module.tariff
    unit = contract_module.module.unit
    if unit == Unit.PER_PATIENT_QUARTER:
        amount = tariff * registered_patients * 4
    elif unit == Unit.PER_PATIENT_YEAR:
        amount = tariff * registered_patients
    elif unit == Unit.PER_WEEKLY_HOUR_YEAR:
        amount = tariff * (hours or 0)
    elif unit == Unit.PER_PRACTICE_YEAR:
        amount = tariff
    else:
        return None
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def needs_hours(contract_module: ContractModule) -> bool:
    return contract_module.module.unit == Unit.PER_WEEKLY_HOUR_YEAR


def parse_hours(raw) -> Decimal | None:
    """Hours a week as typed ("7,5", "7.5", 7.5); None for nothing, text, NaN/infinity or zero and less."""
    if raw in (None, ""):
        return None
    try:
        hours = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours <= 0:
        return None
    return hours
