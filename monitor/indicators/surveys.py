"""Indicators of the monitor chapter surveys (see monitor/indicators/__init__.py): the NZa provider survey (Tabel
5.1, 6.1, 6.3, 6.5 and 6.6; transparency of the policy, overleg, regiobijeenkomsten), the NZa insurer
questionnaire (Tabel 6.2 and 6.4), the GP satisfaction survey (per insurer: content, process, maatwerk) and the
portal's own regiobijeenkomsten.

Each survey figure is read from surveys.results, which applies the survey's anonymity threshold: every cut is a
view of the results (the whole, one group of a split by one respondent attribute, or one group of the cross-tab
by vraag 1 for the segment), so a cut shows exactly what the results pages show and never a number they withhold.
One attribute at a time, as there: a cut is national, per segment, per provider type, per region or per insurer,
never two at once (a two-way table with its margins shown gives away its small cells). The one exception is the
GP satisfaction survey's insurer × region: there the insurer is the sub-report (the answers about that insurer),
split by region, as the overlegteam's sub-report is.

The year's survey of a series is surveys.selectors.series_survey: the newest closed one; while it is still open
the indicator says "nog geen resultaten" and gives no figure (results exist only once a survey has closed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.selectors import regional_meeting_figures
from contracting.calendar import last_day
from core.errors import PortalError
from surveys.results import insurer_keys, is_available, survey_crosstabs, survey_results_views
from surveys.selectors import series_survey
from surveys.templates_data import gp_satisfaction, nza_insurer, nza_provider

from . import Chapter, Context, Cut, Dim, Dims, Row, Unit, column, headline, indicator, percent, table

PROVIDER_SERIES = nza_provider.DEFINITION["series"]
INSURER_SERIES = nza_insurer.DEFINITION["series"]
SATISFACTION_SERIES = gp_satisfaction.DEFINITION["series"]
# The question the report's "Segment 1 / Segment 2" columns come from (its options are "s1" and "s2", the
# monitor's segments).
SEGMENT_QUESTION = "Q1"
SEGMENTS = ("s1", "s2")
PROVIDER_TYPES = ("gp", "care_group", "both")

SOURCE_PROVIDER = gettext_lazy("NZa-enquête zorgaanbieders (gesloten enquête van het contractjaar)")
SOURCE_INSURER = gettext_lazy("NZa-vragenlijst zorgverzekeraars (gesloten vragenlijst van het contractjaar)")
SOURCE_SATISFACTION = gettext_lazy("Tevredenheidsonderzoek huisartsen (gesloten enquête van het contractjaar)")

THRESHOLD_CAVEAT = gettext_lazy("Een groep met minder antwoorden dan de drempel van de enquête krijgt geen cijfer, "
                                "in elke uitsplitsing; soms ook een grotere groep, als de kleine anders af te "
                                "leiden is.")
SEGMENT_CAVEAT = gettext_lazy("Segment zoals de zorgaanbieder het bij vraag 1 opgaf (zelfstandig in rekening "
                              "gebracht), als in de tabellen van de NZa; wie beide aanbiedt, telt in beide.")
INSURER_CAVEAT = gettext_lazy("Per zorgverzekeraar: de respondenten met een getekend contract met die "
                              "zorgverzekeraar voor het jaar.")
BIAS_CAVEAT = gettext_lazy("Deelname is vrijwillig; ontevreden zorgaanbieders zijn mogelijk oververtegenwoordigd "
                           "(NZa-monitor 2019).")
PROVIDER_DIMS = (Dim.SEGMENT, Dim.PROVIDER_TYPE, Dim.REGION, Dim.INSURER)

CountCells = dict[str, int]


# --- The year's survey -----------------------------------------------------------------------------------------
def _year_survey(ctx: Context, series: str, columns: list[dict]):
    """(the year's survey of the series, None) when it has results, else (None, the one national cut saying why
    there are no figures: no survey of the series for the year, or one that is still open)."""
    survey = series_survey(series=series, year=ctx.year, now=ctx.now)
    if survey is None:
        note = _("Geen enquête voor %(year)s.") % {"year": ctx.year}
    elif is_available(survey, ctx.now):
        return survey, None
    else:
        note = _("Nog geen resultaten: de enquête sluit op %(day)s.") % {
            "day": formats.date_format(last_day(survey.closes_at), "j F Y")}
    return None, [Cut(Dims(), table(columns=columns, rows=[], notes=[note]))]


# --- From results groups to rows -------------------------------------------------------------------------------
def _withheld_row(key: str, label: str, group) -> Row:
    return Row(key=key, label=label, withheld=True, note=group.note)


def _mean(group) -> float | None:
    return float(group.mean) if group.mean is not None else None


def _provider_cuts(survey, codes: list[str], *, segment: bool = True) -> dict[Dims, dict[str, object]]:
    """Per cut, per question code, the results group of that cut for the question's block(s): national (the
    whole), each segment (cross-tab by vraag 1), each provider type, each region with responses, each insurer.
    The group is `Group` for a question asked once, a list of (block, group) for a matrix (one per theme)."""
    insurers = insurer_keys()
    views = [("", ""), ("provider_type", ""), ("region", ""), *(("insurer", key) for key in insurers)]
    by_view = survey_results_views(survey, views=views, codes=codes)
    out: dict[Dims, dict[str, object]] = defaultdict(dict)

    def put(dims, block, group):
        if block.row:
            out[dims].setdefault(block.question.code, []).append((block, group))
        else:
            out[dims][block.question.code] = group

    for block in by_view[("", "")].blocks:
        put(Dims(), block, block.groups[0])
    for dimension, field in (("provider_type", "provider_type"), ("region", "region")):
        for block in by_view[(dimension, "")].blocks:
            for group in block.groups[1:]:
                if not group.key:
                    continue  # respondents without this attribute: in the whole only
                value = int(group.key) if field == "region" else group.key
                if field == "provider_type" and value not in PROVIDER_TYPES:
                    continue
                put(Dims(**{field: value}), block, group)
    for key in insurers:
        for block in by_view[("insurer", key)].blocks:
            put(Dims(insurer=int(key)), block, block.groups[0])
    if segment:
        try:
            crossed = survey_crosstabs(survey, rows=SEGMENT_QUESTION, columns=codes)
        except PortalError:
            crossed = {}  # a survey of the series without vraag 1: no segment cuts
        for code, results in crossed.items():
            for block in results.blocks:
                for group in block.groups[1:]:
                    if group.key in SEGMENTS:
                        out[Dims(segment=group.key)][code] = group
    return out


# --- One single-choice question of the provider survey ---------------------------------------------------------
def _choice_columns() -> list[dict]:
    return [column("count", _("Aantal"), Unit.COUNT), column("percent", _("Percentage"), Unit.PERCENT)]


def _choice_table(question_options: list[tuple[str, str]], group, headline_of: Callable[[CountCells, int], tuple]):
    if group is None or not group.shown:
        note = group.note if group is not None else _("geen antwoorden")
        rows = [Row(key=value, label=label, withheld=True, note=note) for value, label in question_options]
        return table(columns=_choice_columns(), rows=rows, n=None)
    rows = [Row(key=c.value, label=c.label, cells={"count": c.count, "percent": float(c.percent)})
            for c in group.cells]
    value, label = headline_of({c.value: c.count for c in group.cells}, group.n)
    return table(columns=_choice_columns(), rows=rows, n=group.n, headline=headline(value, Unit.PERCENT, label))


def _share_of(options: tuple[str, ...], label) -> Callable[[CountCells, int], tuple]:
    """Headline: the percentage of the group choosing one of `options`."""
    return lambda counts, n: (percent(sum(counts.get(o, 0) for o in options), n), str(label))


def _honoured_of_requests(counts: CountCells, n: int) -> tuple:
    """Headline of Tabel 5.1 and vraag 14: of those who made a request, the share (partly) honoured."""
    asked = n - counts.get("geen-verzoek", 0)
    return (percent(counts.get("gedeeltelijk", 0) + counts.get("gehonoreerd", 0), asked),
            _("(gedeeltelijk) gehonoreerd, van wie een verzoek indiende"))


def _choice_indicator(*, code, question, order, title, formula, headline_of, caveats=()):
    """Registers the indicator of one single-choice question of the provider survey: per option the number and
    percentage of the cut's respondents, under the threshold."""

    @indicator(code=code, chapter=Chapter.SURVEYS, order=order, title=title, unit=Unit.PERCENT, formula=formula,
               source=SOURCE_PROVIDER, caveats=(THRESHOLD_CAVEAT, SEGMENT_CAVEAT, INSURER_CAVEAT, *caveats),
               dimensions=PROVIDER_DIMS)
    def compute(ctx: Context) -> list[Cut]:
        with translation.override("nl"):
            survey, empty = _year_survey(ctx, PROVIDER_SERIES, _choice_columns())
            if empty:
                return empty
            q = survey.questions.filter(code=question).first()
            if q is None:
                note = _("Vraag %(code)s staat niet in deze enquête.") % {"code": question}
                return [Cut(Dims(), table(columns=_choice_columns(), rows=[], notes=[note]))]
            options = [(str(o["value"]), o.get("label") or str(o["value"])) for o in q.options or []]
            cuts = _provider_cuts(survey, [question])
            return [Cut(dims, _choice_table(options, groups.get(question), headline_of))
                    for dims, groups in cuts.items()]

    compute.__name__ = code
    return compute


