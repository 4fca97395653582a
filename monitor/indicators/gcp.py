"""Indicators of the monitor chapter gcp (see monitor/indicators/__init__.py): the GCP compliance scoreboard per
insurer and the share of response clocks met.

Every date comes from the contract year's milestone rows (contracting.selectors.year_deadlines), so a milestone
an administrator moved moves the verdict; every count from the other apps' selectors. "By D" is by the end of
the day a person reads for the milestone (the exclusive bound: 00:00 on D+1, Amsterdam time)."""

from datetime import datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from consultations.clocks import KNELPUNT_REACTION_CLOCK as OVERLEG_KNELPUNT_CLOCK
from consultations.clocks import POSITION_DECISION_CLOCK
from consultations.selectors import evaluations_of_year, insurer_overleg_clock_outcomes
from contracting.calendar import (
    FOLLOW_DECISION_CLOCK,
    KNELPUNT_REACTION_CLOCK,
    MIN_SIGNING_PERIOD,
    REQUEST_REACTION_CLOCK,
    REQUEST_SETTLE_CLOCK,
    MilestoneKind,
    end_of_day,
    local_date,
)
from contracting.engine import calendar_rule
from contracting.models import Request
from contracting.selectors import (
    CLOCK_OUTCOMES,
    caregroup_offer_counts,
    gcp_insurer_facts,
    gcp_insurers,
    insurer_clock_outcomes,
    year_deadlines,
)
from contracting.selectors.clocks import OWN_OFFER_CLOCK_PREFIX

from . import Chapter, Context, Cut, Dim, Dims, Row, Unit, column, headline, indicator, percent, table

K = MilestoneKind

# --- The scoreboard -----------------------------------------------------------------------------------------
ON_TIME, LATE, MISSING, NOT_DUE, NOT_APPLICABLE, NOT_PARTY = (
    "on_time", "late", "missing", "not_due", "not_applicable", "not_party")
STATUS_LABELS = {
    ON_TIME: _("op tijd"),
    LATE: _("te laat"),
    MISSING: _("ontbreekt"),
    NOT_DUE: _("nog niet verstreken"),
    NOT_APPLICABLE: _("n.v.t."),
    NOT_PARTY: _("geen partij bij GCP"),
}
# What counts in an insurer's score: the milestones whose verdict is in.
JUDGED = (ON_TIME, LATE, MISSING)

# The GCP's obligations of the insurer in the calendar of contract year Y, in date order: (column key, the
# milestone that dates it, its column label).
SCOREBOARD_MILESTONES = (
    ("evaluation", K.EVALUATION_COMMUNICATED, _("Evaluatie (1 maart)")),
    ("policy", K.POLICY_PUBLICATION, _("Inkoopbeleid (1 april)")),
    ("caregroup_offers", K.CAREGROUP_OFFERS, _("Zorggroepen (15 juli)")),
    ("individual_offer", K.INDIVIDUAL_OFFERS_FINAL, _("Contractaanbod (15 september)")),
    ("signing_period", K.SIGNING_CLOSE, _("5 weken om te tekenen")),
    ("register", K.REGISTER_PUBLICATION, _("Register (19 november)")),
    ("follow_decisions", K.FOLLOW_DECISIONS_DUE, _("Volgbesluiten (31 december)")),
)


def done_by(done_at: datetime | None, by: datetime | None, now: datetime) -> str:
    """The verdict on something due `by` (exclusive) that was done at `done_at` (None: not done), at `now`."""
    if by is None:
        return NOT_APPLICABLE
    if done_at is not None:
        return ON_TIME if done_at < by else LATE
    return MISSING if now >= by else NOT_DUE


def counted_by(*, total: int, in_time: int, late: int, waiting: int, by: datetime | None, now: datetime) -> str:
    """The verdict on a set of things each due `by`: missing once one is still waiting after the moment, late
    when one was done at or after it, on time when all were done before it."""
    if by is None or total == 0:
        return NOT_APPLICABLE if by is None or now >= by else NOT_DUE
    if waiting and now >= by:
        return MISSING
    if late:
        return LATE
    return NOT_DUE if waiting else ON_TIME


def _by(deadlines: dict, kind: str) -> datetime | None:
    """The exclusive moment by which milestone `kind` of the year is met: the end of the day a person reads for
    it (for "from 19 November" the end of 19 November too)."""
    deadline = deadlines.get(kind)
    return end_of_day(deadline.day) if deadline else None


