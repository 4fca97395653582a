"""The calendar feed (/agenda/<token>.ics) of a user's own deadlines, as a calendar app reads it: the
milestones of their roles and the running clocks of their organisations, each an all-day event on the local
day a person reads; another organisation's deadlines never; a link that is unknown, replaced or of a
deactivated user is a 404; the number of queries does not grow with the data."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Role
from accounts.selectors import calendar_feed_token
from accounts.services import calendar_feed_renew
from contracting.services import question_answer, question_ask, request_raise
from tests.calendar_feed import feed_events, feed_path, fetch_feed
from tests.factories import PracticeFactory, make_member

from .conftest import ams

# 20 October 2026: the signing window of contract year 2027 is open (1 October to the end of 7 November).
NOW = ams(2026, 10, 20, 9, 0)
ASKED = ams(2026, 10, 13, 10, 0)  # a Tuesday: 5 working days on is the end of Tuesday 20 October


def day_of(event) -> date:
    value = event["DTSTART"].dt
    assert type(value) is date, f"{event['SUMMARY']} is not an all-day event: {value!r}"
    return value


def only(events, summary):
    assert summary in events, sorted(events)
    assert len(events[summary]) == 1, events[summary]
    return events[summary][0]


@pytest.fixture
def elsewhere(market):
    """Another practice in the same region, with a question of its own to the same insurer."""
    practice = PracticeFactory(region=market["region"], name="Huisartsen Elders")
    user = make_member(Role.PRACTICE_MEMBER, practice, email="elders@praktijk.example")
    request_raise(actor=user, kind="question", insurer=market["preferent"], practice=practice,
                  subject="Vraag van elders", text="Hoe declareer ik de ANW-uren?", now=ASKED)
    return user


def test_a_signatory_gets_the_practice_milestones_and_its_clocks_on_the_local_day(signatory, follow_request, offer,
                                                                                   market):
    question_ask(actor=signatory, offer=offer, text="Mag POH-GGZ ook op afstand?", now=ASKED)
    with time_machine.travel(NOW, tick=False):
        events = feed_events(signatory)

    # "Vanaf 1 oktober" is stored as 00:00 on 1 October Amsterdam, 22:00 UTC on 30 September: the event is on
    # 1 October. "Uiterlijk 7 november" is stored as 00:00 on 8 November (23:00 UTC on 7 November): on 7 November.
    opens = only(events, "Contracteerportalen open; ondertekenen mogelijk (contractjaar 2027)")
    assert day_of(opens) == date(2026, 10, 1)
    closes = only(events, "Contractering sluit (contractjaar 2027)")
    assert day_of(closes) == date(2026, 11, 7)
    assert closes["DTEND"].dt == date(2026, 11, 8)  # an all-day event ends the next day (exclusive)
    assert "Uiterlijk 7 november 2026" in str(closes["DESCRIPTION"])
    assert day_of(only(events, "Beleid individuele contracten definitief (contractjaar 2027)")) == date(2026, 9, 15)
    # The insurer's and the NZa's milestones are not the practice's.
    assert "Publicatie voorgenomen inkoopbeleid en contracteerprocedure (contractjaar 2027)" not in events
    assert "NZa publiceert beleidsregels en maximumtarieven (contractjaar 2027)" not in events
    # The follow request waits for the other insurer's decision before 1 January: the last day is 31 December.
    decision = only(events, "Besluit op volgverzoek: Verre Verzekeraar")
    assert day_of(decision) == date(2026, 12, 31)
    assert str(decision["URL"]).endswith(reverse("offers:follow", args=[offer.pk]))
    # The question of Tuesday 13 October is answered within 5 working days: by the end of Tuesday 20 October.
    question = only(events, "Reactie: Vraag (Preferente Verzekeraar)")
    assert day_of(question) == date(2026, 10, 20)


def test_the_feed_names_its_time_zone_and_keeps_uids_stable(signatory, follow_request):
    with time_machine.travel(NOW, tick=False):
        first, again = fetch_feed(signatory), fetch_feed(signatory)
    assert str(first["X-WR-TIMEZONE"]) == "Europe/Amsterdam"
    assert [str(tz["TZID"]) for tz in first.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(first["PRODID"]) == "-//Contracteerportaal huisartsenzorg//Termijnen//NL"
    assert str(first["X-PUBLISHED-TTL"]) == "PT1H" and first["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(first["UID"]) == str(again["UID"])
    uids = sorted(str(e["UID"]) for e in first.walk("VEVENT"))
    assert uids == sorted(str(e["UID"]) for e in again.walk("VEVENT"))
    assert len(uids) == len(set(uids))
    # DTSTAMP is a UTC moment.
    stamp = first.walk("VEVENT")[0]["DTSTAMP"].dt
    assert isinstance(stamp, datetime) and stamp.utcoffset().total_seconds() == 0


def test_another_organisations_deadlines_never_appear(signatory, purchaser, other_purchaser, follow_request, offer,
                                                      elsewhere):
    question_ask(actor=signatory, offer=offer, text="Mag POH-GGZ ook op afstand?", now=ASKED)
    with time_machine.travel(NOW, tick=False):
        practice = feed_events(signatory)
        insurer = feed_events(purchaser)
        other = feed_events(other_purchaser)
        elders = feed_events(elsewhere)

    assert not [s for s in practice if "elders" in s.lower()]
    assert not [s for s in elders if "Verre Verzekeraar" in s or s.startswith("Besluit op volgverzoek")]
    assert "Reactie: Vraag van elders (Preferente Verzekeraar)" in elders
    assert "Reactie: Vraag (Preferente Verzekeraar)" not in elders
    # The preferent insurer answers both questions, each titled by its practice; the follow request is not its.
    practice_name = offer.practice.name
    assert day_of(only(insurer, f"Reactie: Vraag ({practice_name})")) == date(2026, 10, 20)
    assert "Reactie: Vraag van elders (Huisartsen Elders)" in insurer
    assert not [s for s in insurer if s.startswith("Besluit op volgverzoek")]
    assert "Publicatie voorgenomen inkoopbeleid en contracteerprocedure (contractjaar 2027)" in insurer
    # The other insurer decides the follow request, and sees neither question.
    assert day_of(only(other, f"Besluit op volgverzoek: {practice_name}")) == date(2026, 12, 31)
    assert not [s for s in other if s.startswith("Reactie")]


def test_a_deadline_that_was_met_leaves_the_feed(signatory, purchaser, offer):
    question = question_ask(actor=signatory, offer=offer, text="Mag POH-GGZ ook op afstand?", now=ASKED)
    with time_machine.travel(NOW, tick=False):
        assert "Reactie: Vraag (Preferente Verzekeraar)" in feed_events(signatory)
    question_answer(actor=purchaser, question=question, answer="Ja, met beeldbellen.", now=ams(2026, 10, 14, 9, 0))
    with time_machine.travel(NOW, tick=False):
        assert "Reactie: Vraag (Preferente Verzekeraar)" not in feed_events(signatory)


def test_the_nza_gets_its_milestones_and_no_practices_clocks(year2027, follow_request, elsewhere):
    nza = make_member(Role.NZA_ANALYST, None, email="analist@nza.example")
    with time_machine.travel(NOW, tick=False):
        events = feed_events(nza)
    tariffs = only(events, "NZa publiceert beleidsregels en maximumtarieven (contractjaar 2027)")
    assert day_of(tariffs) == date(2026, 7, 1)
    assert day_of(only(events, "Besluiten op volgverzoeken genomen (contractjaar 2027)")) == date(2026, 12, 31)
    assert not [s for s in events if "(contractjaar" not in s]


def test_an_unknown_replaced_or_malformed_link_or_a_deactivated_user_is_a_404(signatory, year2027):
    old = feed_path(signatory)
    anonymous = Client()
    assert anonymous.get(old).status_code == 200  # no session needed
    feed = calendar_feed_renew(actor=signatory, replaces=1)
    new = reverse("calendar_feed", args=[calendar_feed_token(feed)])
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    pk, secret = calendar_feed_token(feed).split("-")
    for token in (f"{pk}-{'0' * len(secret)}", f"{int(pk) + 1}-{secret}", secret, "x-y", f"{pk}{secret}",
                  f"²-{secret}", f"١٢-{secret}"):  # digits int() refuses or of another script: 404, not 500
        assert anonymous.get(f"/agenda/{token}.ics").status_code == 404, token
    signatory.is_active = False
    signatory.save(update_fields=["is_active"])
    assert anonymous.get(new).status_code == 404


def _feed_queries(user) -> tuple[int, Calendar]:
    path = feed_path(user)
    client = Client()
    client.get(path)  # content types and other process-wide caches are warm from here on
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), Calendar.from_ical(response.content)


def test_the_feed_costs_the_same_queries_however_many_deadlines(purchaser, market, offer, signatory):
    question_ask(actor=signatory, offer=offer, text="Eerste vraag", now=ASKED)
    few, feed = _feed_queries(purchaser)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT") if str(e["SUMMARY"]).startswith("Reactie")] == [
        f"Reactie: Vraag ({offer.practice.name})"]
    for n in range(5):
        practice = PracticeFactory(region=market["region"], name=f"Praktijk {n}")
        user = make_member(Role.PRACTICE_MEMBER, practice, email=f"p{n}@praktijk.example")
        request_raise(actor=user, kind="question", insurer=market["preferent"], practice=practice,
                      subject=f"Vraag {n}", text="Een vraag.", now=ASKED)
    many, feed = _feed_queries(purchaser)
    # Six reactions due on one day are one event for the insurer, naming the first three, linking to its list.
    (reactions,) = [e for e in feed.walk("VEVENT") if str(e["SUMMARY"]).startswith("Reactie")]
    assert str(reactions["SUMMARY"]) == "Reactie: 6 vragen en verzoeken"
    assert day_of(reactions) == date(2026, 10, 20)
    assert str(reactions["URL"]).endswith(reverse("purchasing:requests"))
    first_three = f"Vraag ({offer.practice.name}), Vraag 0 (Praktijk 0), Vraag 1 (Praktijk 1), …"
    assert str(reactions["DESCRIPTION"]) == first_three
    # The token's user, the memberships, the milestones, and one per kind of object with clocks the purchaser
    # has (requests, follow requests, own offers, adjustments, positions, knelpunten) and the surveys: 10.
    assert few == many == 10


def test_each_practice_still_sees_its_own_reaction_when_the_insurer_sees_them_bundled(market, year2027):
    users = []
    for n in range(4):
        practice = PracticeFactory(region=market["region"], name=f"Praktijk {n}")
        users.append(make_member(Role.PRACTICE_MEMBER, practice, email=f"p{n}@praktijk.example"))
        request_raise(actor=users[-1], kind="question", insurer=market["preferent"], practice=practice,
                      subject=f"Vraag {n}", text="Een vraag.", now=ASKED)
    with time_machine.travel(NOW, tick=False):
        mine = feed_events(users[2])
    assert [s for s in mine if s.startswith("Reactie")] == ["Reactie: Vraag 2 (Preferente Verzekeraar)"]