_choice_indicator(
    code="survey_policy_transparent", question="Q9", order=10,
    title=gettext_lazy("Inkoopbeleid helder en transparant (vraag 9)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 9 beantwoordden (\"Is het inkoopbeleid van de "
                         "zorgverzekeraar waar u een contract mee hebt afgesloten helder/transparant geformuleerd "
                         "voor u?\"): het aantal en percentage per antwoord. Kopcijfer: het percentage \"Nee\" "
                         "(onvoldoende transparant)."),
    headline_of=_share_of(("nee",), gettext_lazy("vindt het inkoopbeleid niet helder/transparant")),
    caveats=(gettext_lazy("De NZa-monitor 2019 noemt 59% \"onvoldoende\" in segment 1 (244 van 412)."),))

_choice_indicator(
    code="survey_policy_changes_clear", question="Q10", order=20,
    title=gettext_lazy("Beleidswijzigingen helder toegelicht (vraag 10)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 10 beantwoordden (\"Zijn beleidswijzigingen van uw "
                         "zorgverzekeraar ten opzichte van het voorgaande contract helder toegelicht?\"): het aantal "
                         "en percentage per antwoord. Kopcijfer: het percentage \"Nee\"."),
    headline_of=_share_of(("nee",), gettext_lazy("vindt beleidswijzigingen niet helder toegelicht")))