def scoreboard_rows(ctx: Context) -> list[dict]:
    """Per insurer (by name): id, name, GCP party, and the verdict per scoreboard milestone. Eleven queries."""
    now = ctx.now
    deadlines = year_deadlines(ctx.year, now)
    by = {key: _by(deadlines, kind) for key, kind, _label in SCOREBOARD_MILESTONES}
    # Decisions are counted before or after the same moment their verdict is judged against (the end of the day).
    facts = gcp_insurer_facts(ctx.year, follow_due=by["follow_decisions"])
    caregroups = caregroup_offer_counts(ctx.year, due=by["caregroup_offers"]) if by["caregroup_offers"] else {}
    evaluations = {e.insurer_id: (e, lateness) for e, lateness in evaluations_of_year(ctx.year, now)}
    signing_open = deadlines.get(K.SIGNING_OPEN)
    rows = []
    for insurer_id, name, party in gcp_insurers():
        row = {"id": insurer_id, "name": name, "party": party, "status": {}}
        rows.append(row)
        if not party:
            row["status"] = dict.fromkeys(by, NOT_PARTY)
            continue
        f = facts.get(insurer_id)
        status = row["status"]
        evaluation = evaluations.get(insurer_id)
        status["evaluation"] = _evaluation(evaluation, by["evaluation"], now)
        status["policy"] = done_by(f and f.policy_published_at, by["policy"], now)
        cg = caregroups.get(insurer_id, {"total": 0, "in_time": 0, "late": 0, "none": 0})
        status["caregroup_offers"] = counted_by(total=cg["total"], in_time=cg["in_time"], late=cg["late"],
                                                waiting=cg["none"], by=by["caregroup_offers"], now=now)
        status["individual_offer"] = done_by(f and f.practice_contract_published_at, by["individual_offer"], now)
        status["signing_period"] = _signing_period(f, signing_open, deadlines.get(K.SIGNING_CLOSE), now)
        status["register"] = done_by(f and f.register_published_at, by["register"], now)
        fr = (f.follow_requests if f else None) or {}
        status["follow_decisions"] = counted_by(
            total=fr.get("total", 0), in_time=fr.get("decided_before", 0), late=fr.get("decided_after", 0),
            waiting=fr.get("pending", 0), by=by["follow_decisions"], now=now)
    return rows


def _evaluation(evaluation, by: datetime | None, now: datetime) -> str:
    """Shared with contractants and overlegteams by 1 March, as consultations.selectors.evaluation_lateness
    reads it against the milestone (no evaluation written at all is judged as one never shared)."""
    if evaluation is None:
        return done_by(None, by, now)
    evaluation, lateness = evaluation
    if lateness.shared is None:
        return NOT_APPLICABLE
    if evaluation.shared_at is not None:
        return LATE if lateness.shared_late else ON_TIME
    return MISSING if lateness.shared_late else NOT_DUE


def _signing_period(f, signing_open, signing_close, now: datetime) -> str:
    """At least 5 weeks from the moment an offer could be signed (signing opens, or the offer came later) to
    the end of signing, for every offer the insurer sent as preferent insurer: judged once signing opened;
    an offer that left less is late; no offers although its individual contract covers the year (it runs on
    from an earlier year) is n.v.t.; no contract at all is missing."""
    if signing_open is None or signing_close is None:
        return NOT_APPLICABLE
    if now < signing_open.due_at:
        return NOT_DUE
    if f is None or not f.preferent_offers:
        return NOT_APPLICABLE if f is not None and f.practice_contract_published_at else MISSING
    start = max(f.last_preferent_offer_at, signing_open.due_at)
    return ON_TIME if signing_close.due_at - start >= MIN_SIGNING_PERIOD else LATE


def _score(status: dict) -> tuple[int, int]:
    judged = [s for s in status.values() if s in JUDGED]
    return sum(1 for s in judged if s == ON_TIME), len(judged)


