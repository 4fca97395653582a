"""Indicators of the monitor chapter contracts (see monitor/indicators/__init__.py): NZa monitor 2019 §2
(contracten, volgbeleid, looptijd Tabel 2.2, tariefontwikkeling) and §3 (the aanvullende modules and their
uptake). The counting rules are those of contracting.selectors.figures; each indicator here only cuts what
those reads return."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from contracting import selectors
from contracting.models import HolderKind, Indexation
from contracting.pricing import cap_hours
from contracting.selectors.figures import Outcome, Route

from . import Chapter, Context, Cut, Dim, Dims, Row, Unit, column, headline, indicator, percent, table
from .grouping import SEGMENT_OF_HOLDER, insurer_names, register_drill, spread

POH_GGZ = "poh-ggz"
BY_INSURER_REGION_SEGMENT = (Dim.INSURER, Dim.REGION, Dim.SEGMENT)
BY_INSURER_SEGMENT = (Dim.INSURER, Dim.SEGMENT)
BY_INSURER_REGION = (Dim.INSURER, Dim.REGION)


def in_dutch(compute: Callable[[Context], list[Cut]]) -> Callable[[Context], list[Cut]]:
    """Labels are stored in the monitor's language (Dutch), whatever language the run happens in."""
    @functools.wraps(compute)
    def wrapper(ctx: Context) -> list[Cut]:
        with translation.override(settings.LANGUAGE_CODE):
            return compute(ctx)
    return wrapper


def cube(facts: Iterable[dict], dims: tuple) -> dict[Dims, list[dict]]:
    """The facts of every cut over `dims` (grouping.spread: the national cut always, then each combination of
    values that occurs in the facts), in a fixed order."""
    return dict(sorted(spread(facts, dims).items(), key=lambda item: _dims_key(item[0])))


def _dims_key(dims: Dims) -> tuple:
    return (dims.insurer or 0, dims.region or 0, dims.segment, dims.provider_type)


def matching(facts: Iterable[dict], dims: Dims, *, ignore: tuple = ()) -> list[dict]:
    """The facts inside cut `dims` (a denominator read for the cut), leaving out the dimensions in `ignore`."""
    def inside(fact) -> bool:
        return ((Dim.INSURER in ignore or not dims.insurer or fact.get("insurer_id") == dims.insurer)
                and (Dim.REGION in ignore or not dims.region or fact.get("region_id") == dims.region)
                and (Dim.SEGMENT in ignore or not dims.segment
                     or SEGMENT_OF_HOLDER.get(fact.get("holder_kind")) == dims.segment))
    return [fact for fact in facts if inside(fact)]


def by_insurer(facts: Iterable[dict], names: dict[int, str], key: str = "insurer_id") -> list[tuple[int, str, list]]:
    """The facts grouped per insurer, in name order: (id, name, facts)."""
    groups: dict[int, list[dict]] = {}
    for fact in facts:
        groups.setdefault(fact[key], []).append(fact)
    return sorted(((pk, names.get(pk, str(pk)), group) for pk, group in groups.items()), key=lambda g: g[1])


def names_of(*fact_lists: Iterable[dict]) -> dict[int, str]:
    """The names of the insurers the facts are about (one query)."""
    return insurer_names(fact.get("insurer_id") for facts in fact_lists for fact in facts)


def total(facts: Iterable[dict], key: str) -> int:
    return sum(fact[key] for fact in facts)


SEGMENT_NOTE = _("Segment 1: contracten met huisartsenpraktijken; segment 2: contracten met "
                 "samenwerkingsverbanden (multidisciplinaire zorg).")


# --- 2.1 contracts per insurer, new and continuing ------------------------------------------------------------

