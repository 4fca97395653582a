"""Indicators of the monitor chapter multidisciplinaire zorg (see monitor/indicators/__init__.py): the year's
signed care-group contracts per programme (Tabel 4.1), per insurer which components of each keten are in the
integral tariff (Tabel 4.2–4.6), the inclusieplafond (Tabel 4.7) and the O&I prestaties.

Counting rule for all of them: a contract is a care group's signed offer in force in the contract year
(contracting.selectors.signed_contracts); a care group contracted by two insurers counts once with each, and a
followed contract is not counted again (it is the signed contract of the insurer followed). The region is the
care group's region when the contract was offered."""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from contracting.selectors import (
    caregroup_catalogue,
    caregroup_contract_counts,
    caregroup_contract_lines,
    caregroup_line_tariffs,
)

from . import Chapter, Context, Cut, Dim, Row, Unit, column, headline, indicator, percent, table
from .grouping import insurer_names, register_drill, spread

DIMENSIONS = (Dim.INSURER, Dim.REGION)
SOURCE = _("Ondertekende contracten van samenwerkingsverbanden in het portaal (de overeengekomen regels per "
           "zorgprogramma en O&I-prestatie)")
COUNTING = _("Een contract is een ondertekend aanbod aan een samenwerkingsverband dat in het contractjaar "
             "geldt; een gevolgd contract telt één keer, bij de verzekeraar die werd gevolgd.")

# The keten programmes of Tabel 4.2–4.6, with the short name the monitor uses and its table number.
KETENS = (
    ("ketenzorg-dm2", "dm2", "DM2", "4.2"),
    ("ketenzorg-copd", "copd", "COPD", "4.3"),
    ("ketenzorg-vrm-hvz", "hvz", "HVZ", "4.4"),
    ("ketenzorg-vrm-vvr", "vvr", "VVR", "4.5"),
    ("ketenzorg-astma", "astma", "Astma", "4.6"),
)


def _catalogue(groups=()):
    """(programmes, O&I prestaties) of the S2 catalogue, in its order (two queries): those offered now, and a
    retired one where the year's contract lines in `groups` still hold it."""
    held = {g["code"] for g in groups}
    modules = [m for m in caregroup_catalogue(include_retired=True) if not m.retired or m.code in held]
    return [m for m in modules if m.programme_funding], [m for m in modules if not m.programme_funding]


def _sum_by(groups, key) -> dict:
    totals: dict = defaultdict(lambda: {"contracts": 0, "with_ceiling": 0, "tariff_sum": 0, "lumpsums": 0,
                                        "separate": defaultdict(int)})
    for g in groups:
        t = totals[key(g)]
        t["contracts"] += g["contracts"]
        t["with_ceiling"] += g["with_ceiling"]
        t["tariff_sum"] += g["tariff_sum"] or 0
        t["lumpsums"] += g["lumpsums"]
        for comp, n in g["separate"].items():
            t["separate"][comp] += n
    return totals


def _contract_total(groups) -> int:
    return sum(g["contracts"] for g in groups)


@indicator(
    code="mdz_contracts_per_programme", chapter=Chapter.MDZ, order=10,
    title=_("Contracten per zorgprogramma (Tabel 4.1)"), unit=Unit.COUNT,
    formula=_("Per zorgprogramma het aantal ondertekende contracten met samenwerkingsverbanden voor het "
              "contractjaar waarin dat programma is opgenomen; het aandeel is dat aantal gedeeld door alle "
              "contracten met samenwerkingsverbanden in dezelfde selectie."),
    source=SOURCE,
    caveats=(COUNTING,
             _("VRM telt als twee programma's (HVZ en VVR), zoals in de monitor."),
             _("Kwetsbare ouderen en GGZ hebben geen ketenprestatie: de verzekeraar vergoedt de overhead van het "
               "samenwerkingsverband.")),
    dimensions=DIMENSIONS)
