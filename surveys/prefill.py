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
from contracting.models import ContractModule, ModuleChoice, Offer, Request, covering
from contracting.models.catalogue import Component, ComponentMode
from contracting.pricing import cap_hours_for

from .templates_data import PREFILL
from .templates_data.nza_insurer import KETEN_MODULES, KETENS, MODULES

DATE_FORMAT = "%d-%m-%Y"
HONOURED = (Request.Outcome.GRANTED, Request.Outcome.PARTLY)


def _signed(insurer, year: int):
    return covering(Offer.objects.filter(insurer=insurer, status=Offer.Status.SIGNED), year, "standard_contract__")


def _module_figures(practice_offers) -> dict[str, int]:
    """Per catalogue module of the questionnaire: in how many signed contracts it was chosen, and in how many of
    those fewer hours than the holder's cap (only for modules with a cap in hours: pricing.cap_hours_for)."""
    codes = [module for _code, module, _label in MODULES]
    rows = (ModuleChoice.objects.filter(offer__in=practice_offers, contract_module__module__code__in=codes)
            .values_list("contract_module_id", "hours", "offer__practice__registered_patients"))
    contract_modules = {}
    figures: dict[str, int] = defaultdict(int)
    below: dict[str, int] = {}
    for cm_id, hours, patients in rows.iterator(chunk_size=5_000):
        cm = contract_modules.get(cm_id)
        if cm is None:
            cm = contract_modules[cm_id] = ContractModule.objects.select_related("module").get(pk=cm_id)
        code = cm.module.code
        figures[f"module_contracts:{code}"] += 1
        cap = cap_hours_for(cm, patients or 0)
        if cap is not None and hours is not None:
            below[code] = below.get(code, 0) + (1 if hours < cap else 0)
    for code in codes:
        figures.setdefault(f"module_contracts:{code}", 0)
        if code in below:
            figures[f"module_below_max:{code}"] = below[code]
    return dict(figures)


def _care_group_figures(care_group_offers) -> dict[str, dict[str, object]]:
    """Per signed care-group contract: its ketens, their components, the inclusieplafond, the offer and signing
    dates; keyed by figure, then by care group id."""
    keten_of_module = {module: keten for keten, module in KETEN_MODULES.items()}
    keten_labels = {o["value"]: o["label"] for o in KETENS}
    offers = list(care_group_offers.select_related("signature", "standard_contract").only(
        "id", "care_group_id", "standard_contract_id", "standard_contract__published_at", "signature__signed_at"))
    lines = defaultdict(list)
    for cm in (ContractModule.objects.filter(standard_contract__in={o.standard_contract_id for o in offers},
                                             module__code__in=keten_of_module)
               .select_related("module").order_by("standard_contract_id", "module__sort_order")):
        lines[cm.standard_contract_id].append(cm)
    components = list(Component.objects.order_by("sort_order", "name").values_list("code", "name"))
    figures: dict[str, dict[str, object]] = defaultdict(dict)
    for offer in offers:
        key = str(offer.care_group_id)
        modules = lines[offer.standard_contract_id]
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
        figures["care_group_offered_on"][key] = local_date(offer.standard_contract.published_at).strftime(DATE_FORMAT)
        figures["care_group_signed_on"][key] = local_date(offer.signature.signed_at).strftime(DATE_FORMAT)
    return figures


def nza_insurer_figures(*, insurer, year: int) -> dict:
    """Every figure the NZa insurer questionnaire of `year` can be filled in with, for `insurer`."""
    signed = _signed(insurer, year)
    practice_offers = signed.filter(practice__isnull=False)
    care_group_offers = signed.filter(care_group__isnull=False)
    maatwerk = Request.objects.filter(insurer=insurer, kind=Request.Kind.MAATWERK, year=year)
    return {
        "practice_contracts_new": practice_offers.filter(standard_contract__first_year=year).count(),
        "practice_contracts_continuing": practice_offers.filter(standard_contract__first_year__lt=year).count(),
        "care_group_contracts": care_group_offers.count(),
        **_module_figures(practice_offers),
        "maatwerk_requests": maatwerk.count(),
        "maatwerk_honoured": maatwerk.filter(outcome__in=HONOURED).count(),
        **_care_group_figures(care_group_offers),
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