@indicator(
    code="contracts_per_insurer", chapter=Chapter.CONTRACTS, order=10,
    title=_("Contracten per zorgverzekeraar, nieuw en doorlopend"), unit=Unit.COUNT,
    formula=_("Per zorgverzekeraar het aantal contracten dat in het contractjaar loopt: ondertekende "
              "aanbiedingen waarvan het standaardcontract het jaar dekt. Nieuw: het contract begint in dit jaar; "
              "doorlopend: een meerjarig contract dat in een eerder jaar begon. Een gevolgd contract telt één "
              "keer, bij de verzekeraar wiens contract is gevolgd; het aantal volgbesluiten van andere "
              "verzekeraars (gevolgd of gedeeltelijk gevolgd) staat ernaast."),
    source=_("Ondertekende aanbiedingen, standaardcontracten en volgverzoeken in het portaal"),
    caveats=(_("Een zorgaanbieder met twee eigen contracten (verzekeraars die elkaar niet volgen) telt twee "
               "keer, zoals in de NZa-monitor."),
             _("De regio is die waarvoor het aanbod is gedaan."),
             SEGMENT_NOTE),
    dimensions=BY_INSURER_REGION_SEGMENT)
@in_dutch
def contracts_per_insurer(ctx: Context) -> list[Cut]:
    facts = [{**row, "followed": 0} for row in selectors.contract_counts(ctx.year)]
    facts += [{"insurer_id": row["offer__insurer_id"], "region_id": row["offer__region_id"],
               "holder_kind": row["holder_kind"], "new": 0, "continuing": 0, "followed": row["followed"]}
              for row in selectors.followed_counts(ctx.year)]
    names = names_of(facts)
    columns = [column("new", _("Nieuw"), Unit.COUNT), column("continuing", _("Doorlopend"), Unit.COUNT),
               column("total", _("Totaal"), Unit.COUNT),
               column("followed", _("Gevolgd door andere verzekeraars"), Unit.COUNT)]
    cuts = []
    for dims, group in cube(facts, BY_INSURER_REGION_SEGMENT).items():
        rows = []
        for pk, name, own in by_insurer(group, names):
            new, continuing = total(own, "new"), total(own, "continuing")
            rows.append(Row(key=f"insurer:{pk}", label=name, insurer=pk, drill=register_drill(ctx.year, pk),
                            cells={"new": new, "continuing": continuing, "total": new + continuing,
                                   "followed": total(own, "followed")}))
        n = total(group, "new") + total(group, "continuing")
        label = _("contracten in %(year)s") % {"year": ctx.year}
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=n, headline=headline(n, Unit.COUNT, label))))
    return cuts


# --- 2.1 share of providers contracted per insurer and region ---------------------------------------------------

@indicator(
    code="providers_contracted_share", chapter=Chapter.CONTRACTS, order=20,
    title=_("Aandeel gecontracteerde zorgaanbieders per zorgverzekeraar en regio"), unit=Unit.PERCENT,
    formula=_("Per zorgverzekeraar: het aantal zorgaanbieders met een contract met die verzekeraar dat in het "
              "contractjaar loopt (een eigen contract, of een contract dat de verzekeraar volgt), gedeeld door "
              "het aantal zorgaanbieders in de regio (praktijken in segment 1, samenwerkingsverbanden in "
              "segment 2), maal 100. Kerncijfer: het aandeel zorgaanbieders met ten minste één contract."),
    source=_("Ondertekende aanbiedingen, volgverzoeken, praktijken en samenwerkingsverbanden in het portaal"),
    caveats=(_("De regio is die waar de zorgaanbieder nu staat ingeschreven."),
             _("Een zorgaanbieder telt bij een verzekeraar één keer, ook met meer contracten."),
             SEGMENT_NOTE),
    dimensions=BY_INSURER_REGION_SEGMENT)
@in_dutch
def providers_contracted_share(ctx: Context) -> list[Cut]:
    contracted = selectors.contracted_providers(ctx.year)
    names = names_of(contracted)
    providers = selectors.provider_counts()
    with_any = selectors.providers_with_contract(ctx.year)
    columns = [column("contracted", _("Gecontracteerd"), Unit.COUNT),
               column("providers", _("Zorgaanbieders"), Unit.COUNT),
               column("share", _("Aandeel"), Unit.PERCENT)]
    # Every region and segment with providers has a cut, also where no insurer contracted anyone.
    facts = contracted + [{**row, "insurer_id": None, "n": 0} for row in providers]
    cuts = []
    for dims, group in cube(facts, BY_INSURER_REGION_SEGMENT).items():
        whole = total(matching(providers, dims, ignore=(Dim.INSURER,)), "n")
        rows = [Row(key=f"insurer:{pk}", label=name, insurer=pk, drill=register_drill(ctx.year, pk),
                    cells={"contracted": total(own, "n"), "providers": whole,
                           "share": percent(total(own, "n"), whole)})
                for pk, name, own in by_insurer([f for f in group if f["insurer_id"]], names)]
        if dims.insurer:
            value, label = percent(total(group, "n"), whole), _("van de zorgaanbieders gecontracteerd")
        else:
            value = percent(total(matching(with_any, dims, ignore=(Dim.INSURER,)), "n"), whole)
            label = _("van de zorgaanbieders heeft ten minste één contract")
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=whole, headline=headline(value, Unit.PERCENT,
                                                                                            label))))
    return cuts