_choice_indicator(
    code="survey_overleg", question="Q11", order=30,
    title=gettext_lazy("Aanvullend overleg na het contractvoorstel (vraag 11)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 11 beantwoordden (aanvullend overleg met de "
                         "zorgverzekeraar na ontvangst van het contractvoorstel, ook via het overlegteam of de "
                         "zorggroep): het aantal en percentage per antwoord. Kopcijfer: het percentage dat overleg "
                         "voerde (met afwijzing of met een aangepast contract als resultaat)."),
    headline_of=_share_of(("ja-afwijzing", "ja-aangepast"), gettext_lazy("voerde aanvullend overleg")))

_choice_indicator(
    code="survey_overleg_approachable", question="Q12", order=40,
    title=gettext_lazy("Zorgverzekeraar goed benaderbaar na overleg (vraag 12)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 12 beantwoordden (gesteld aan wie bij vraag 11 \"ja, met "
                         "aangepast contract tot gevolg\" koos): het aantal en percentage per antwoord. Kopcijfer: "
                         "het percentage \"Ja\"."),
    headline_of=_share_of(("ja",), gettext_lazy("vond de zorgverzekeraar goed benaderbaar")))

_choice_indicator(
    code="survey_innovation_requests", question="Q13", order=50,
    title=gettext_lazy("Verzoeken om zorginnovatie in segment 3 en hun resultaat (Tabel 5.1, vraag 13)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 13 beantwoordden: het aantal en percentage per antwoord "
                         "(geen verzoek; niet gehonoreerd; gedeeltelijk; gehonoreerd). Kopcijfer: van wie een "
                         "verzoek indiende, het percentage dat (gedeeltelijk) is gehonoreerd."),
    headline_of=_honoured_of_requests,
    caveats=(gettext_lazy("De vraag gaat niet alleen over het afgelopen jaar: een verzoek kan in een eerder jaar "
                          "zijn ingediend (NZa-monitor 2019)."),))

_choice_indicator(
    code="survey_module_requests", question="Q14", order=60,
    title=gettext_lazy("Verzoeken om aanpassing van de standaardmodules en hun resultaat (vraag 14)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 14 beantwoordden: het aantal en percentage per antwoord. "
                         "Kopcijfer: van wie een verzoek indiende, het percentage dat (gedeeltelijk) is "
                         "gehonoreerd."),
    headline_of=_honoured_of_requests)