def contracts_per_programme(ctx: Context) -> list[Cut]:
    all_lines = caregroup_contract_lines(ctx.year)
    programmes, _oi = _catalogue(all_lines)
    codes = {m.code for m in programmes}
    lines = spread([g for g in all_lines if g["code"] in codes], DIMENSIONS)
    totals = spread(caregroup_contract_counts(ctx.year), DIMENSIONS)
    cuts = []
    for dims in {*lines, *totals}:
        total = _contract_total(totals.get(dims, []))
        by_code = _sum_by(lines.get(dims, []), key=lambda g: g["code"])
        rows = [Row(key=f"programme:{m.code}", label=m.name,
                    cells={"contracts": by_code[m.code]["contracts"],
                           "share": percent(by_code[m.code]["contracts"], total)}) for m in programmes]
        cuts.append(Cut(dims, table(
            columns=[column("contracts", _("Contracten"), Unit.COUNT),
                     column("share", _("Aandeel van de contracten"), Unit.PERCENT)],
            rows=rows, n=total,
            headline=headline(total, Unit.COUNT, _("contracten met samenwerkingsverbanden")))))
    return cuts


def _per_insurer_rows(year: int, dims, by_insurer: dict, names: dict, cells) -> list[Row]:
    """One row per insurer with contracts in the cut, by name, with a drill-down to its register; first the
    row of all insurers together when the cut is not one insurer's."""
    rows = []
    if dims.insurer is None:
        rows.append(Row(key="all", label=_("Alle zorgverzekeraars"), cells=cells(_merge(by_insurer.values()))))
    for insurer_id in sorted(by_insurer, key=lambda i: names.get(i, "")):
        rows.append(Row(key=f"insurer:{insurer_id}", label=names.get(insurer_id, ""), insurer=insurer_id,
                        cells=cells(by_insurer[insurer_id]), drill=register_drill(year, insurer_id)))
    return rows


def _merge(parts) -> dict:
    merged = {"contracts": 0, "with_ceiling": 0, "tariff_sum": 0, "lumpsums": 0, "separate": defaultdict(int),
              "programmes": defaultdict(lambda: {"contracts": 0, "with_ceiling": 0})}
    for p in parts:
        for key in ("contracts", "with_ceiling", "tariff_sum", "lumpsums"):
            merged[key] += p.get(key, 0)
        for comp, n in p.get("separate", {}).items():
            merged["separate"][comp] += n
        for code, q in p.get("programmes", {}).items():
            merged["programmes"][code]["contracts"] += q["contracts"]
            merged["programmes"][code]["with_ceiling"] += q["with_ceiling"]
    return merged


def _components_indicator(programme: str, slug: str, short: str, number: str):
    @indicator(
        code=f"mdz_components_{slug}", chapter=Chapter.MDZ, order=20 + int(number.split(".")[1]),
        title=format_lazy(_("Samenstelling van de keten {keten} per zorgverzekeraar (Tabel {table})"),
                          keten=short, table=number),
        unit=Unit.PERCENT,
        formula=_("Per zorgverzekeraar en ketenonderdeel: het aantal contracten met dit zorgprogramma waarin het "
                  "onderdeel in het integrale tarief zit, gedeeld door alle contracten van die verzekeraar met dit "
                  "zorgprogramma, in procenten. Wat overblijft koopt de verzekeraar apart in. Het kerncijfer is "
                  "het aandeel van alle onderdelen van alle contracten dat in het integrale tarief zit."),
        source=SOURCE,
        caveats=(COUNTING,
                 _("Een onderdeel dat een contract niet noemt, zit in het integrale tarief (de regel van de "
                   "onderhandeling)."),
                 _("Een verzekeraar zonder contracten voor dit programma staat niet in de tabel.")),
        dimensions=DIMENSIONS)
    def compute(ctx: Context) -> list[Cut]:
        groups = [g for g in caregroup_contract_lines(ctx.year) if g["code"] == programme]
        programmes, _oi = _catalogue(groups)
        module = next((m for m in programmes if m.code == programme), None)
        components = list(module.components.all()) if module is not None else []
        names = insurer_names(g["insurer_id"] for g in groups)

        def cells(t):
            n = t["contracts"]
            return {"contracts": n, **{c.code: percent(n - t["separate"].get(c.code, 0), n) for c in components}}

        result = []
        for dims, part in spread(groups, DIMENSIONS).items():
            by_insurer = _sum_by(part, key=lambda g: g["insurer_id"])
            everything = _merge(by_insurer.values())
            n = everything["contracts"]
            integral = sum(n - everything["separate"].get(c.code, 0) for c in components)
            result.append(Cut(dims, table(
                columns=[column("contracts", _("Contracten"), Unit.COUNT),
                         *[column(c.code, c.name, Unit.PERCENT) for c in components]],
                rows=_per_insurer_rows(ctx.year, dims, by_insurer, names, cells), n=n,
                headline=headline(percent(integral, n * len(components)), Unit.PERCENT,
                                  _("van de ketenonderdelen in het integrale tarief")),
                notes=[_("Per onderdeel het percentage contracten met het onderdeel in het integrale tarief; de "
                         "rest is apart ingekocht.")])))
        return result

    return compute


