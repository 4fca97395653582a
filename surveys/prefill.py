"""What the portal already knows of a template's answers: the figures that fill in an insurer's NZa
questionnaire (surveys.templates_data.nza_insurer.PREFILL names the figure of each question) from its signed
contracts and the requests it received.

`prefill_answers(survey, insurer=...)` returns {question code: value} for questions asked once and {question
code: {repeat key: value}} for questions asked per care group (the repeat key is the care group's id, as
Answer.repeat_key stores it). A value is what the respond form takes for the question's kind: an int for a number,
an option value for a single choice, a list of option values for a multiple choice, a str for a text. A figure the
portal does not know is left out, so the insurer fills it in itself.

Counts are over the contracts IN FORCE in the year (a multi-year contract signed earlier counts as continuing, as
the report counts "doorlopend uit 2018"): a holder's signed offer whose standard contract covers the year.
"""

from collections import defaultdict

from contracting.calendar import local_date
from contracting.models import ContractModule, ModuleChoice, Offer, Request, Signature, StandardContract, covering
from contracting.models.catalogue import Component, ComponentMode
from contracting.pricing import cap_hours_for
from providers.models import Practice

from .templates_data import PREFILL
from .templates_data.nza_insurer import KETEN_MODULES, KETENS, MODULES

DATE_FORMAT = "%d-%m-%Y"
HONOURED = (Request.Outcome.GRANTED, Request.Outcome.PARTLY)


def _signed_offers(insurer, year: int) -> tuple[list[tuple], list[tuple], dict[int, object]]:
    """(practice offers, care-group offers, their contracts by id) of `insurer`'s signed contracts in force in
    `year`; an offer as (id, holder id, standard contract id).

    One table per query, joined here: the demo seeds everything in one transaction, in which the planner has no
    statistics and would join these tables row by row."""
    contracts = {c.pk: c for c in covering(StandardContract.objects.filter(insurer=insurer), year)
                 .only("id", "first_year", "published_at")}
    practice_offers, care_group_offers = [], []
    for pk, practice_id, care_group_id, contract_id in (
            Offer.objects.filter(insurer=insurer, status=Offer.Status.SIGNED, standard_contract_id__in=list(contracts))
            .values_list("id", "practice_id", "care_group_id", "standard_contract_id").order_by("id")):
        if practice_id:
            practice_offers.append((pk, practice_id, contract_id))
        else:
            care_group_offers.append((pk, care_group_id, contract_id))
    return practice_offers, care_group_offers, contracts


def _module_figures(practice_offers: list[tuple], contracts: dict) -> dict[str, int]:
    """Per catalogue module of the questionnaire: in how many signed contracts it was chosen, and in how many of
    those fewer hours than the holder's cap (only for modules with a cap in hours: pricing.cap_hours_for)."""
    codes = [module for _code, module, _label in MODULES]
    contract_modules = {cm.pk: cm for cm in ContractModule.objects.filter(
        standard_contract_id__in=list(contracts), module__code__in=codes).select_related("module")}
    figures: dict[str, int] = {f"module_contracts:{code}": 0 for code in codes}
    if not contract_modules:
        return figures
    practice_of = {pk: practice_id for pk, practice_id, _contract in practice_offers}
    practices = Practice.objects.all()
    if len(practice_of) <= 900:  # else every practice: no parameter list past SQLite's limit
        practices = practices.filter(pk__in=set(practice_of.values()))
    patients = dict(practices.values_list("id", "registered_patients"))
    below: dict[str, int] = {}
    for offer_id, cm_id, hours in (ModuleChoice.objects.filter(contract_module_id__in=list(contract_modules))
                                   .values_list("offer_id", "contract_module_id", "hours")
                                   .iterator(chunk_size=5_000)):
        if offer_id not in practice_of:
            continue
        cm = contract_modules[cm_id]
        code = cm.module.code
        figures[f"module_contracts:{code}"] += 1
        cap = cap_hours_for(cm, patients.get(practice_of[offer_id]) or 0)
        if cap is not None and hours is not None:
            below[code] = below.get(code, 0) + (1 if hours < cap else 0)
    figures |= {f"module_below_max:{code}": n for code, n in below.items()}
    return figures