_choice_indicator(
    code="survey_regional_meetings", question="Q15", order=70,
    title=gettext_lazy("Regiobijeenkomsten over het inkoopbeleid georganiseerd (vraag 15)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 15 beantwoordden (\"Worden in uw regio bijeenkomsten "
                         "georganiseerd door een zorgverzekeraar waar het inkoopbeleid wordt toegelicht?\"): het "
                         "aantal en percentage per antwoord. Kopcijfer: het percentage \"Ja\"."),
    headline_of=_share_of(("ja",), gettext_lazy("zegt dat er regiobijeenkomsten waren")),
    caveats=(gettext_lazy("Wat het portaal zelf van de regiobijeenkomsten weet, staat bij \"Regiobijeenkomsten in "
                          "het portaal\"."),))

_choice_indicator(
    code="survey_regional_meetings_attended", question="Q16", order=80,
    title=gettext_lazy("Regiobijeenkomst bijgewoond (vraag 16)"),
    formula=gettext_lazy("Van de zorgaanbieders die vraag 16 beantwoordden (gesteld aan wie bij vraag 15 \"Ja\" "
                         "koos): het aantal en percentage per antwoord. Kopcijfer: het percentage \"Ja\"."),
    headline_of=_share_of(("ja",), gettext_lazy("woonde een regiobijeenkomst bij")))


# --- Tabel 6.1 and 6.3: a 1–10 question of the provider survey, split by provider type --------------------------
def _scale_columns(top: int) -> list[dict]:
    return [column("n", _("Aantal antwoorden"), Unit.COUNT), column("mean", _("Gemiddeld"), Unit.MARK),
            *(column(str(v), str(v), Unit.PERCENT) for v in range(1, top + 1))]


def _scale_row(key: str, group) -> Row:
    if not group.shown:
        return _withheld_row(key, group.label, group)
    cells = {"n": group.n, "mean": _mean(group), **{c.value: float(c.percent) for c in group.cells}}
    return Row(key=key, label=group.label, cells=cells)


def _scale_indicator(*, code, question, order, title, formula, caveats=()):
    @indicator(code=code, chapter=Chapter.SURVEYS, order=order, title=title, unit=Unit.MARK, formula=formula,
               source=SOURCE_PROVIDER, caveats=(THRESHOLD_CAVEAT, INSURER_CAVEAT, BIAS_CAVEAT, *caveats),
               dimensions=(Dim.PROVIDER_TYPE, Dim.REGION, Dim.INSURER))
    def compute(ctx: Context) -> list[Cut]:
        with translation.override("nl"):
            columns = _scale_columns(10)
            survey, empty = _year_survey(ctx, PROVIDER_SERIES, columns)
            if empty:
                return empty
            cuts = _provider_cuts(survey, [question], segment=False)
            out = []
            for dims, groups in cuts.items():
                group = groups.get(question)
                if group is None:
                    continue
                rows = [_scale_row(group.key or "all", group)]
                if dims == Dims():
                    # The report's split: practices only, care groups only, both.
                    rows += [_scale_row(t, cuts[Dims(provider_type=t)][question]) for t in PROVIDER_TYPES
                             if question in cuts.get(Dims(provider_type=t), {})]
                mark = _mean(group) if group.shown else None
                out.append(Cut(dims, table(columns=columns, rows=rows, n=group.n if group.shown else None,
                                           headline=headline(mark, Unit.MARK, _("gemiddeld rapportcijfer"))
                                           if mark is not None else None)))
            return out

    compute.__name__ = code
    return compute


_scale_indicator(
    code="survey_fact_base_coordinated", question="Q19", order=110,
    title=gettext_lazy("Feitelijk beeld van de zorgvraag in de regio gecoördineerd ingezet: zorgaanbieders "
                       "(Tabel 6.1, vraag 19)"),
    formula=gettext_lazy("Rapportcijfer 1–10 van de zorgaanbieders op vraag 19 (\"Bent u van mening/ervaart u dat "
                         "in uw regio deze beweging gecoördineerd is ingezet?\"): per groep het aantal antwoorden, "
                         "het gemiddelde en het percentage per cijfer; landelijk uitgesplitst naar alleen "
                         "huisartsenzorg, alleen multidisciplinaire zorg en beide. Kopcijfer: het gemiddelde."),
    caveats=(gettext_lazy("1 = in zijn geheel geen ervaring dat hierop wordt ingezet; 10 = het feitelijk beeld is "
                          "al gerealiseerd en inzichtelijk."),))