# --- 2.3 providers that tried another insurer, and the outcome --------------------------------------------------

ROUTES = {Route.REQUESTED: _("Standaardcontract aangevraagd bij een niet-dominante verzekeraar"),
          Route.OWN_OFFER: _("Eigen contractaanbod aan een niet-dominante verzekeraar"),
          Route.FOLLOW: _("Dominante verzekeraar gevraagd een ander contract te volgen")}
OUTCOMES = {Outcome.SUCCESS: _("Gelukt"), Outcome.PARTIAL: _("Gedeeltelijk"), Outcome.FAILED: _("Niet gelukt"),
            Outcome.PENDING: _("Nog geen besluit")}


@indicator(
    code="other_insurer_attempts", chapter=Chapter.CONTRACTS, order=30,
    title=_("Zorgaanbieders die een andere dan de dominante verzekeraar probeerden"), unit=Unit.PERCENT,
    formula=_("Pogingen voor het contractjaar om een contract te sluiten met een andere verzekeraar dan de "
              "regionaal dominante (grootste marktaandeel in de regio van de zorgaanbieder), per route: een "
              "standaardcontract aanvragen bij een niet-dominante verzekeraar (gelukt = ondertekend), een eigen "
              "contractaanbod aan een niet-dominante verzekeraar (gelukt = aanvaard), of de dominante "
              "verzekeraar vragen een contract met een andere verzekeraar te volgen (gelukt = gevolgd, "
              "gedeeltelijk = gedeeltelijk gevolgd). Kerncijfer: zorgaanbieders met ten minste één poging, "
              "gedeeld door alle zorgaanbieders in de snede, maal 100."),
    source=_("Aanbiedingen op verzoek, eigen contractaanbiedingen, volgverzoeken en marktaandelen in het portaal"),
    caveats=(_("De NZa-monitor vroeg ook wie een andere verzekeraar alleen overwoog; het portaal ziet alleen "
               "pogingen die zijn gedaan."),
             _("Bij de snede per verzekeraar telt de verzekeraar die werd gevraagd."),
             SEGMENT_NOTE),
    dimensions=BY_INSURER_REGION_SEGMENT)
@in_dutch
def other_insurer_attempts(ctx: Context) -> list[Cut]:
    attempts = selectors.other_insurer_attempts(ctx.year)
    providers = selectors.provider_counts()
    columns = [column("attempts", _("Pogingen"), Unit.COUNT),
               *[column(key, label, Unit.COUNT) for key, label in OUTCOMES.items()],
               column("providers", _("Zorgaanbieders"), Unit.COUNT)]
    facts = attempts + [{**row, "insurer_id": None, "route": None, "n": 0} for row in providers]
    cuts = []
    for dims, group in cube(facts, BY_INSURER_REGION_SEGMENT).items():
        tried = [f for f in group if f["route"]]
        whole = total(matching(providers, dims, ignore=(Dim.INSURER,)), "n")
        rows = []
        for route, label in ROUTES.items():
            mine = [f for f in tried if f["route"] == route]
            outcomes = Counter(f["outcome"] for f in mine)
            rows.append(Row(key=f"route:{route}", label=label,
                            cells={"attempts": len(mine), **{key: outcomes[key] for key in OUTCOMES},
                                   "providers": len({f["holder"] for f in mine})}))
        holders = len({f["holder"] for f in tried})
        cuts.append(Cut(dims, table(
            columns=columns, rows=rows, n=whole,
            headline=headline(percent(holders, whole), Unit.PERCENT,
                              _("van de zorgaanbieders probeerde een andere verzekeraar")))))
    return cuts


