"""The terms of a multi-year contract in force in one year of its term, with the indexation clause applied
(contracting.services.indexation states the rule: which tariffs move, rounding, the NZa maximum)."""

from decimal import ROUND_HALF_UP, Decimal

from ..models import ContractIndex, Indexation, Module, NzaMaxTariff, StandardContract

CENT = Decimal("0.01")


def applied_indices(contract: StandardContract, year: int) -> list[ContractIndex]:
    """The figures applied to `contract` for its later years up to `year`, in year order. One query."""
    return list(ContractIndex.objects.filter(standard_contract=contract, year__gt=contract.first_year,
                                             year__lte=year, applied_at__isnull=False).order_by("year"))


def index_figures(contract: StandardContract) -> list[ContractIndex]:
    """Every figure set for `contract`, applied or not, in year order (the contract pages list them)."""
    return list(ContractIndex.objects.filter(standard_contract=contract).order_by("year"))


def indexed_tariff(tariff: Decimal, figures: list[Decimal]) -> Decimal:
    """`tariff` moved by each year's figure in turn, rounded to whole cents after each year:
    €10.00 with 3.5% is €10.35, and with 2% the year after €10.56 (10.35 × 1.02 = 10.557)."""
    for figure in figures:
        tariff = (tariff * (1 + figure / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return tariff


def indexed_lines(contract: StandardContract, year: int, lines: list[dict]) -> list[dict]:
    """Module lines ({"code", "tariff", ...}: the signed content's, with the accepted addenda applied) as they
    are in force in `year`: copies with "tariff" indexed (a string, as in signed content), "base_tariff" the
    tariff before indexation, "indexed" whether it moved and "capped" whether the NZa maximum of `year` held
    it. A line whose tariff an addendum set ("tariff_changed_from") is indexed only by the figures of the years
    after that addendum's year: the new tariff was agreed for then. Lines of a contract without an indexation
    clause, or of its first year, come back unchanged. At most three queries."""
    result = [{**line, "base_tariff": line["tariff"], "indexed": False, "capped": False} for line in lines]
    if contract.indexation == Indexation.NONE or year <= contract.first_year:
        return result
    figures = [(index.year, index.percent) for index in applied_indices(contract, year) if index.percent]
    if not figures:
        return result
    codes = [line["code"] for line in lines]
    modules = {m.code: m for m in Module.objects.filter(code__in=codes)}
    maxima = dict(NzaMaxTariff.objects.filter(year=year, module__code__in=codes)
                  .values_list("module__code", "max_tariff"))
    for line in result:
        module = modules.get(line["code"])
        if module is None or (contract.indexation == Indexation.STAFF and not module.is_staff_costs):
            continue
        changed = line.get("tariff_changed_from")
        base_year = changed.year if changed is not None else contract.first_year
        base = Decimal(str(line["tariff"]))
        tariff = indexed_tariff(base, [figure for figure_year, figure in figures if figure_year > base_year])
        maximum = maxima.get(line["code"]) if module.has_nza_max else None
        if maximum is not None and tariff > maximum:
            tariff, line["capped"] = maximum, True
        line["tariff"], line["indexed"] = str(tariff), tariff != base
    return result


def terms_table(offer, signature) -> dict | None:
    """The module tariffs of a multi-year contract per year of its term as in force in each year
    (contract_terms: accepted addenda and indexation), and each later year's figure: for the offer page's
    "Tarieven per jaar". None for an unsigned offer or a one-year contract."""
    contract = offer.standard_contract
    if signature is None or contract.term_years == 1:
        return None
    from .addenda import contract_terms, offer_addenda

    years = list(contract.years)
    addenda = offer_addenda(offer)
    by_year = {year: contract_terms(offer, year, signature=signature, addenda=addenda) for year in years}
    rows = [{"name": line["name"], "code": line["code"],
             "cells": [by_year[year][i] for year in years]} for i, line in enumerate(signature.content["modules"])]
    figures = {index.year: index for index in index_figures(contract)}
    return {"years": years, "rows": rows, "indexation": contract.indexation,
            "indexation_label": Indexation(contract.indexation).label,
            "figures": [{"year": year, "index": figures.get(year)} for year in years[1:]]}