def _scoreboard_table(rows: list[dict], ctx: Context, *, national: bool) -> dict:
    """The scoreboard of `rows`. In the national table an insurer that is not party to the GCP is a row by its
    name without its id: that it is no party is public, and a row with its id would be shown under its year's
    letter to viewers who see others anonymised, tying the letter to the name (and so every figure of the year
    under that letter). In its own cut the row keeps the id."""
    columns = [column(key, label, Unit.TEXT) for key, _kind, label in SCOREBOARD_MILESTONES]
    columns += [column("on_time", _("op tijd"), Unit.COUNT), column("judged", _("verstreken"), Unit.COUNT),
                column("score", _("op tijd (%)"), Unit.PERCENT)]
    out, on_time_all, judged_all = [], 0, 0
    for r in rows:
        cells = {key: str(STATUS_LABELS[r["status"][key]]) for key, _kind, _label in SCOREBOARD_MILESTONES}
        note = ""
        if r["party"]:
            on_time, judged = _score(r["status"])
            on_time_all, judged_all = on_time_all + on_time, judged_all + judged
            cells |= {"on_time": on_time, "judged": judged, "score": percent(on_time, judged)}
        else:
            cells |= {"on_time": None, "judged": None, "score": None}
            note = _("Geen partij bij de Goede contracteerpraktijken; niet aan de GCP getoetst.")
        if r["party"] or not national:
            out.append(Row(key=f"insurer:{r['id']}", label=r["name"], insurer=r["id"], cells=cells, note=note))
        else:
            out.append(Row(key=f"not_party:{len(out)}", label=r["name"], cells=cells, note=note))
    notes = [_("Peilmoment %(day)s: een mijlpaal die nog niet verstreken is, telt niet mee.")
             % {"day": date_format(local_date(ctx.now), "j F Y")}]
    return table(columns=columns, rows=out, n=judged_all, notes=notes,
                 headline=headline(percent(on_time_all, judged_all), Unit.PERCENT, _("mijlpalen op tijd")))


@indicator(
    code="gcp_scoreboard", chapter=Chapter.GCP, order=10, title=_("GCP-scorebord per zorgverzekeraar"),
    unit=Unit.TEXT,
    formula=_("Per zorgverzekeraar per mijlpaal van het contractjaar: op tijd (gedaan vóór het einde van de dag "
              "van de mijlpaal), te laat (daarna gedaan), ontbreekt (niet gedaan en de dag is voorbij) of nog niet "
              "verstreken. Evaluatie: gedeeld vóór het einde van 1 maart. Inkoopbeleid: eerste versie gepubliceerd "
              "vóór het einde van 1 april. Offertes zorggroepen: een eerste aanbod aan elk samenwerkingsverband "
              "waarvoor de verzekeraar preferent is, vóór het einde van 15 juli. Definitief contractaanbod: het "
              "standaardcontract voor praktijken dat het jaar dekt gepubliceerd vóór het einde van 15 september. "
              "Vijf weken: van openstelling (of het latere aanbod) tot het einde van de ondertekening minstens 35 "
              "dagen, voor elk aanbod als preferente verzekeraar. Register: gepubliceerd vóór het einde van 19 "
              "november. Volgverzoeken: elk besluit vóór 1 januari. Percentage: op tijd van de verstreken "
              "mijlpalen."),
    source=_("Mijlpalen van het contractjaar, gepubliceerde versies van het inkoopbeleid, standaardcontracten, "
             "aanbiedingen, onderhandelingen met samenwerkingsverbanden, registerpublicaties, volgverzoeken en "
             "evaluaties in het portaal"),
    caveats=(_("DSW heeft zich van de GCP gedistantieerd en is als ‘geen partij bij GCP’ gemarkeerd in plaats van "
               "te laat."),
             _("Offertes zorggroepen telt alleen samenwerkingsverbanden in regio's waar de verzekeraar het grootste "
               "marktaandeel heeft; zonder zulke samenwerkingsverbanden is de mijlpaal n.v.t."),
             _("Een meerjarencontract dat het jaar al dekt, telt als tijdig definitief aanbod; de vijf weken zijn "
               "dan n.v.t.")),
    dimensions=(Dim.INSURER,))
def gcp_scoreboard(ctx: Context) -> list[Cut]:
    with translation.override("nl"):
        rows = scoreboard_rows(ctx)
        cuts = [Cut(Dims(), _scoreboard_table(rows, ctx, national=True))]
        cuts += [Cut(Dims(insurer=r["id"]), _scoreboard_table([r], ctx, national=False)) for r in rows]
    return cuts


# --- Response clocks met ---------------------------------------------------------------------------------------
# The rows of the clocks table, in order: (row key, label). Request clocks by the request's kind.
CLOCK_ROWS = (
    *((f"request:{kind.value}", kind.label) for kind in Request.Kind),
    ("settle", _("Afhandeling van een bewerkelijke vraag (2 werkweken)")),
    ("follow", _("Besluit op volgverzoek (vóór 1 januari)")),
    ("own_offer", _("Besluit op eigen contractaanbod")),
    ("overleg_knelpunt", _("Reactie op knelpunt van het overlegteam (2 weken)")),
    ("overleg_position", _("Besluit op standpunt van het overlegteam")),
)