def _care_group_figures(care_group_offers: list[tuple], contracts: dict) -> dict[str, dict[str, object]]:
    """Per signed care-group contract: its ketens, their components, the inclusieplafond, the offer and signing
    dates; keyed by figure, then by care group id."""
    keten_of_module = {module: keten for keten, module in KETEN_MODULES.items()}
    keten_labels = {o["value"]: o["label"] for o in KETENS}
    signed_at = dict(Signature.objects.filter(offer_id__in=[pk for pk, _g, _c in care_group_offers])
                     .values_list("offer_id", "signed_at"))
    lines = defaultdict(list)
    for cm in (ContractModule.objects.filter(standard_contract_id__in=[c for _o, _g, c in care_group_offers],
                                             module__code__in=keten_of_module)
               .select_related("module").order_by("standard_contract_id", "module__sort_order")):
        lines[cm.standard_contract_id].append(cm)
    components = list(Component.objects.order_by("sort_order", "name").values_list("code", "name"))
    figures: dict[str, dict[str, object]] = defaultdict(dict)
    for offer_id, care_group_id, contract_id in care_group_offers:
        key = str(care_group_id)
        modules = lines[contract_id]
        ketens = [keten_of_module[cm.module.code] for cm in modules]
        figures["care_group_ketens"][key] = ketens
        parts = []
        for cm, keten in zip(modules, ketens, strict=True):
            modes = cm.components or {}
            integral = [name for code, name in components if modes.get(code) == ComponentMode.INTEGRAL]
            if integral:
                parts.append(f"{keten_labels[keten]}: {', '.join(integral)}")
        if parts:
            figures["care_group_keten_components"][key] = "; ".join(parts)
        if modules:
            ceiling = any(cm.inclusion_ceiling_percent is not None for cm in modules)
            figures["care_group_inclusion_ceiling"][key] = "ja" if ceiling else "nee"
        # The offer is made when its contract is published (for a care group: when the terms were agreed).
        figures["care_group_offered_on"][key] = local_date(contracts[contract_id].published_at).strftime(DATE_FORMAT)
        figures["care_group_signed_on"][key] = local_date(signed_at[offer_id]).strftime(DATE_FORMAT)
    return figures


def nza_insurer_figures(*, insurer, year: int) -> dict:
    """Every figure the NZa insurer questionnaire of `year` can be filled in with, for `insurer`."""
    practice_offers, care_group_offers, contracts = _signed_offers(insurer, year)
    maatwerk = Request.objects.filter(insurer=insurer, kind=Request.Kind.MAATWERK, year=year)
    return {
        "practice_contracts_new": sum(1 for _o, _p, c in practice_offers if contracts[c].first_year == year),
        "practice_contracts_continuing": sum(1 for _o, _p, c in practice_offers if contracts[c].first_year < year),
        "care_group_contracts": len(care_group_offers),
        **_module_figures(practice_offers, contracts),
        "maatwerk_requests": maatwerk.count(),
        "maatwerk_honoured": maatwerk.filter(outcome__in=HONOURED).count(),
        **_care_group_figures(care_group_offers, contracts),
    }


FIGURES = {"nza-insurer": nza_insurer_figures}


def prefill_answers(survey, *, insurer) -> dict:
    """The answers the portal fills in for `insurer` on `survey` (a survey made from a template with figures;
    {} for any other)."""
    mapping = PREFILL.get(survey.template)
    if not mapping or insurer is None:
        return {}
    figures = FIGURES[survey.template](insurer=insurer, year=survey.year)
    return {code: figures[name] for code, name in mapping.items() if name in figures}