_scale_indicator(
    code="survey_fact_base_in_contract", question="Q20", order=130,
    title=gettext_lazy("Resultaten landen in het huidige contract: zorgaanbieders (Tabel 6.3, vraag 20)"),
    formula=gettext_lazy("Rapportcijfer 1–10 van de zorgaanbieders op vraag 20 (\"Bent u van mening/ervaart u dat "
                         "de resultaten uit deze beweging ook al landen in het huidige contract?\"), zoals bij "
                         "Tabel 6.1. Kopcijfer: het gemiddelde."),
    caveats=(gettext_lazy("1 = in het geheel geen relatie tussen contract en opgave in de regio; 10 = het contract "
                          "sluit volledig aan."),))


# --- Tabel 6.2 and 6.4: the insurers' 1–10 per contracted care group ------------------------------------------
def _per_care_group_columns() -> list[dict]:
    return [column("mean", _("Gemiddeld"), Unit.MARK), column("n", _("Aantal zorgverzekeraars"), Unit.COUNT)]


def _care_group_indicator(*, code, question, order, title, formula, caveats=()):
    @indicator(code=code, chapter=Chapter.SURVEYS, order=order, title=title, unit=Unit.MARK, formula=formula,
               source=SOURCE_INSURER, nza_only=True,
               caveats=(gettext_lazy("Per samenwerkingsverband: de oordelen van de zorgverzekeraars die er een "
                                     "contract mee hebben; het kopcijfer is het ongewogen gemiddelde over de "
                                     "samenwerkingsverbanden."),
                        gettext_lazy("Alleen de NZa ziet de antwoorden van de zorgverzekeraars op deze "
                                     "vragenlijst."), *caveats))
    def compute(ctx: Context) -> list[Cut]:
        with translation.override("nl"):
            columns = _per_care_group_columns()
            survey, empty = _year_survey(ctx, INSURER_SERIES, columns)
            if empty:
                return empty
            results = survey_results_views(survey, views=[("", "")], codes=[question])[("", "")]
            rows, marks = [], []
            for block in results.blocks:
                if not block.repeat_key:
                    continue
                group, key = block.groups[0], f"care_group:{block.repeat_key}"
                if not group.shown:
                    rows.append(_withheld_row(key, block.repeat_label, group))
                    continue
                rows.append(Row(key=key, label=block.repeat_label, cells={"mean": _mean(group), "n": group.n}))
                if group.mean is not None:
                    marks.append(group.mean)
            mark = round(float(sum(marks) / len(marks)), 1) if marks else None
            head = headline(mark, Unit.MARK, _("gemiddeld over de samenwerkingsverbanden")) if marks else None
            return [Cut(Dims(), table(columns=columns, rows=rows, n=len(marks), headline=head))]

    compute.__name__ = code
    return compute


_care_group_indicator(
    code="survey_fact_base_coordinated_insurers", question="V18", order=120,
    title=gettext_lazy("Feitelijk beeld van de zorgvraag in de regio gecoördineerd ingezet: zorgverzekeraars per "
                       "samenwerkingsverband (Tabel 6.2)"),
    formula=gettext_lazy("Per gecontracteerd samenwerkingsverband het gemiddelde rapportcijfer 1–10 dat de "
                         "zorgverzekeraars geven op vraag V18 (dezelfde vraag als vraag 19 aan de zorgaanbieders, "
                         "voor de regio van het samenwerkingsverband). Kopcijfer: het gemiddelde over de "
                         "samenwerkingsverbanden (NZa-monitor 2019: 6,2)."))

_care_group_indicator(
    code="survey_fact_base_in_contract_insurers", question="V19", order=140,
    title=gettext_lazy("Resultaten landen in het huidige contract: zorgverzekeraars per samenwerkingsverband "
                       "(Tabel 6.4)"),
    formula=gettext_lazy("Per gecontracteerd samenwerkingsverband het gemiddelde rapportcijfer 1–10 dat de "
                         "zorgverzekeraars geven op vraag V19 (dezelfde vraag als vraag 20 aan de zorgaanbieders). "
                         "Kopcijfer: het gemiddelde over de samenwerkingsverbanden (NZa-monitor 2019: 6,14)."))