# --- Tabel 2.2 multi-year contracts: start year and term per insurer ---------------------------------------------

@indicator(
    code="contract_terms", chapter=Chapter.CONTRACTS, order=40,
    title=_("Meerjarige contracten: startjaar en looptijd per zorgverzekeraar (Tabel 2.2)"), unit=Unit.PERCENT,
    formula=_("Per zorgverzekeraar het startjaar en de looptijd van het contract dat in het contractjaar voor "
              "de meeste zorgaanbieders loopt, het aantal lopende contracten en het aandeel daarvan met een "
              "looptijd van twee jaar of langer. Kerncijfer: het aandeel verzekeraars waarvan dat contract "
              "meerjarig is (in de NZa-monitor 2019: zes van de acht)."),
    source=_("Ondertekende aanbiedingen en hun standaardcontracten in het portaal"),
    caveats=(_("De NZa-monitor nam de looptijd uit het openbare inkoopbeleid; hier telt wat is ondertekend."),
             SEGMENT_NOTE),
    dimensions=BY_INSURER_SEGMENT)
@in_dutch
def contract_terms(ctx: Context) -> list[Cut]:
    facts = selectors.contract_terms_in_force(ctx.year)
    names = names_of(facts)
    columns = [column("start_year", _("Startjaar"), Unit.TEXT), column("term", _("Looptijd"), Unit.YEARS),
               column("contracts", _("Lopende contracten"), Unit.COUNT),
               column("multi_year", _("Meerjarig"), Unit.PERCENT)]
    cuts = []
    for dims, group in cube(facts, BY_INSURER_SEGMENT).items():
        rows, multi_year_insurers = [], 0
        for pk, name, own in by_insurer(group, names):
            spread = Counter()
            for fact in own:
                spread[(fact["first_year"], fact["term_years"])] += fact["n"]
            # The contract most of its providers are on; of two equally common, the earlier start.
            (first_year, term), _n = min(spread.items(), key=lambda item: (-item[1], item[0]))
            multi_year_insurers += term >= 2
            contracts = total(own, "n")
            rows.append(Row(key=f"insurer:{pk}", label=name, insurer=pk, cells={
                "start_year": str(first_year), "term": term, "contracts": contracts,
                "multi_year": percent(sum(f["n"] for f in own if f["term_years"] >= 2), contracts)}))
        if dims.insurer:
            value = rows[0].cells["multi_year"]
            label = _("van de lopende contracten is meerjarig")
        else:
            value, label = percent(multi_year_insurers, len(rows)), _("van de verzekeraars contracteert meerjarig")
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=total(group, "n"),
                                    headline=headline(value, Unit.PERCENT, label))))
    return cuts


# --- 2.2 indexation per insurer ---------------------------------------------------------------------------------

@indicator(
    code="indexation_per_insurer", chapter=Chapter.CONTRACTS, order=50,
    title=_("Indexatie per zorgverzekeraar"), unit=Unit.PERCENT,
    formula=_("Per zorgverzekeraar, over de doorlopende contracten in het contractjaar (meerjarige contracten "
              "die in een eerder jaar begonnen): de indexatieclausule van de meeste van die contracten (geen, "
              "alleen personeelskosten, alle onderdelen), het indexcijfer dat voor het jaar is toegepast en het "
              "aandeel contracten dat in het jaar is geïndexeerd (een clausule én een toegepast cijfer groter "
              "dan nul). Kerncijfer: het aandeel geïndexeerde doorlopende contracten."),
    source=_("Indexatieclausules van standaardcontracten en de toegepaste indexcijfers in het portaal"),
    caveats=(_("Nieuwe contracten hebben voor hun eerste jaar nieuwe tarieven en tellen hier niet mee."),
             _("Indexatie met terugwerkende kracht na de start van het jaar (zoals in mei 2019) telt zodra het "
               "cijfer is toegepast."),
             SEGMENT_NOTE),
    dimensions=BY_INSURER_SEGMENT)
