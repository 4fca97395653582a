"""The demo's overleg: every overlegteam has its round for the contract year in contracting, with its mandate
accepted, the wishes and dilemmas of both sides, meetings held (with Markdown minutes, attendees and an
agenda) and one planned, positions in every state (waiting for a date, waiting for a decision in time, one
overdue, adopted, partly adopted, not adopted, withdrawn) and two knelpunten (one answered); and each insurer's
evaluation of the previous contracting: most finished and shared in time, one shared late, one not at all.
Through the services, at moments counted back from the seed's day; what exists (found by round and title) is
left alone, so a second run, on any day, adds nothing."""

from datetime import datetime, timedelta

from django.db.models import Q

from accounts.models import Membership, Role
from consultations.models import ConsultationRound, Evaluation, Knelpunt, Position
from consultations.services import (
    evaluation_finish,
    evaluation_save,
    evaluation_share,
    knelpunt_raise,
    knelpunt_respond,
    meeting_plan,
    meeting_record,
    position_decide,
    position_set_due,
    position_submit,
    position_withdraw,
    round_decide_mandate,
    round_open,
    round_request_mandate,
    round_set_intake,
)
from contracting.calendar import local_date
from contracting.models import Milestone
from insurers.models import Insurer
from providers.models import OverlegTeam

from .registry import DemoContext, demo_step
from .scripted import cast

DAY = timedelta(days=1)
MINUTES = """## Besproken

- Het **mandaat** van het overlegteam is bevestigd.
- De zorgverzekeraar licht het voorgenomen inkoopbeleid toe.
- De ANW-vergoeding en de uren POH-GGZ komen terug in het volgende overleg.

## Afspraken

1. De zorgverzekeraar stuurt de rekenmodellen vóór het volgende overleg.
2. Het overlegteam inventariseert de knelpunten bij de praktijken in de regio.
"""
# (title, text, what happens: None = waits for a date; ("due", days from now); ("decide", decision, reasons);
# "withdraw"). The overdue one's day passed 5 days ago.
POSITIONS = [
    ("ANW-vergoeding volgt de loonkosten", "De vergoeding voor ANW-diensten stijgt met de cao-lonen.",
     ("decide", Position.Decision.ADOPTED, "")),
    ("Vier uur POH-GGZ extra per normpraktijk", "Praktijken met veel GGZ-zorg krijgen ruimte voor extra uren.",
     ("decide", Position.Decision.PARTLY, "Twee uur extra vanaf het contractjaar; de rest na evaluatie.")),
    ("Eén declaratieformulier voor alle modules", "Minder administratie: één formulier per kwartaal.",
     ("decide", Position.Decision.NOT_ADOPTED, "Ons declaratiesysteem kan dit dit jaar nog niet aan.")),
    ("Meerjarencontract van drie jaar", "Het overlegteam vraagt een contract voor drie jaar.", ("due", -5)),
    ("Ruimte voor maatwerk in krimpgebieden", "Praktijken in krimpgebieden houden hun inschrijftarief.", ("due", 12)),
    ("Vergoeding voor wijkgerichte samenwerking", "Een module voor overleg met het sociaal domein.", None),
    ("Ondersteuning bij praktijkovername", "Een overgangsregeling voor de nieuwe praktijkhouder.", "withdraw"),
]


def _member_of(team: OverlegTeam):
    membership = (Membership.objects.filter(role=Role.OTH_MEMBER, overleg_team=team).select_related("user")
                  .order_by("pk").first())
    return membership.user if membership else None


