"""The demo's overleg on 1 December 2026: every overlegteam has its 2027 round with meetings and positions in
every state (one overdue), its member sees them, and seeding again adds nothing."""

from collections import Counter
from datetime import datetime

import time_machine
from django.urls import reverse

from accounts.models import Notification
from consultations.models import ConsultationRound, Evaluation, Meeting, Position
from consultations.selectors import positions_with_clock
from contracting.calendar import AMSTERDAM
from providers.models import OverlegTeam
from tests.helpers import page_html_as, text

DEC_1 = datetime(2026, 12, 1, 0, 0, tzinfo=AMSTERDAM)


def test_every_demo_team_has_a_round_with_positions_in_every_state_and_one_overdue(client, db):
    from demo.seed import seed_demo

    with time_machine.travel(DEC_1, tick=False):
        seed_demo(practices=40)
        counts = (ConsultationRound.objects.count(), Meeting.objects.count(), Position.objects.count(),
                  Evaluation.objects.count())
        seed_demo(practices=40)
        assert (ConsultationRound.objects.count(), Meeting.objects.count(), Position.objects.count(),
                Evaluation.objects.count()) == counts
        teams = list(OverlegTeam.objects.all())
        assert teams and ConsultationRound.objects.filter(contract_year__year=2027).count() == len(teams)
        for round in ConsultationRound.objects.filter(contract_year__year=2027):
            assert round.meetings.count() == 4
            positions = list(positions_with_clock(round.positions.all(), DEC_1))
            states = Counter((p.status, p.decision, bool(p.clock_overdue)) for p in positions)
            assert states == {("decided", "adopted", False): 1, ("decided", "partly", False): 1,
                              ("decided", "not_adopted", False): 1, ("awaiting", "", True): 1,
                              ("awaiting", "", False): 1, ("submitted", "", False): 1,
                              ("withdrawn", "", False): 1}, round
        # All insurers but the last evaluated 2026; one of them shared late.
        assert Evaluation.objects.filter(shared_at__isnull=False).count() == Evaluation.objects.count() > 1

        member = next(m.user for m in round.overleg_team.memberships.select_related("user"))
        meeting = round.meetings.order_by("starts_at").last()
        page = text(page_html_as(client, member, reverse("consultations:round", args=[round.pk])))
        assert "Dit is overleg, geen onderhandeling." in page and "dagen te laat" in page
        assert meeting.title in page
        # What was dealt with is read; what waits for the purchaser is not: the position still without a date
        # (the demo's open knelpunt is the purchaser's own, so that one waits for the team).
        purchaser = next(u for u in round.overleg_team.insurer.memberships.filter(role="insurer_purchaser")
                         .values_list("user", flat=True))
        unread = set(Notification.objects.filter(user_id=purchaser, read_at__isnull=True,
                                                 key__startswith="position").values_list("key", flat=True))
        waiting = round.positions.get(status=Position.Status.SUBMITTED)
        assert unread == {f"position:{waiting.pk}"}