@in_dutch
def indexation_per_insurer(ctx: Context) -> list[Cut]:
    facts = selectors.indexation_in_year(ctx.year)
    names = names_of(facts)
    columns = [column("clause", _("Indexatieclausule"), Unit.TEXT),
               column("figure", _("Indexcijfer"), Unit.PERCENT),
               column("continuing", _("Doorlopende contracten"), Unit.COUNT),
               column("indexed", _("Geïndexeerd"), Unit.COUNT),
               column("indexed_share", _("Aandeel geïndexeerd"), Unit.PERCENT)]

    def indexed(fact) -> bool:
        return fact["clause"] != Indexation.NONE and bool(fact["figure"])

    cuts = []
    for dims, group in cube(facts, BY_INSURER_SEGMENT).items():
        rows = []
        for pk, name, own in by_insurer(group, names):
            clauses, figures = Counter(), Counter()
            for fact in own:
                clauses[fact["clause"]] += fact["n"]
                if indexed(fact):
                    figures[fact["figure"]] += fact["n"]
            clause = min(clauses.items(), key=lambda item: (-item[1], item[0]))[0]
            figure = min(figures.items(), key=lambda item: (-item[1], item[0]))[0] if figures else None
            # Without the name: an anonymised insurer's row keeps its note.
            note = _("Verschillende indexcijfers; het meest voorkomende staat in de tabel.") if len(figures) > 1 else ""
            continuing, done = total(own, "n"), sum(f["n"] for f in own if indexed(f))
            rows.append(Row(key=f"insurer:{pk}", label=name, insurer=pk, note=note, cells={
                "clause": str(Indexation(clause).label), "figure": float(figure) if figure is not None else None,
                "continuing": continuing, "indexed": done, "indexed_share": percent(done, continuing)}))
        continuing = total(group, "n")
        done = sum(f["n"] for f in group if indexed(f))
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=continuing, headline=headline(
            percent(done, continuing), Unit.PERCENT, _("van de doorlopende contracten geïndexeerd")))))
    return cuts


# --- 3 module uptake per insurer: contracted hours against the cap -----------------------------------------------

@indicator(
    code="module_uptake", chapter=Chapter.CONTRACTS, order=60,
    title=_("Aanvullende modules: gebruik en uren tegenover het plafond"), unit=Unit.PERCENT,
    formula=_("Over de contracten met huisartsenpraktijken die in het contractjaar lopen, per aanvullende "
              "module (POH-GGZ, POH-S, praktijkmanagement, kwetsbare ouderen, …): het aantal contracten met de "
              "module en hun aandeel in alle lopende contracten. Voor modules met een urenplafond ook de "
              "gecontracteerde uren per week, het plafond (de plafondregel van het contract op het aantal "
              "ingeschreven patiënten, bijvoorbeeld POH-GGZ 12 uur per 2.350 patiënten), de uren als aandeel van "
              "het plafond en het aandeel contracten onder het plafond. Kerncijfer: de POH-GGZ-uren als aandeel "
              "van het plafond."),
    source=_("Modulekeuzes van ondertekende contracten, de plafondregels van de modulecatalogus en de "
             "ingeschreven patiënten van de praktijken in het portaal"),
    caveats=(_("Het plafond wordt berekend op het huidige aantal ingeschreven patiënten van de praktijk."),
             _("Uren en modules zoals ondertekend; latere addenda op één contract tellen niet mee."),
             _("Alleen de eigen contracten: een gevolgd contract telt bij de verzekeraar die is gevolgd.")),
    dimensions=BY_INSURER_REGION)