for _programme, _slug, _short, _number in KETENS:
    _components_indicator(_programme, _slug, _short, _number)


@indicator(
    code="mdz_inclusion_ceiling", chapter=Chapter.MDZ, order=30,
    title=_("Aandeel contracten met inclusieplafond per zorgverzekeraar (Tabel 4.7)"), unit=Unit.PERCENT,
    formula=_("Per zorgverzekeraar en zorgprogramma: het aantal contracten met dat programma waarin een "
              "inclusieplafond is afgesproken (niet meer dan een percentage van de populatie in de keten), gedeeld "
              "door alle contracten van die verzekeraar met dat programma, in procenten. Leeg (n.v.t.): de "
              "verzekeraar heeft geen contracten met dat programma. Het kerncijfer telt alle programmaregels van "
              "alle contracten samen."),
    source=SOURCE,
    caveats=(COUNTING,
             _("Alleen de ketenprogramma's kennen een inclusieplafond; kwetsbare ouderen en GGZ (overhead) staan "
               "er met 0 procent in waar ze gecontracteerd zijn.")),
    dimensions=DIMENSIONS)
def inclusion_ceiling(ctx: Context) -> list[Cut]:
    all_lines = caregroup_contract_lines(ctx.year)
    programmes, _oi = _catalogue(all_lines)
    codes = [m.code for m in programmes]
    groups = [g for g in all_lines if g["code"] in codes]
    names = insurer_names(g["insurer_id"] for g in groups)

    def cells(t):
        return {code: percent(t["programmes"][code]["with_ceiling"], t["programmes"][code]["contracts"])
                for code in codes}

    result = []
    for dims, part in spread(groups, DIMENSIONS).items():
        by_insurer: dict = defaultdict(lambda: {"programmes": defaultdict(lambda: {"contracts": 0,
                                                                                   "with_ceiling": 0})})
        for g in part:
            q = by_insurer[g["insurer_id"]]["programmes"][g["code"]]
            q["contracts"] += g["contracts"]
            q["with_ceiling"] += g["with_ceiling"]
        lines = sum(g["contracts"] for g in part)
        result.append(Cut(dims, table(
            columns=[column(m.code, m.name, Unit.PERCENT) for m in programmes],
            rows=_per_insurer_rows(ctx.year, dims, by_insurer, names, cells), n=lines,
            headline=headline(percent(sum(g["with_ceiling"] for g in part), lines), Unit.PERCENT,
                              _("van de programmaregels met een inclusieplafond")),
            notes=[_("Leeg: de verzekeraar heeft geen contracten met dit programma (n.v.t.).")])))
    return result


