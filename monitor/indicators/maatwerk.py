"""Indicators of the monitor chapter maatwerk (see monitor/indicators/__init__.py): maatwerk and innovation (S3)
requests and how they ended (the portal's side of Tabel 5.1), requests to change a standard module, how follow
requests were decided, and the lead time from offer to signature.

Segment: a practice's requests and contracts count in segment 1, a care group's in segment 2 (the segment each
contracts, nza-monitor-2019.md §1)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from contracting.models import FollowRequest, Request
from contracting.selectors import contracts_with_maatwerk, follow_outcomes, request_outcomes, signing_lead_times

from . import Chapter, Context, Cut, Dim, Row, Unit, column, headline, indicator, percent, table
from .grouping import insurer_names, register_drill, spread

DIMENSIONS = (Dim.INSURER, Dim.REGION, Dim.SEGMENT)
SEGMENT_CAVEAT = _("Segment 1: verzoeken en contracten van huisartsenpraktijken; segment 2: die van "
                   "samenwerkingsverbanden.")
REQUEST_SOURCE = _("Verzoeken in het portaal, met het besluit van de verzekeraar en, bij een innovatievoorstel, "
                   "het besluit in beroep")
REQUEST_YEAR = _("Een verzoek hoort bij het contractjaar dat het noemt (dat van zijn aanbod, of het jaar van het "
                 "innovatievoorstel); anders bij het kalenderjaar waarin het werd ingediend.")
STATE_COLUMNS = (
    ("granted", _("Gehonoreerd")),
    ("partly", _("Gedeeltelijk gehonoreerd")),
    ("refused", _("Niet gehonoreerd")),
    ("pending", _("Nog geen besluit")),
    ("withdrawn", _("Ingetrokken")),
)
REQUEST_FORMULA = _("Per soort verzoek het aantal verzoeken over het contractjaar en hoe ze eindigden: "
                    "gehonoreerd, gedeeltelijk gehonoreerd, niet gehonoreerd, nog geen besluit of ingetrokken. Bij "
                    "een innovatievoorstel in beroep telt de uitkomst van het beroep. Het aandeel gehonoreerd is "
                    "(gehonoreerd + gedeeltelijk) gedeeld door de verzoeken met een besluit, in procenten.")


def _state_cells(counts: dict) -> dict:
    total = sum(counts.values())
    decided = counts.get("granted", 0) + counts.get("partly", 0) + counts.get("refused", 0)
    honoured = counts.get("granted", 0) + counts.get("partly", 0)
    return {"requests": total, **{key: counts.get(key, 0) for key, _label in STATE_COLUMNS},
            "honoured_share": percent(honoured, decided)}


def _state_columns() -> list[dict]:
    return [column("requests", _("Verzoeken"), Unit.COUNT),
            *[column(key, label, Unit.COUNT) for key, label in STATE_COLUMNS],
            column("honoured_share", _("Aandeel gehonoreerd (geheel of gedeeltelijk)"), Unit.PERCENT)]


def _tally(groups, key) -> dict:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for g in groups:
        counts[key(g)][g["state"]] += g["n"]
    return counts


def _all_states(groups) -> dict:
    counts: dict = defaultdict(int)
    for g in groups:
        counts[g["state"]] += g["n"]
    return counts


@indicator(
    code="maatwerk_requests", chapter=Chapter.MAATWERK, order=10,
    title=_("Verzoeken om maatwerk en zorgvernieuwing (S3) en hun uitkomst (Tabel 5.1)"), unit=Unit.COUNT,
    formula=REQUEST_FORMULA, source=REQUEST_SOURCE,
    caveats=(REQUEST_YEAR, SEGMENT_CAVEAT,
             _("Tabel 5.1 van de monitor komt uit de enquête onder zorgaanbieders (ook verzoeken uit eerdere "
               "jaren); dit zijn de verzoeken die in het portaal zijn ingediend.")),
    dimensions=DIMENSIONS)
def maatwerk_requests(ctx: Context) -> list[Cut]:
    kinds = (Request.Kind.MAATWERK, Request.Kind.INNOVATION)
    labels = dict(Request.Kind.choices)
    cuts = []
    for dims, part in spread(request_outcomes(ctx.year, kinds), DIMENSIONS).items():
        by_kind = _tally(part, key=lambda g: g["kind"])
        everything = _state_cells(_all_states(part))
        rows = [Row(key=f"kind:{kind}", label=labels[kind], cells=_state_cells(by_kind.get(kind, {})))
                for kind in kinds]
        rows.append(Row(key="all", label=_("Alle verzoeken"), cells=everything))
        cuts.append(Cut(dims, table(
            columns=_state_columns(), rows=rows, n=everything["requests"],
            headline=headline(everything["honoured_share"], Unit.PERCENT,
                              _("van de besliste verzoeken (geheel of gedeeltelijk) gehonoreerd")))))
    return cuts


@indicator(
    code="maatwerk_contract_share", chapter=Chapter.MAATWERK, order=15,
    title=_("Contracten huisartsenzorg met maatwerk in segment 3"), unit=Unit.PERCENT,
    formula=_("Het aantal ondertekende contracten van huisartsenpraktijken voor het contractjaar waarvoor de "
              "praktijk bij dezelfde verzekeraar een verzoek om maatwerk of een innovatievoorstel over dat jaar "
              "(geheel of gedeeltelijk) gehonoreerd kreeg, gedeeld door alle ondertekende contracten van "
              "huisartsenpraktijken, in procenten."),
    source=_("Ondertekende contracten en verzoeken in het portaal"),
    caveats=(REQUEST_YEAR,
             _("De monitor 2019 noemt ruim 5 procent van de contracten huisartsenzorg met aanvullend maatwerk in "
               "segment 3, naast de ruimte die het standaardcontract al biedt (opgave van de verzekeraars)."),
             _("Projecten die een regionale innovatiecommissie toekent, staan niet als maatwerk in het contract en "
               "tellen hier niet mee.")),
    dimensions=(Dim.INSURER, Dim.REGION))
def maatwerk_contract_share(ctx: Context) -> list[Cut]:
    groups = contracts_with_maatwerk(ctx.year, (Request.Kind.MAATWERK, Request.Kind.INNOVATION))
    names = insurer_names(g["insurer_id"] for g in groups)
    cuts = []
    for dims, part in spread(groups, (Dim.INSURER, Dim.REGION)).items():
        by_insurer: dict = defaultdict(lambda: {"contracts": 0, "with_maatwerk": 0})
        for g in part:
            by_insurer[g["insurer_id"]]["contracts"] += g["contracts"]
            by_insurer[g["insurer_id"]]["with_maatwerk"] += g["with_maatwerk"]
        contracts = sum(g["contracts"] for g in part)
        with_maatwerk = sum(g["with_maatwerk"] for g in part)

        def cells(n, m):
            return {"contracts": n, "with_maatwerk": m, "share": percent(m, n)}

        rows = [Row(key="all", label=_("Alle zorgverzekeraars"), cells=cells(contracts, with_maatwerk))] \
            if dims.insurer is None else []
        for insurer_id in sorted(by_insurer, key=lambda i: names.get(i, "")):
            t = by_insurer[insurer_id]
            rows.append(Row(key=f"insurer:{insurer_id}", label=names.get(insurer_id, ""), insurer=insurer_id,
                            cells=cells(t["contracts"], t["with_maatwerk"])))
        cuts.append(Cut(dims, table(
            columns=[column("contracts", _("Contracten"), Unit.COUNT),
                     column("with_maatwerk", _("Met maatwerk"), Unit.COUNT),
                     column("share", _("Aandeel met maatwerk"), Unit.PERCENT)],
            rows=rows, n=contracts,
            headline=headline(percent(with_maatwerk, contracts), Unit.PERCENT,
                              _("van de contracten huisartsenzorg met maatwerk")))))
    return cuts


@indicator(
    code="module_change_requests", chapter=Chapter.MAATWERK, order=20,
    title=_("Verzoeken tot wijziging van een standaardmodule en hun uitkomst"), unit=Unit.COUNT,
    formula=_("Per standaardmodule het aantal verzoeken over het contractjaar om die module aan te passen of aan "
              "te vullen, en hoe ze eindigden: gehonoreerd, gedeeltelijk gehonoreerd, niet gehonoreerd, nog geen "
              "besluit of ingetrokken. Het aandeel gehonoreerd is (gehonoreerd + gedeeltelijk) gedeeld door de "
              "verzoeken met een besluit, in procenten."),
    source=REQUEST_SOURCE,
    caveats=(REQUEST_YEAR, SEGMENT_CAVEAT,
             _("Vergelijk de enquêtevraag over verzoeken tot aanpassing of aanvulling van de standaardmodules "
               "(vraag 14); die telt zorgaanbieders, dit telt verzoeken.")),
    dimensions=DIMENSIONS)
def module_change_requests(ctx: Context) -> list[Cut]:
    groups = request_outcomes(ctx.year, (Request.Kind.MODULE_CHANGE,))
    # The modules asked about, in the catalogue's order.
    order = {g["module_id"]: (g["module_order"], g["module_name"]) for g in groups if g["module_id"]}
    modules = {pk: order[pk][1] for pk in sorted(order, key=order.get)}
    cuts = []
    for dims, part in spread(groups, DIMENSIONS).items():
        by_module = _tally(part, key=lambda g: g["module_id"])
        everything = _state_cells(_all_states(part))
        rows = [Row(key=f"module:{pk}", label=name, cells=_state_cells(by_module[pk]))
                for pk, name in modules.items() if pk in by_module]
        rows.append(Row(key="all", label=_("Alle verzoeken"), cells=everything))
        cuts.append(Cut(dims, table(
            columns=_state_columns(), rows=rows, n=everything["requests"],
            headline=headline(everything["honoured_share"], Unit.PERCENT,
                              _("van de besliste verzoeken (geheel of gedeeltelijk) gehonoreerd")))))
    return cuts


FOLLOW_COLUMNS = (
    (FollowRequest.Status.FOLLOWED, "followed", _("Gevolgd")),
    (FollowRequest.Status.PARTIAL, "partly", _("Gedeeltelijk gevolgd")),
    (FollowRequest.Status.DECLINED, "declined", _("Niet gevolgd")),
    (FollowRequest.Status.PENDING, "pending", _("Nog niet besloten")),
)


def _follow_cells(counts: dict) -> dict:
    total = sum(counts.values())
    cells = {"requests": total}
    for status, key, _label in FOLLOW_COLUMNS:
        cells[key] = counts.get(status, 0)
        cells[f"{key}_share"] = percent(counts.get(status, 0), total)
    return cells


@indicator(
    code="follow_rates", chapter=Chapter.MAATWERK, order=30,
    title=_("Volgverzoeken: gevolgd, gedeeltelijk, niet of nog niet"), unit=Unit.PERCENT,
    formula=_("Per verzekeraar die werd gevraagd een contract te volgen: het aantal volgverzoeken voor het "
              "contractjaar en hoeveel daarvan gevolgd, gedeeltelijk gevolgd, niet gevolgd of nog niet besloten "
              "zijn, als aantal en als percentage van de volgverzoeken. Het kerncijfer is het percentage "
              "gevolgd."),
    source=_("Volgverzoeken in het portaal: een ondertekend contract dat de zorgaanbieder aan een andere "
             "verzekeraar aanbiedt, met diens besluit"),
    caveats=(SEGMENT_CAVEAT,
             _("De regio is die van het ondertekende contract dat ter volging werd aangeboden."),
             _("Nog niet besloten: op het moment van berekenen; het besluit is uiterlijk 31 december nodig.")),
    dimensions=DIMENSIONS)
def follow_rates(ctx: Context) -> list[Cut]:
    groups = follow_outcomes(ctx.year)
    names = insurer_names(g["insurer_id"] for g in groups)
    cuts = []
    for dims, part in spread(groups, DIMENSIONS).items():
        by_insurer: dict = defaultdict(lambda: defaultdict(int))
        everything: dict = defaultdict(int)
        for g in part:
            by_insurer[g["insurer_id"]][g["status"]] += g["n"]
            everything[g["status"]] += g["n"]
        rows = []
        if dims.insurer is None:
            rows.append(Row(key="all", label=_("Alle zorgverzekeraars"), cells=_follow_cells(everything)))
        for insurer_id in sorted(by_insurer, key=lambda i: names.get(i, "")):
            rows.append(Row(key=f"insurer:{insurer_id}", label=names.get(insurer_id, ""), insurer=insurer_id,
                            cells=_follow_cells(by_insurer[insurer_id]),
                            drill=register_drill(ctx.year, insurer_id)))
        columns = [column("requests", _("Volgverzoeken"), Unit.COUNT)]
        for _status, key, label in FOLLOW_COLUMNS:
            columns += [column(key, label, Unit.COUNT),
                        column(f"{key}_share", f"{label} (%)", Unit.PERCENT)]
        total = _follow_cells(everything)
        cuts.append(Cut(dims, table(columns=columns, rows=rows, n=total["requests"],
                                    headline=headline(total["followed_share"], Unit.PERCENT,
                                                      _("van de volgverzoeken gevolgd")))))
    return cuts


LEAD_DIMENSIONS = (Dim.INSURER, Dim.REGION)
HOLDER_ROWS = (("practice", _("Huisartsenpraktijken")), ("care_group", _("Samenwerkingsverbanden")))


def _lead_cells(histogram: dict) -> dict:
    """Count, median, mean, shortest and longest of a {days: offers} histogram (None when empty)."""
    n = sum(histogram.values())
    if not n:
        return {"n": 0, "median": None, "mean": None, "min": None, "max": None}
    days = sorted(histogram)

    def nth(k):  # the k-th smallest value (0-based)
        seen = 0
        for d in days:
            seen += histogram[d]
            if k < seen:
                return d

    median = nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2
    mean = sum(d * c for d, c in histogram.items()) / n
    return {"n": n, "median": round(float(median), 1), "mean": round(mean, 1), "min": days[0], "max": days[-1]}


@indicator(
    code="signing_lead_time", chapter=Chapter.MAATWERK, order=40,
    title=_("Doorlooptijd van aanbod tot ondertekening"), unit=Unit.DAYS,
    formula=_("Per soort zorgaanbieder (en per verzekeraar): voor elk ondertekend aanbod voor het contractjaar het "
              "aantal kalenderdagen van de dag van het aanbod tot de dag van ondertekening; daarvan het aantal, de "
              "mediaan, het gemiddelde, het minimum en het maximum. Bij een samenwerkingsverband telt het eerste "
              "aanbod van de verzekeraar in de onderhandeling als dag van het aanbod. Het kerncijfer is de mediaan "
              "bij samenwerkingsverbanden."),
    source=_("Aanbiedingen en handtekeningen in het portaal, met de onderhandelingen van samenwerkingsverbanden"),
    caveats=(_("Alleen ondertekende aanbiedingen tellen; een aanbod dat nog open staat telt (nog) niet mee."),
             _("De monitor 2019 noemt voor huisartsenzorg de tijd van het aanbod tot de deadline voor het sluiten "
               "van het contract (1,5 tot 3 maanden); dit is de tijd tot de werkelijke ondertekening."),
             _("Het lopende jaar van een meerjarig contract telt niet opnieuw: daarvoor is niet getekend.")),
    dimensions=LEAD_DIMENSIONS)
def signing_lead_time(ctx: Context) -> list[Cut]:
    groups = signing_lead_times(ctx.year)
    names = insurer_names(g["insurer_id"] for g in groups)
    result = []
    for dims, part in spread(groups, LEAD_DIMENSIONS).items():
        by_kind: dict = defaultdict(lambda: defaultdict(int))
        by_insurer: dict = defaultdict(lambda: defaultdict(int))
        for g in part:
            by_kind[g["holder_kind"]][g["days"]] += g["n"]
            by_insurer[(g["holder_kind"], g["insurer_id"])][g["days"]] += g["n"]
        rows = [Row(key=f"kind:{kind}", label=label, cells=_lead_cells(by_kind.get(kind, {})))
                for kind, label in HOLDER_ROWS]
        if dims.insurer is None:
            labels = dict(HOLDER_ROWS)
            for kind, insurer_id in sorted(by_insurer, key=lambda k: (names.get(k[1], ""), k[1], k[0] != "practice")):
                rows.append(Row(key=f"kind:{kind}:insurer:{insurer_id}",
                                label=f"{names.get(insurer_id, '')} — {labels[kind]}", insurer=insurer_id,
                                cells=_lead_cells(by_insurer[(kind, insurer_id)])))
        care_groups = _lead_cells(by_kind.get("care_group", {}))
        result.append(Cut(dims, table(
            columns=[column("n", _("Ondertekend"), Unit.COUNT), column("median", _("Mediaan"), Unit.DAYS),
                     column("mean", _("Gemiddeld"), Unit.DAYS), column("min", _("Kortst"), Unit.DAYS),
                     column("max", _("Langst"), Unit.DAYS)],
            rows=rows, n=sum(g["n"] for g in part),
            headline=headline(care_groups["median"], Unit.DAYS,
                              _("dagen mediane doorlooptijd bij samenwerkingsverbanden")))))
    return result
