"""Caps, hours and estimated amounts of contract modules for a holder: pure arithmetic, no queries.

The one home of these rules: the module menu's live estimate, the validation of a choice, the signed content
and the insurer's preview all call the functions here, so the amount a practice sees is the amount it signs."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import hours as hours_text
from core.numbers import money, plural_n

from .models import CapRule, ContractModule, Unit

TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def cap_hours_for(contract_module: ContractModule, registered_patients: int) -> Decimal | None:
    """Maximum hours a week this holder may contract, e.g. POH-GGZ: 12 hours per 2,350 patients, so 15.8
    hours for 3,100 patients (rounded down to a tenth, so the cap is never exceeded). None: no cap."""
    module = contract_module.module
    return cap_hours(cap_rule=module.cap_rule, cap_patients=module.cap_patients,
                     per_norm=contract_module.cap_hours if contract_module.cap_hours is not None
                     else module.cap_hours_max, registered_patients=registered_patients)


def cap_hours(*, cap_rule: str, cap_patients: int | None, per_norm, registered_patients: int) -> Decimal | None:
    """The cap rule on plain values (the contract's hours per norm practice, else the catalogue's maximum),
    for reads that fetched them in bulk (the monitor's module uptake): the same figure as cap_hours_for."""
    if cap_rule != CapRule.HOURS_PER_PATIENTS or not cap_patients or per_norm is None:
        return None
    return (Decimal(per_norm) * registered_patients / cap_patients).quantize(TENTH, rounding=ROUND_DOWN)


QUARTERS = 4


def keten_amount(tariff: Decimal, expected_patients: int) -> Decimal:
    """Ketenzorg for a year: the tariff per patient in the keten per quarter × the expected keten patients ×
    4 quarters (e.g. € 45,00 × 1.200 × 4 = € 216.000,00)."""
    return (Decimal(tariff) * expected_patients * QUARTERS).quantize(CENT, rounding=ROUND_HALF_UP)


def oi_amount(tariff: Decimal, population: int, lumpsum: Decimal | None = None,
              staffel_from: int | None = None) -> Decimal:
    """O&I for a year in the lumpsum-plus-staffel form (segments-oi-oth.md §2.4): a basisbedrag for a minimal
    scale plus the tariff per ingeschreven verzekerde above it. Without a lumpsum and a scale: the tariff per
    ingeschreven verzekerde. E.g. € 20.000 + € 2,50 × (25.000 − 10.000) = € 57.500,00."""
    above = max(0, population - (staffel_from or 0))
    return (Decimal(lumpsum or 0) + Decimal(tariff) * above).quantize(CENT, rounding=ROUND_HALF_UP)


def estimated_amount(contract_module: ContractModule, patients: int,
                     hours: Decimal | None) -> Decimal | None:
    """The estimated yearly amount of one module for `patients` (amount_base: the insurer's own insured among
    the registered patients when known), or None where it depends on production (consults, verrichtingen),
    which the portal cannot know in advance. For a care group `patients` is its population (the member
    practices' registered patients, or the insurer's insured among them); ketenzorg counts the expected keten
    patients. Hour and per-practice modules do not depend on the number of patients."""
    tariff = contract_module.tariff
    unit = contract_module.module.unit
    if unit == Unit.PER_KETEN_PATIENT_QUARTER:
        if contract_module.expected_patients is None:
            return None
        return keten_amount(tariff, contract_module.expected_patients)
    if unit == Unit.PER_INSURED_YEAR:
        return oi_amount(tariff, patients, contract_module.lumpsum, contract_module.staffel_from)
    if unit == Unit.LUMPSUM_YEAR:
        return Decimal(tariff).quantize(CENT, rounding=ROUND_HALF_UP)
    if unit == Unit.PER_PATIENT_QUARTER:
        amount = tariff * patients * 4
    elif unit == Unit.PER_PATIENT_YEAR:
        amount = tariff * patients
    elif unit == Unit.PER_WEEKLY_HOUR_YEAR:
        amount = tariff * (hours or 0)
    elif unit == Unit.PER_PRACTICE_YEAR:
        amount = tariff
    else:
        return None
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def amount_base(registered_patients: int, insured: int | None) -> int:
    """The patients an insurer's estimate counts: its own insured among the holder's registered patients where
    that number is stored (an insurer pays per-patient modules for its own insured only), otherwise all
    registered patients, which the pages then say. Caps stay on the registered patients: a POH-GGZ of 12
    hours per 2,350 patients serves the whole practice."""
    return registered_patients if insured is None else insured


# The catalogue's POH-S module (praktijkondersteuning somatiek), whose fee depends on the practice's arrangement
# with its care group.
POHS_CODE = "poh-s"


@dataclass(frozen=True)
class PohsTerms:
    """A practice's POH-S arrangement with its care group (models.PohsArrangement), as plain data."""

    variant: str  # models.PohsVariant
    care_group: str  # its name, for the note
    care_group_amount: Decimal | None = None  # the hybrid variant: what the care group pays a year


def pohs_net(gross: Decimal | None, terms: PohsTerms | None) -> Decimal | None:
    """The practice's POH-S module amount net of what its care group pays (NZa monitor 2019, three variants):
    all of POH-S in the ketenzorg tariffs (in_ketenzorg): nothing in the practice's contract, 0; the care group
    paid only for overhead (via_praktijk): the whole module; the module as a supplement to the ketenzorg
    (aanvulling): the module less the care group's amount, never below 0. No arrangement: the whole module."""
    if gross is None or terms is None or terms.variant == "via_praktijk":
        return gross
    if terms.variant == "in_ketenzorg":
        return Decimal("0.00")
    return max(gross - (terms.care_group_amount or 0), Decimal("0.00")).quantize(CENT, rounding=ROUND_HALF_UP)


def pohs_terms_of(data: dict | None) -> PohsTerms | None:
    """PohsTerms from the plain dict a signature's holder records (holder_data's "pohs")."""
    if not data:
        return None
    amount = data.get("care_group_amount")
    return PohsTerms(variant=data["variant"], care_group=data.get("care_group", ""),
                     care_group_amount=Decimal(amount) if amount is not None else None)


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


@dataclass(frozen=True)
class HoursCheck:
    """Hours a week for one hour-based module, as typed, checked against this holder's cap."""

    hours: Decimal | None  # stored and priced: rounded to a tenth, as shown; None when missing or over the cap
    cap: Decimal | None
    problem: str | None = None  # "missing" or "over_cap"
    typed: Decimal | None = None


def check_hours(contract_module: ContractModule, registered_patients: int, raw) -> HoursCheck:
    """The hours typed for an hour-based module: a positive number at most the cap (compared as typed, so
    15.84 is over a cap of 15.8), then rounded to a tenth, the precision of caps and of the signed content."""
    cap = cap_hours_for(contract_module, registered_patients)
    typed = parse_hours(raw)
    if typed is None:
        return HoursCheck(hours=None, cap=cap, problem="missing")
    if cap is not None and typed > cap:
        return HoursCheck(hours=None, cap=cap, problem="over_cap", typed=typed)
    return HoursCheck(hours=typed.quantize(TENTH, rounding=ROUND_HALF_UP), cap=cap, typed=typed)


def pohs_note(gross: Decimal, net: Decimal, terms: PohsTerms) -> str:
    """What the estimate says next to a POH-S line under an arrangement with the care group."""
    if terms.variant == "in_ketenzorg":
        return _("Geheel via de ketenzorg van %(care_group)s: geen aparte vergoeding in dit contract "
                 "(bruto %(gross)s).") % {"care_group": terms.care_group, "gross": money(gross)}
    if terms.variant == "via_praktijk":
        return _("Via dit contract; %(care_group)s wordt alleen voor de overhead vergoed.") % {
            "care_group": terms.care_group}
    return _("Bruto %(gross)s, min %(paid)s die u via %(care_group)s voor POH-S ontvangt.") % {
        "gross": money(gross), "paid": money(terms.care_group_amount or 0), "care_group": terms.care_group}


@dataclass
class EstimateLine:
    name: str
    hours: Decimal | None
    amount: Decimal | None  # None: not counted (depends on production, or the hours are not usable)
    note: str = ""
    gross: Decimal | None = None  # POH-S: the module before what the care group pays (amount is net)


@dataclass
class Estimate:
    lines: list[EstimateLine]
    total: Decimal
    patients: int  # registered patients (the caps)
    insured: int | None = None  # the insurer's own insured among them; None: not stored, all patients counted

    @property
    def counted(self) -> int:
        return amount_base(self.patients, self.insured)


def estimate(contract_modules: list[ContractModule], patients: int, ticked: set[str],
             hours_inputs: dict[str, str], *, insured: int | None = None, pohs: PohsTerms | None = None) -> Estimate:
    """The estimated yearly amount per ticked module and in total, by the same rules as the signed content
    (check_hours, estimated_amount): caps on the `patients` registered, amounts on the insurer's own
    `insured` among them when known (amount_base). Unusable hours are said next to the module instead of
    counted; a mandatory hour module left empty counts at the holder's cap, as signing fills it in."""
    counted = amount_base(patients, insured)
    lines, total = [], Decimal("0.00")
    for cm in contract_modules:
        code = cm.module.code
        if code not in ticked:
            continue
        hours = None
        if needs_hours(cm):
            raw = hours_inputs.get(code, "")
            if cm.mandatory and not raw:
                raw = cap_hours_for(cm, patients)
            check = check_hours(cm, patients, raw)
            if check.problem == "missing":
                lines.append(EstimateLine(cm.module.name, None, None, _("Vul het aantal uren per week in.")))
                continue
            if check.problem == "over_cap":
                lines.append(EstimateLine(cm.module.name, check.typed, None, ngettext(
                    "Meer dan het plafond van %(cap)s uur per week; niet meegeteld.",
                    "Meer dan het plafond van %(cap)s uur per week; niet meegeteld.", plural_n(check.cap)) % {
                    "cap": hours_text(check.cap)}))
                continue
            hours = check.hours
        amount = estimated_amount(cm, counted, hours)
        if amount is None:
            lines.append(EstimateLine(cm.module.name, hours, None,
                                      _("Hangt af van het aantal consulten of verrichtingen.")))
            continue
        if code == POHS_CODE and pohs is not None:
            net = pohs_net(amount, pohs)
            total += net
            lines.append(EstimateLine(cm.module.name, hours, net, pohs_note(amount, net, pohs), gross=amount))
            continue
        total += amount
        lines.append(EstimateLine(cm.module.name, hours, amount))
    return Estimate(lines=lines, total=total, patients=patients, insured=insured)


@dataclass
class TermsEstimate:
    """The yearly amounts of a negotiation step's terms: per programme and O&I line (by code), the ketenzorg
    estimate (keten programmes only), and the total."""

    lines: dict[str, Decimal]
    ketenzorg: Decimal
    oi: Decimal
    total: Decimal


def terms_estimate(terms: dict, population: int) -> TermsEstimate:
    """The estimate of parsed negotiation terms (services.negotiation.parse_terms) for a care group of
    `population`: keten programmes by keten_amount, overhead programmes as their yearly amount, O&I by
    oi_amount. The same formulas as estimated_amount, so the agreed terms and the signed contract agree."""
    lines: dict[str, Decimal] = {}
    ketenzorg = oi = Decimal("0.00")
    for p in terms.get("programmes", []):
        if p.get("expected_patients") is not None:
            amount = keten_amount(Decimal(p["tariff"]), p["expected_patients"])
            ketenzorg += amount
        else:
            amount = Decimal(p["tariff"]).quantize(CENT, rounding=ROUND_HALF_UP)
        lines[p["code"]] = amount
    for line in terms.get("oi", []):
        amount = oi_amount(Decimal(line["tariff"]), population,
                           Decimal(line["lumpsum"]) if line.get("lumpsum") is not None else None,
                           line.get("staffel_from"))
        lines[line["code"]] = amount
        oi += amount
    other = sum((v for k, v in lines.items()), Decimal("0.00"))
    return TermsEstimate(lines=lines, ketenzorg=ketenzorg, oi=oi, total=other)