@in_dutch
def module_uptake(ctx: Context) -> list[Cut]:
    contracts = [{"insurer_id": row["insurer_id"], "region_id": row["region_id"],
                  "contracts": row["new"] + row["continuing"]}
                 for row in selectors.contract_counts(ctx.year) if row["holder_kind"] == HolderKind.PRACTICE]
    chosen = [{"insurer_id": row["offer__insurer_id"], "region_id": row["offer__region_id"], "code": row["code"],
               "name": row["name"], "sort": row["sort"], "n": row["n"]}
              for row in selectors.module_choices_in_force(ctx.year)]
    capped = []
    for row in selectors.capped_choices_in_force(ctx.year):
        cap = cap_hours(cap_rule=row["cap_rule"], cap_patients=row["cap_patients"], per_norm=row["per_norm"],
                        registered_patients=row["patients"])
        if cap is not None and row["hours"] is not None:
            capped.append({**row, "cap": cap})
    columns = [column("contracts", _("Contracten met de module"), Unit.COUNT),
               column("share", _("Aandeel van de contracten"), Unit.PERCENT),
               column("hours", _("Uren per week"), Unit.HOURS), column("cap", _("Plafond (uren per week)"), Unit.HOURS),
               column("of_cap", _("Uren als aandeel van het plafond"), Unit.PERCENT),
               column("below_cap", _("Contracten onder het plafond"), Unit.PERCENT)]
    chosen_in, capped_in = cube(chosen, BY_INSURER_REGION), cube(capped, BY_INSURER_REGION)
    cuts = []
    for dims, group in cube(contracts, BY_INSURER_REGION).items():
        whole = total(group, "contracts")
        modules: dict[str, list[dict]] = {}
        for fact in chosen_in.get(dims, ()):
            modules.setdefault(fact["code"], []).append(fact)
        hours_of = {}
        for fact in capped_in.get(dims, ()):
            hours_of.setdefault(fact["code"], []).append(fact)
        rows, ggz = [], None
        for code, facts in sorted(modules.items(), key=lambda item: (item[1][0]["sort"], item[1][0]["name"])):
            n = total(facts, "n")
            cells = {"contracts": n, "share": percent(n, whole), "hours": None, "cap": None, "of_cap": None,
                     "below_cap": None}
            if code in hours_of:
                hours = sum((f["hours"] for f in hours_of[code]), Decimal(0))
                cap = sum((f["cap"] for f in hours_of[code]), Decimal(0))
                below = sum(1 for f in hours_of[code] if f["hours"] < f["cap"])
                cells.update(hours=float(hours), cap=float(cap), of_cap=_share(hours, cap),
                             below_cap=percent(below, len(hours_of[code])))
                if code == POH_GGZ:
                    ggz = cells["of_cap"]
            rows.append(Row(key=f"module:{code}", label=facts[0]["name"], cells=cells))
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=whole, headline=headline(
            ggz, Unit.PERCENT, _("van het POH-GGZ-plafond gecontracteerd")))))
    return cuts


def _share(part: Decimal, whole: Decimal) -> float | None:
    return round(float(100 * part / whole), 1) if whole else None


# --- 3 POH-GGZ as a share of the insurer's insured ----------------------------------------------------------------

@indicator(
    code="pohggz_insured_share", chapter=Chapter.CONTRACTS, order=70,
    title=_("POH-GGZ via het standaardcontract: aandeel van de verzekerden"), unit=Unit.PERCENT,
    formula=_("Per zorgverzekeraar: de eigen verzekerden ingeschreven bij praktijken waar een contract van die "
              "verzekeraar dat in het contractjaar loopt de module POH-GGZ bevat (een eigen contract, of een "
              "gevolgd contract waarbij POH-GGZ niet als niet gevolgd is genoemd), gedeeld door alle eigen "
              "verzekerden bij de praktijken in het portaal, maal 100 (in de NZa-monitor 2019: 52%). De "
              "verzekerden van een praktijk: het opgegeven aantal, anders de ingeschreven patiënten maal het "
              "marktaandeel van de verzekeraar in de regio."),
    source=_("Aantallen verzekerden per praktijk en verzekeraar, marktaandelen, ingeschreven patiënten, "
             "modulekeuzes en volgbesluiten in het portaal"),
    caveats=(_("Zonder opgegeven aantal is het aantal verzekerden een schatting uit het marktaandeel in de regio."),
             _("Een verzekeraar zonder marktaandeel in een regio telt daar niet mee."),
             _("De regio is die waar de praktijk nu staat ingeschreven.")),
    dimensions=BY_INSURER_REGION)