def _seed_round(team: OverlegTeam, member, purchaser, *, year: int, now: datetime) -> int:
    start = now - STORY_DAYS * DAY
    round = round_open(actor=purchaser, overleg_team=team, year=year, now=start)
    if round.meetings.exists():
        return 0
    created = 1
    round_set_intake(actor=member, round=round, now=start + DAY,
                     text="Minder administratieve lasten, ruimte voor praktijkondersteuning en een ANW-vergoeding "
                          "die de loonkosten volgt.")
    round_set_intake(actor=purchaser, round=round, now=start + 2 * DAY,
                     text="Betaalbare zorg in een regio met een vergrijzende bevolking; doelmatig voorschrijven.")
    round_request_mandate(actor=member, round=round, now=start + 3 * DAY,
                          text=f"Het overlegteam overlegt namens de huisartsen in {team.region.name} over het "
                               "inkoopbeleid en de inhoud van het contract, niet over tarieven.")
    round_decide_mandate(actor=purchaser, round=round, accept=True, reason="", now=start + 5 * DAY)
    people = [member.pk, purchaser.pk]
    held = []
    for n, (title, days_ago) in enumerate([("Eerste overleg", 100), ("Tweede overleg", 60),
                                           ("Derde overleg", 20)], start=1):
        meeting = meeting_plan(actor=purchaser, round=round, title=title,
                               starts_at=now - days_ago * DAY + timedelta(hours=14),
                               location="Online" if n % 2 else "Kantoor zorgverzekeraar",
                               agenda="Opening\nMandaat en werkwijze\nInkoopbeleid\nStandpunten\nRondvraag",
                               attendee_ids=people, now=now - (days_ago + 14) * DAY)
        meeting_record(actor=member, meeting=meeting, minutes=MINUTES, attendee_ids=people,
                       other_attendees="Secretaris van de regionale huisartsenvereniging",
                       now=now - (days_ago - 1) * DAY)
        held.append(meeting)
        created += 1
    meeting_plan(actor=member, round=round, title="Vierde overleg", starts_at=now + 14 * DAY + timedelta(hours=14),
                 location="Online", agenda="Evaluatie van de ronde\nRondvraag", attendee_ids=people, now=now - DAY)
    created += 1
    for n, (title, text, fate) in enumerate(POSITIONS):
        meeting = held[min(n // 3, len(held) - 1)]
        submitted = meeting.starts_at + timedelta(hours=2)
        position = position_submit(actor=member, round=round, meeting=meeting, title=title, text=text, now=submitted)
        created += 1
        if fate == "withdraw":
            position_withdraw(actor=member, position=position, now=submitted + 3 * DAY)
        elif isinstance(fate, tuple) and fate[0] == "due":
            position_set_due(actor=purchaser, position=position, due_on=local_date(now + fate[1] * DAY),
                             now=submitted + DAY)
        elif isinstance(fate, tuple) and fate[0] == "decide":
            position_set_due(actor=purchaser, position=position, due_on=local_date(submitted + 21 * DAY),
                             now=submitted + DAY)
            position_decide(actor=purchaser, position=position, decision=fate[1], reasons=fate[2],
                            now=submitted + 14 * DAY)
    answered = knelpunt_raise(actor=member, round=round, meeting=held[0], title="Lange wachttijden bij de GGZ",
                              text="Patiënten wachten maanden op specialistische GGZ; de huisarts vangt dit op.",
                              now=held[0].starts_at + timedelta(hours=3))
    knelpunt_respond(actor=purchaser, knelpunt=answered, now=held[0].starts_at + 10 * DAY,
                     response="We kopen extra capaciteit in bij twee GGZ-aanbieders in de regio.")
    knelpunt_raise(actor=purchaser, round=round, meeting=held[-1], title="Verwijzingen zonder indicatie",
                   text="Wij zien in de regio meer verwijzingen naar de tweede lijn zonder onderbouwing.",
                   now=now - 3 * DAY)
    return created + 2


def _seed_evaluations(year: int, now: datetime, purchasers: dict[int, object]) -> int:
    """The evaluations in contract `year`'s calendar: finished 20 February and shared 27 February, except the
    second insurer (shared late, on 4 March) and the last one (no evaluation). Only what is past by `now`."""
    finished = Milestone.objects.filter(contract_year__year=year, kind="evaluation_finished").first()
    if finished is None:
        return 0
    insurers = list(Insurer.objects.filter(pk__in=purchasers).order_by("name"))
    created = 0
    for n, insurer in enumerate(insurers[:-1]):
        if Evaluation.objects.filter(insurer=insurer, contract_year__year=year).exists():
            continue
        purchaser = purchasers[insurer.pk]
        feb = finished.due_at - 9 * DAY  # 20 February (the milestone is 00:00 on 1 March)
        if feb > now:
            continue
        evaluation = evaluation_save(
            actor=purchaser, insurer=insurer, year=year, method=Evaluation.Method.BOTH if n % 2 else
            Evaluation.Method.SURVEY, now=feb - 14 * DAY,
            summary=f"## Uitkomsten van de evaluatie {year - 1}\n\n- 71% van de contractanten is tevreden over het "
                    "contracteerproces.\n- Knelpunt: de administratieve lasten van de POH-GGZ-module.\n\n"
                    "## Wat we veranderen\n\nEén aanvraagformulier voor maatwerk.")
        evaluation = evaluation_finish(actor=purchaser, evaluation=evaluation, now=feb)
        shared_at = feb + (13 if n == 1 else 7) * DAY  # 5 March (late) or 27 February
        if shared_at <= now:
            evaluation_share(actor=purchaser, evaluation=evaluation, now=shared_at)
        created += 1
    return created


# The round's story starts 120 days before the seed's day: the contract year whose cycle (from 1 January of the
# year before it) had begun by then, so its meetings fall inside its own calendar.
STORY_DAYS = 120


def read_handled_overleg_notices(now: datetime) -> None:
    """The demo's people have read the overleg notices about what was dealt with since (a mandate decided, a
    position given its date or decided or withdrawn, a knelpunt answered, an evaluation shared), so their unread
    count is what still waits: a position without a date or decision for the purchaser, an open knelpunt for
    the side that answers it. Through notification_mark_read, as a user's click."""
    from accounts.models import Notification
    from accounts.services import notification_mark_read

    waiting = {f"position:{pk}" for pk in Position.objects.filter(status=Position.Status.SUBMITTED)
               .values_list("pk", flat=True)}
    waiting |= {f"knelpunt:{pk}" for pk in Knelpunt.objects.filter(status=Knelpunt.Status.OPEN)
                .values_list("pk", flat=True)}
    keys = Notification.objects.filter(read_at__isnull=True, user__email__endswith=".demo").filter(
        Q(key__startswith="round-mandate") | Q(key__startswith="position") | Q(key__startswith="knelpunt")
        | Q(key__startswith="evaluation-shared")).exclude(key__in=waiting).exclude(key__contains="overdue")
    for notice in keys.select_related("user"):
        notification_mark_read(user=notice.user, notification_id=notice.pk, now=now)


@demo_step("consultations.rounds", order=50)
def _step(ctx: DemoContext) -> dict[str, int]:
    year = local_date(ctx.now - STORY_DAYS * DAY).year + 1
    if year not in ctx.years:
        year = min(ctx.years)
    purchasers = cast().purchasers
    created = 0
    for team in OverlegTeam.objects.select_related("insurer", "region").order_by("name"):
        member, purchaser = _member_of(team), purchasers.get(team.insurer_id)
        if member is None or purchaser is None:
            if not ConsultationRound.objects.filter(overleg_team=team, contract_year__year=year).exists():
                round_open(actor=None, overleg_team=team, year=year, now=ctx.now)
                created += 1
            continue
        created += _seed_round(team, member, purchaser, year=year, now=ctx.now)
    evaluations = _seed_evaluations(year, ctx.now, purchasers)
    read_handled_overleg_notices(ctx.now)
    return {"consultation_items": created, "evaluations": evaluations}