def _clock_row_key(row: dict) -> str | None:
    clock = row["clock"]
    if clock in (REQUEST_REACTION_CLOCK, KNELPUNT_REACTION_CLOCK):
        return f"request:{row['request_kind']}"
    if clock == REQUEST_SETTLE_CLOCK:
        return "settle"
    if clock == FOLLOW_DECISION_CLOCK:
        return "follow"
    if clock.startswith(OWN_OFFER_CLOCK_PREFIX):
        return "own_offer"
    if clock == OVERLEG_KNELPUNT_CLOCK:
        return "overleg_knelpunt"
    if clock == POSITION_DECISION_CLOCK:
        return "overleg_position"
    return None


def cycle_window(year: int, deadlines: dict) -> tuple[datetime, datetime]:
    """Contract year Y's cycle: from its first milestone (the evaluation from 1 January of Y-1) to its last (the
    follow decisions, due at 00:00 on 1 January of Y); each end from the year's rows, else the GCP default."""
    def moment(kind):
        deadline = deadlines.get(kind)
        return deadline.due_at if deadline else calendar_rule(kind).due_at(year)
    return moment(K.EVALUATION_START), moment(K.FOLLOW_DECISIONS_DUE)


def _clocks_table(counts: dict[str, dict], note: str = "") -> dict:
    columns = [column("due", _("verstreken termijnen"), Unit.COUNT), column("met", _("op tijd"), Unit.COUNT),
               column("late", _("te laat afgehandeld"), Unit.COUNT),
               column("overdue", _("open en verlopen"), Unit.COUNT), column("running", _("lopend"), Unit.COUNT),
               column("share", _("op tijd (%)"), Unit.PERCENT)]
    rows, met_all, due_all = [], 0, 0
    for key, label in CLOCK_ROWS:
        c = counts.get(key) or dict.fromkeys(CLOCK_OUTCOMES, 0)
        due = c["met"] + c["late"] + c["overdue"]
        met_all, due_all = met_all + c["met"], due_all + due
        rows.append(Row(key=key, label=label, cells={"due": due, **c, "share": percent(c["met"], due)}))
    return table(columns=columns, rows=rows, n=due_all, notes=[note] if note else [],
                 headline=headline(percent(met_all, due_all), Unit.PERCENT, _("termijnen op tijd")))


@indicator(
    code="gcp_clocks_met", chapter=Chapter.GCP, order=20, title=_("Reactietermijnen gehaald per soort"),
    unit=Unit.PERCENT,
    formula=_("Per soort termijn die de zorgverzekeraar moet halen en in de cyclus van het contractjaar afliep "
              "(van 1 januari tot 1 januari van het contractjaar): op tijd = afgehandeld vóór het einde van de "
              "termijn, gedeeld door alle verstreken termijnen (op tijd, te laat afgehandeld, en open terwijl de "
              "termijn verstreken is). Vragen en verzoeken: reactie binnen 5 werkdagen, knelpunten en geschillen "
              "binnen 2 weken, bewerkelijke vragen afgehandeld binnen 2 werkweken."),
    source=_("Termijnen (klokken) van verzoeken, volgverzoeken, eigen contractaanbiedingen en het overleg met de "
             "overlegteams in het portaal"),
    caveats=(_("Termijnen die nog lopen en vervallen termijnen (ingetrokken of anders afgehandeld) tellen niet "
               "mee."),
             _("Verzoeken die de zorgverzekeraar zelf indient, wachten op de zorgaanbieder en tellen niet mee.")),
    dimensions=(Dim.INSURER,))
def gcp_clocks_met(ctx: Context) -> list[Cut]:
    deadlines = year_deadlines(ctx.year, ctx.now)
    due_after, due_until = cycle_window(ctx.year, deadlines)
    window = {"due_after": due_after, "due_until": due_until, "now": ctx.now}
    rows = insurer_clock_outcomes(**window) + insurer_overleg_clock_outcomes(**window)
    national: dict[str, dict] = {}
    per_insurer: dict[int, dict[str, dict]] = {}
    for row in rows:
        key = _clock_row_key(row)
        if key is None or row["insurer_id"] is None:
            continue
        for target in (national, per_insurer.setdefault(row["insurer_id"], {})):
            c = target.setdefault(key, dict.fromkeys(CLOCK_OUTCOMES, 0))
            for outcome in CLOCK_OUTCOMES:
                c[outcome] += row[outcome]
    with translation.override("nl"):
        cuts = [Cut(Dims(), _clocks_table(national))]
        for insurer_id, _name, party in gcp_insurers():
            note = "" if party else _("Geen partij bij de GCP; de termijnen gelden in het portaal voor iedereen.")
            cuts.append(Cut(Dims(insurer=insurer_id), _clocks_table(per_insurer.get(insurer_id, {}), str(note))))
    return cuts