# --- Tabel 6.5 and 6.6: the themes of the bestuurlijk akkoord (matrix) -----------------------------------------
def _matrix_indicator(*, code, question, order, title, formula, unit, headline_of, caveats=()):
    @indicator(code=code, chapter=Chapter.SURVEYS, order=order, title=title, unit=unit, formula=formula,
               source=SOURCE_PROVIDER, caveats=(THRESHOLD_CAVEAT, INSURER_CAVEAT, BIAS_CAVEAT, *caveats),
               dimensions=(Dim.PROVIDER_TYPE, Dim.REGION, Dim.INSURER))
    def compute(ctx: Context) -> list[Cut]:
        with translation.override("nl"):
            survey, empty = _year_survey(ctx, PROVIDER_SERIES, [column("n", _("Aantal antwoorden"), Unit.COUNT)])
            if empty:
                return empty
            out = []
            for dims, groups in _provider_cuts(survey, [question], segment=False).items():
                themes = groups.get(question) or []
                if not themes:
                    continue
                options = themes[0][0].options
                columns = [column("n", _("Aantal antwoorden"), Unit.COUNT),
                           *(column(value, label, Unit.PERCENT) for value, label in options)]
                rows, shown = [], []
                for block, group in themes:
                    if not group.shown:
                        rows.append(_withheld_row(block.row, block.row_label, group))
                        continue
                    counts = {c.value: c.count for c in group.cells}
                    rows.append(Row(key=block.row, label=block.row_label,
                                    cells={"n": group.n, **{c.value: float(c.percent) for c in group.cells}}))
                    shown.append((counts, group.n))
                value, label = headline_of(shown)
                out.append(Cut(dims, table(columns=columns, rows=rows,
                                           headline=headline(value, unit, label) if value is not None else None,
                                           notes=[_("De antwoordlabels zijn in de bron (NZa-monitor 2019) verloren "
                                                    "gegaan; de kolommen zijn genummerd.")])))
            return out

    compute.__name__ = code
    return compute


def _obstructive_share(shown: list[tuple[CountCells, int]]) -> tuple:
    """Headline of Tabel 6.5: over the shown themes, the mean share answering one of the columns the report's
    text calls "belemmerend of ernstig belemmerend"."""
    shares = [sum(counts.get(v, 0) for v in nza_provider.OBSTRUCTIVE_COLUMNS) / n for counts, n in shown if n]
    if not shares:
        return None, ""
    return (round(100 * sum(shares) / len(shares), 1),
            _("gemiddeld over de thema's: belemmerend of ernstig belemmerend (kolom %(columns)s)")
            % {"columns": " en ".join(nza_provider.OBSTRUCTIVE_COLUMNS)})


def _obstacle_answers(shown: list[tuple[CountCells, int]]) -> tuple:
    """Headline of Tabel 6.6: how many theme answers named an obstacle (over the shown themes)."""
    if not shown:
        return None, ""
    return sum(n for _counts, n in shown), _("antwoorden over een belemmering (thema's samen)")


_matrix_indicator(
    code="survey_themes_room", question="Q17", order=150, unit=Unit.PERCENT,
    title=gettext_lazy("Ruimte in het contract per thema uit het bestuurlijk akkoord (Tabel 6.5, vraag 17)"),
    formula=gettext_lazy("Per thema van vraag 17 (\"Biedt uw contract voldoende ruimte ... per thema\"): het aantal "
                         "antwoorden en het percentage per kolom van de vijfpuntsschaal. Kopcijfer: het gemiddelde "
                         "over de getoonde thema's van het percentage in de kolommen belemmerend en ernstig "
                         "belemmerend."),
    headline_of=_obstructive_share,
    caveats=(gettext_lazy("Welke kolommen \"belemmerend\" en \"ernstig belemmerend\" zijn (4 en 5), is afgeleid uit "
                          "de tekst van de NZa-monitor, niet overgeleverd."),))

_matrix_indicator(
    code="survey_themes_obstacles", question="Q17b", order=160, unit=Unit.COUNT,
    title=gettext_lazy("Belangrijkste belemmering per thema (Tabel 6.6, vraag 17b)"),
    formula=gettext_lazy("Per thema van vraag 17b (gesteld per thema waarop de zorgaanbieder bij vraag 17 "
                         "belemmering aangaf): het aantal antwoorden en het percentage per categorie. Kopcijfer: "
                         "het aantal antwoorden over de getoonde thema's samen."),
    headline_of=_obstacle_answers)


# --- Satisfaction of GPs per insurer (the GP satisfaction survey) ----------------------------------------------
def _rating_columns() -> list[dict]:
    return [column("mean", _("Gemiddeld"), Unit.MARK), column("n", _("Aantal huisartsen"), Unit.COUNT)]


