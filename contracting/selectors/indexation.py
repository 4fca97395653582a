"""The terms of a multi-year contract in force in one year of its term, with the indexation clause applied
(contracting.services.indexation states the rule: which tariffs move, rounding, the NZa maximum)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Subquery

from ..models import ContractIndex, ContractModule, Indexation, Module, NzaMaxTariff, StandardContract
from .figures import contracts_in_force, holder_kind

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
        if module is None:
            continue
        changed = line.get("tariff_changed_from")
        base = Decimal(str(line["tariff"]))
        tariff, line["capped"] = index_line(
            base, contract=contract, is_staff_costs=module.is_staff_costs, figures=figures,
            base_year=changed.year if changed is not None else contract.first_year,
            maximum=maxima.get(line["code"]) if module.has_nza_max else None)
        line["tariff"], line["indexed"] = str(tariff), tariff != base
    return result


def index_line(base: Decimal, *, contract: StandardContract, is_staff_costs: bool,
               figures: list[tuple[int, Decimal]], base_year: int, maximum: Decimal | None) -> tuple[Decimal, bool]:
    """One tariff of `contract` moved by its clause: by the applied `figures` ((year, percent), in year order)
    of the years after `base_year`, only for staff costs under a "staff costs only" clause, held at the NZa
    `maximum` of the year when there is one. Returns (tariff, capped). Pure: indexed_lines and the monitor's
    batched read (prestatie_tariffs_in_force) share it."""
    if contract.indexation == Indexation.NONE or (contract.indexation == Indexation.STAFF and not is_staff_costs):
        return base, False
    tariff = indexed_tariff(base, [figure for figure_year, figure in figures if figure_year > base_year and figure])
    if maximum is not None and tariff > maximum:
        return maximum, True
    return tariff, False


def indexation_in_year(year: int) -> list[dict]:
    """Contracts in force in `year` that started earlier (continuing: the only ones an indexation clause
    moves in `year`), per insurer, holder kind, indexation clause and the
    figure applied for `year` (None: none applied). One query."""
    figure = (ContractIndex.objects.filter(standard_contract=OuterRef("standard_contract_id"), year=year,
                                           applied_at__isnull=False).values("percent")[:1])
    return list(contracts_in_force(year).filter(standard_contract__first_year__lt=year)
                .annotate(kind=holder_kind(), figure=Subquery(figure))
                .values("insurer_id", "figure", holder_kind=F("kind"), clause=F("standard_contract__indexation"))
                .annotate(n=Count("pk")).order_by())


def prestatie_tariffs_in_force(year: int) -> list[dict]:
    """The tariffs in force in `year` of the S1 prestaties with an NZa maximum in practices' contracts, one row
    per standard contract and prestatie: {"insurer_id", "code", "name", "sort", "tariff" (the contract's tariff
    with its indexation clause applied up to `year`, held at the maximum), "maximum" (the NZa maximum of
    `year`, None when not set), "contracts" (the contract's signed offers in force)}. Tariffs changed by an
    individual addendum are not in it. Four queries, whatever the number of practices."""
    counts = dict(contracts_in_force(year).filter(practice__isnull=False).values("standard_contract_id")
                  .annotate(n=Count("pk")).order_by().values_list("standard_contract_id", "n"))
    lines = list(ContractModule.objects.filter(standard_contract_id__in=list(counts), module__has_nza_max=True)
                 .select_related("standard_contract", "module"))
    figures: dict[int, list[tuple[int, Decimal]]] = {}
    for index in ContractIndex.objects.filter(standard_contract_id__in=list(counts), year__lte=year,
                                              applied_at__isnull=False).order_by("year"):
        figures.setdefault(index.standard_contract_id, []).append((index.year, index.percent))
    maxima = dict(NzaMaxTariff.objects.filter(year=year).values_list("module_id", "max_tariff"))
    rows = []
    for line in lines:
        contract, module = line.standard_contract, line.module
        maximum = maxima.get(module.pk)
        tariff, _capped = index_line(line.tariff, contract=contract, is_staff_costs=module.is_staff_costs,
                                     figures=figures.get(contract.pk, []), base_year=contract.first_year,
                                     maximum=maximum)
        rows.append({"insurer_id": contract.insurer_id, "code": module.code, "name": module.name,
                     "sort": module.sort_order, "tariff": tariff, "maximum": maximum,
                     "contracts": counts[contract.pk]})
    return rows


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