@indicator(
    code="mdz_oi_per_prestatie", chapter=Chapter.MDZ, order=40,
    title=_("Organisatie en infrastructuur (O&I) per prestatie"), unit=Unit.COUNT,
    formula=_("Per O&I-prestatie: het aantal ondertekende contracten met samenwerkingsverbanden waarin de "
              "prestatie is afgesproken, het aandeel daarvan in alle contracten met samenwerkingsverbanden, het "
              "gemiddelde afgesproken tarief per ingeschreven verzekerde per jaar (som van de tarieven gedeeld door "
              "het aantal contracten met de prestatie) en het aantal afspraken met een basisbedrag (lumpsum)."),
    source=SOURCE,
    caveats=(COUNTING,
             _("Het tarief is het afgesproken tarief, vóór een eventuele indexatie in een later jaar van een "
               "meerjarig contract."),
             _("De tarieven zijn niet zonder meer vergelijkbaar: de inhoud van de afspraken en de manier waarop "
               "de overhead is opgenomen verschillen per samenwerkingsverband (monitor 2019, "
               "tariefontwikkeling)."),
             _("Tariefontwikkeling: per samenwerkingsverband en verzekeraar het tarief van de prestatie in een "
               "nieuw contract vergeleken met dat van het jaar ervoor; de verandering is (tarief − tarief "
               "vorig jaar) / tarief vorig jaar, gemiddeld over die afspraken. Een meerjarig contract dat doorloopt "
               "telt hier niet mee; bevroren is een afspraak met hetzelfde tarief als het jaar ervoor.")),
    dimensions=DIMENSIONS)
def oi_per_prestatie(ctx: Context) -> list[Cut]:
    all_lines = caregroup_contract_lines(ctx.year)
    _programmes, prestaties = _catalogue(all_lines)
    codes = {m.code for m in prestaties}
    lines = spread([g for g in all_lines if g["code"] in codes], DIMENSIONS)
    totals = spread(caregroup_contract_counts(ctx.year), DIMENSIONS)
    changes = spread(_tariff_changes(ctx.year, codes), DIMENSIONS)
    cuts = []
    for dims in {*lines, *totals}:
        total = _contract_total(totals.get(dims, []))
        by_code = _sum_by(lines.get(dims, []), key=lambda g: g["code"])
        changed: dict = defaultdict(list)
        for c in changes.get(dims, []):
            changed[c["code"]].append(c["change"])
        rows = []
        for m in prestaties:
            t, moves = by_code[m.code], changed.get(m.code, [])
            mean = round(float(t["tariff_sum"]) / t["contracts"], 2) if t["contracts"] else None
            rows.append(Row(key=f"prestatie:{m.code}", label=m.name, cells={
                "contracts": t["contracts"], "share": percent(t["contracts"], total), "mean_tariff": mean,
                "lumpsums": t["lumpsums"], "compared": len(moves),
                "mean_change": round(sum(moves) / len(moves), 1) if moves else None,
                "frozen": sum(1 for x in moves if x == 0)}))
        agreements = sum(by_code[m.code]["contracts"] for m in prestaties)
        cuts.append(Cut(dims, table(
            columns=[column("contracts", _("Contracten"), Unit.COUNT),
                     column("share", _("Aandeel van de contracten"), Unit.PERCENT),
                     column("mean_tariff", _("Gemiddeld tarief per verzekerde per jaar"), Unit.EURO),
                     column("lumpsums", _("Met basisbedrag (lumpsum)"), Unit.COUNT),
                     column("compared", _("Vergeleken met vorig jaar"), Unit.COUNT),
                     column("mean_change", _("Gemiddelde tariefverandering"), Unit.PERCENT),
                     column("frozen", _("Bevroren (zelfde tarief)"), Unit.COUNT)],
            rows=rows, n=total,
            headline=headline(agreements, Unit.COUNT, _("O&I-afspraken in contracten met samenwerkingsverbanden")))))
    return cuts


def _tariff_changes(year: int, codes) -> list[dict]:
    """Per line of a new contract of `year` whose care group had the same prestatie with the same insurer
    in the year before: its tariff change in percent (unrounded). Two queries."""
    before = {(t["care_group_id"], t["insurer_id"], t["code"]): t
              for t in caregroup_line_tariffs(year - 1, codes)}
    result = []
    for t in caregroup_line_tariffs(year, codes):
        prev = before.get((t["care_group_id"], t["insurer_id"], t["code"]))
        if prev is None or prev["contract_id"] == t["contract_id"] or not prev["tariff"]:
            continue  # no agreement the year before, or the same multi-year contract running on
        result.append({**t, "change": float((t["tariff"] - prev["tariff"]) / prev["tariff"] * 100)})
    return result