def _rating_row(block, group) -> Row:
    key, insurer = f"insurer:{block.repeat_key}", int(block.repeat_key)
    if not group.shown:
        return Row(key=key, label=block.repeat_label, insurer=insurer, withheld=True, note=group.note)
    return Row(key=key, label=block.repeat_label, insurer=insurer, cells={"mean": _mean(group), "n": group.n})


def _rating_table(rows_and_groups, label) -> dict:
    rows = [_rating_row(block, group) for block, group in rows_and_groups]
    marks = [group.mean for _block, group in rows_and_groups if group.shown and group.mean is not None]
    if len(rows_and_groups) == 1:
        head_label = _("gemiddeld rapportcijfer")
    else:
        head_label = _("gemiddelde van de zorgverzekeraars")
    mark = round(float(sum(marks) / len(marks)), 1) if marks else None
    return table(columns=_rating_columns(), rows=rows, n=None,
                 headline=headline(mark, Unit.MARK, f"{label}: {head_label}") if marks else None)


def _satisfaction_indicator(*, code, question, order, title, subject, formula):
    @indicator(code=code, chapter=Chapter.SURVEYS, order=order, title=title, unit=Unit.MARK, formula=formula,
               source=SOURCE_SATISFACTION,
               caveats=(THRESHOLD_CAVEAT,
                        gettext_lazy("Een huisarts beoordeelt elke zorgverzekeraar waarmee de praktijk een contract "
                                     "heeft; de cijfers per zorgverzekeraar worden niet samengenomen (een huisarts "
                                     "telde anders meermaals). Het landelijke kopcijfer is het ongewogen gemiddelde "
                                     "van de getoonde zorgverzekeraars."),
                        gettext_lazy("Per zorgverzekeraar: de oordelen over die zorgverzekeraar (de "
                                     "deelrapportage), ook per regio.")),
               dimensions=(Dim.INSURER, Dim.REGION, Dim.PROVIDER_TYPE))
    def compute(ctx: Context) -> list[Cut]:
        with translation.override("nl"):
            survey, empty = _year_survey(ctx, SATISFACTION_SERIES, _rating_columns())
            if empty:
                return empty
            views = survey_results_views(survey, views=[("", ""), ("region", ""), ("provider_type", "")],
                                         codes=[question])
            cuts: dict[Dims, list] = defaultdict(list)
            cuts[Dims()] = []  # the national cut, also when nobody rated an insurer
            for block in views[("", "")].blocks:
                if block.repeat_key:
                    cuts[Dims()].append((block, block.groups[0]))
                    cuts[Dims(insurer=int(block.repeat_key))].append((block, block.groups[0]))
            for dimension in ("region", "provider_type"):
                for block in views[(dimension, "")].blocks:
                    if not block.repeat_key:
                        continue
                    for group in block.groups[1:]:
                        if not group.key or (dimension == "provider_type" and group.key not in PROVIDER_TYPES):
                            continue
                        value = int(group.key) if dimension == "region" else group.key
                        cuts[Dims(**{dimension: value})].append((block, group))
                        if dimension == "region":
                            # The insurer's sub-report split by region (the overlegteam's view).
                            cuts[Dims(insurer=int(block.repeat_key), region=value)].append((block, group))
            return [Cut(dims, _rating_table(pairs, subject)) for dims, pairs in cuts.items()]

    compute.__name__ = code
    return compute


_satisfaction_indicator(
    code="satisfaction_content", question="T1", order=210, subject=gettext_lazy("inhoud"),
    title=gettext_lazy("Tevredenheid huisartsen per zorgverzekeraar: inhoud van het contract"),
    formula=gettext_lazy("Per zorgverzekeraar het gemiddelde rapportcijfer 1–10 van de huisartsen voor de inhoud "
                         "van het contract (vraag T1 van het tevredenheidsonderzoek) en het aantal huisartsen dat "
                         "het gaf."))

_satisfaction_indicator(
    code="satisfaction_process", question="T2", order=220, subject=gettext_lazy("proces"),
    title=gettext_lazy("Tevredenheid huisartsen per zorgverzekeraar: contracteringsproces"),
    formula=gettext_lazy("Per zorgverzekeraar het gemiddelde rapportcijfer 1–10 van de huisartsen voor het "
                         "contracteringsproces (vraag T2) en het aantal huisartsen dat het gaf."))