@in_dutch
def pohggz_insured_share(ctx: Context) -> list[Cut]:
    facts = selectors.insured_with_module(ctx.year, POH_GGZ)
    names = names_of(facts)
    columns = [column("insured", _("Verzekerden"), Unit.COUNT),
               column("covered", _("Met POH-GGZ in het contract"), Unit.COUNT),
               column("share", _("Aandeel"), Unit.PERCENT)]
    cuts = []
    for dims, group in cube(facts, BY_INSURER_REGION).items():
        rows = [Row(key=f"insurer:{pk}", label=name, insurer=pk,
                    cells={"insured": total(own, "insured"), "covered": total(own, "covered"),
                           "share": percent(total(own, "covered"), total(own, "insured"))})
                for pk, name, own in by_insurer(group, names)]
        insured = total(group, "insured")
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=insured, headline=headline(
            percent(total(group, "covered"), insured), Unit.PERCENT,
            _("van de verzekerden heeft POH-GGZ via het standaardcontract")))))
    return cuts


# --- 1 S1 tariffs against the NZa maximum per insurer and prestatie ------------------------------------------------

@indicator(
    code="s1_tariffs_vs_nza_max", chapter=Chapter.CONTRACTS, order=80,
    title=_("S1-tarieven tegenover het NZa-maximumtarief per zorgverzekeraar en prestatie"), unit=Unit.PERCENT,
    formula=_("Per zorgverzekeraar en S1-prestatie met een NZa-maximumtarief (inschrijving, consult, POH-GGZ, "
              "specifieke verrichtingen): het laagste tarief in de standaardcontracten met huisartsenpraktijken "
              "die in het contractjaar lopen (met de indexatieclausule van het contract toegepast) en dat tarief "
              "als aandeel van het maximumtarief van het jaar; de eerste rij geeft de maximumtarieven. Per "
              "verzekeraar ook het aandeel van zijn lopende contractprestaties (contract × prestatie) op het "
              "maximum. Kerncijfer: dat aandeel over alle verzekeraars."),
    source=_("Tarieven van standaardcontracten, indexcijfers en NZa-maximumtarieven in het portaal"),
    caveats=(_("Een tarief dat een addendum voor één contract wijzigde telt niet mee."),
             _("Een prestatie zonder vastgesteld maximumtarief voor het jaar heeft geen vergelijking.")),
    dimensions=(Dim.INSURER,))
@in_dutch
def s1_tariffs_vs_nza_max(ctx: Context) -> list[Cut]:
    facts = selectors.prestatie_tariffs_in_force(ctx.year)
    names = names_of(facts)
    prestaties = sorted({(f["sort"], f["name"], f["code"]) for f in facts})
    maxima = {f["code"]: f["maximum"] for f in facts}
    columns = []
    for _sort, name, code in prestaties:
        columns += [column(f"{code}:tariff", _("%(prestatie)s: tarief") % {"prestatie": name}, Unit.EURO),
                    column(f"{code}:of_max", _("%(prestatie)s: aandeel van het maximum") % {"prestatie": name},
                           Unit.PERCENT)]
    columns.append(column("at_max", _("Contractprestaties op het maximum"), Unit.PERCENT))

    def on_max(group) -> tuple[int, int]:
        compared = [f for f in group if f["maximum"] is not None]
        return sum(f["contracts"] for f in compared if f["tariff"] == f["maximum"]), total(compared, "contracts")

    maximum_cells = {}
    for _sort, _name, code in prestaties:
        maximum = maxima[code]
        maximum_cells.update({f"{code}:tariff": float(maximum) if maximum is not None else None,
                              f"{code}:of_max": 100.0 if maximum is not None else None})
    cuts = []
    for dims, group in cube(facts, (Dim.INSURER,)).items():
        rows = [Row(key="nza_maximum", label=_("NZa-maximumtarief"), cells={**maximum_cells, "at_max": None})]
        for pk, name, own in by_insurer(group, names):
            cells = {}
            for _sort, _name, code in prestaties:
                lines = [f for f in own if f["code"] == code]
                lowest = min((f["tariff"] for f in lines), default=None)
                maximum = maxima[code]
                cells[f"{code}:tariff"] = float(lowest) if lowest is not None else None
                cells[f"{code}:of_max"] = _share(lowest, maximum) if lowest is not None and maximum else None
            cells["at_max"] = percent(*on_max(own))
            rows.append(Row(key=f"insurer:{pk}", label=name, insurer=pk, cells=cells))
        at, compared = on_max(group)
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=compared, headline=headline(
            percent(at, compared), Unit.PERCENT, _("van de lopende contractprestaties op het NZa-maximumtarief")))))
    return cuts