_satisfaction_indicator(
    code="satisfaction_maatwerk", question="T3", order=230, subject=gettext_lazy("maatwerk"),
    title=gettext_lazy("Tevredenheid huisartsen per zorgverzekeraar: mogelijkheden voor maatwerk"),
    formula=gettext_lazy("Per zorgverzekeraar het gemiddelde rapportcijfer 1–10 van de huisartsen voor de "
                         "mogelijkheden voor maatwerkafspraken (vraag T3) en het aantal huisartsen dat het gaf."))


# --- The portal's own regiobijeenkomsten -----------------------------------------------------------------------
def _meeting_columns() -> list[dict]:
    return [column("meetings", _("Bijeenkomsten"), Unit.COUNT), column("invited", _("Uitgenodigd"), Unit.COUNT),
            column("present", _("Aanwezig"), Unit.COUNT), column("present_percent", _("Aanwezig"), Unit.PERCENT)]


def _meeting_row(key, label, insurer, figures) -> Row:
    meetings = sum(f.meetings for f in figures)
    invited, present = sum(f.invited for f in figures), sum(f.present for f in figures)
    return Row(key=key, label=label, insurer=insurer,
               cells={"meetings": meetings, "invited": invited, "present": present,
                      "present_percent": percent(present, invited)})


def _meeting_table(rows: list[Row], figures) -> dict:
    invited, present = sum(f.invited for f in figures), sum(f.present for f in figures)
    value = percent(present, invited)
    head = (headline(value, Unit.PERCENT, _("van de uitgenodigde praktijken en samenwerkingsverbanden was aanwezig"))
            if value is not None else None)
    return table(columns=_meeting_columns(), rows=rows, n=invited, headline=head)


@indicator(code="regional_meetings_portal", chapter=Chapter.SURVEYS, order=90,
           title=gettext_lazy("Regiobijeenkomsten in het portaal"), unit=Unit.PERCENT,
           formula=gettext_lazy("Per zorgverzekeraar (en per regio) de regiobijeenkomsten over het inkoopbeleid van "
                                "het contractjaar die hebben plaatsgevonden (niet afgelast), de praktijken en "
                                "samenwerkingsverbanden die ervoor zijn uitgenodigd en die als aanwezig zijn "
                                "vastgelegd. Kopcijfer: aanwezig als percentage van de uitgenodigden, naast vraag "
                                "15 en 16 van de NZa-enquête."),
           source=gettext_lazy("Regiobijeenkomsten, uitnodigingen en aanwezigheid in het portaal"),
           caveats=(gettext_lazy("Een praktijk of samenwerkingsverband telt één keer per zorgverzekeraar en regio, "
                                 "ook bij meer bijeenkomsten."),
                    gettext_lazy("Aanwezigheid telt alleen waar de zorgverzekeraar die heeft vastgelegd.")),
           dimensions=(Dim.INSURER, Dim.REGION))
def regional_meetings_portal(ctx: Context) -> list[Cut]:
    with translation.override("nl"):
        figures = regional_meeting_figures(year=ctx.year, now=ctx.now)
        by_insurer, by_region = defaultdict(list), defaultdict(list)
        for f in figures:
            by_insurer[f.insurer_id].append(f)
            by_region[f.region_id].append(f)
        names = {f.insurer_id: f.insurer_name for f in figures}
        regions = {f.region_id: f.region_name for f in figures}

        def per_insurer(items):
            grouped = defaultdict(list)
            for f in items:
                grouped[f.insurer_id].append(f)
            return [_meeting_row(f"insurer:{i}", names[i], i, grouped[i])
                    for i in sorted(grouped, key=lambda i: names[i])]

        def per_region(items):
            return [_meeting_row(f"region:{f.region_id}", regions[f.region_id], f.insurer_id, [f])
                    for f in sorted(items, key=lambda f: regions[f.region_id])]

        cuts = [Cut(Dims(), _meeting_table(per_insurer(figures), figures))]
        cuts += [Cut(Dims(insurer=i), _meeting_table(per_region(items), items)) for i, items in by_insurer.items()]
        cuts += [Cut(Dims(region=r), _meeting_table(per_insurer(items), items)) for r, items in by_region.items()]
        cuts += [Cut(Dims(insurer=f.insurer_id, region=f.region_id),
                     _meeting_table([_meeting_row(f"insurer:{f.insurer_id}", names[f.insurer_id], f.insurer_id, [f])],
                                    [f])) for f in figures]
        if not figures:
            cuts[0].value["notes"].append(_("Geen regiobijeenkomsten over het inkoopbeleid van %(year)s in het "
                                            "portaal.") % {"year": ctx.year})
        return cuts
