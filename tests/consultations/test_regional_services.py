"""Regiobijeenkomsten, the services: the insurer plans (and the region is invited), practices and care groups
register and cancel until the start, the insurer cancels or records attendance; every refusal says why in Dutch
and changes nothing; repeating a call changes nothing. And the facts behind the NZa survey's Q15/Q16."""

import pytest

from accounts.models import Notification
from consultations.models import RegionalMeeting, RegionalMeetingInvitation
from consultations.selectors import regional_meeting_answers
from consultations.services import (
    regional_meeting_cancel,
    regional_meeting_invite,
    regional_meeting_record_attendance,
    regional_meeting_register,
    regional_meeting_unregister,
)
from core.errors import PortalError
from core.models import AuditEvent
from tests.factories import PracticeFactory

from .conftest import ENDS, PLANNED_AT, STARTS, ams, plan

BEFORE = ams(2026, 4, 20, 19, 29)  # one minute before the start
AFTER = ams(2026, 4, 21, 9, 0)


def invitation_of(meeting, holder):
    field = "practice" if holder.__class__.__name__ == "Practice" else "care_group"
    return RegionalMeetingInvitation.objects.get(meeting=meeting, **{field: holder})


def notices(key_part: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(key__contains=key_part).values_list("user__email", "subject"))


def test_planning_invites_every_practice_and_care_group_of_the_region_once(regional):
    meeting = plan(regional)
    invited = RegionalMeetingInvitation.objects.filter(meeting=meeting)
    assert sorted(i.holder.name for i in invited) == ["Praktijk Pieterse", "Praktijk Quist", "Zorggroep Gelre"]
    # Stored in UTC: 19:30 in Amsterdam on 20 April (summer time) is 17:30 UTC.
    meeting.refresh_from_db()
    assert meeting.starts_at.isoformat() == "2026-04-20T17:30:00+00:00"
    subject = "Uitnodiging: Toelichting inkoopbeleid 2027"
    assert notices(f":{meeting.pk}:invited") == [
        ("coordinator@gelre.example", subject), ("medewerker@pieterse.example", subject),
        ("medewerker@quist.example", subject), ("tekenbevoegd@pieterse.example", subject)]
    body = Notification.objects.filter(key__contains=":invited").first().body
    assert "Preferente Verzekeraar" in body and "20 april 2026, 19:30" in body

    again = plan(regional)
    assert again.pk == meeting.pk
    assert RegionalMeeting.objects.count() == 1 and invited.count() == 3
    assert Notification.objects.count() == 4
    assert AuditEvent.objects.filter(verb="consultations.regional_meeting.created").count() == 1


def test_a_practice_that_joined_the_region_later_is_invited_by_inviting_again(regional):
    meeting = plan(regional)
    late = PracticeFactory(region=regional["region"], name="Praktijk Laat")
    from accounts.models import Role
    from tests.factories import make_member
    make_member(Role.PRACTICE_MEMBER, late, email="medewerker@laat.example")
    assert regional_meeting_invite(actor=regional["users"]["purchaser A"], meeting=meeting, now=PLANNED_AT) == 1
    assert regional_meeting_invite(actor=regional["users"]["purchaser A"], meeting=meeting, now=PLANNED_AT) == 0
    assert RegionalMeetingInvitation.objects.filter(meeting=meeting).count() == 4
    assert [e for e, _s in notices(f":{meeting.pk}:invited")].count("medewerker@laat.example") == 1


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"insurer": "c", "region": "other_region"}, "region_not_served", "region"),
    ({"title": "  "}, "invalid_meeting", "title"),
    ({"starts": ams(2026, 2, 28, 10, 0), "ends": ams(2026, 2, 28, 12, 0)}, "invalid_meeting", "starts_at"),
    ({"ends": STARTS}, "invalid_meeting", "ends_at"),
    ({"location": ""}, "invalid_meeting", "location"),
    ({"online_url": "javascript:alert(1)"}, "invalid_meeting", "online_url"),
])
def test_bad_meetings_are_refused_with_a_reason_and_nothing_is_planned(regional, change, code, field):
    with pytest.raises(PortalError) as exc:
        plan(regional, **change)
    assert exc.value.code == code and field in exc.value.fields
    assert exc.value.detail  # a Dutch sentence, shown beside the form
    assert not RegionalMeeting.objects.exists() and not Notification.objects.exists()


def test_only_a_purchaser_of_the_insurer_plans_for_it(regional):
    from consultations.services import regional_meeting_create

    for name in ("purchaser C", "member P", "OTH A in R", "NZa"):
        with pytest.raises(PortalError) as exc:
            regional_meeting_create(actor=regional["users"][name], insurer=regional["a"], region=regional["region"],
                                    year=2027, title="Gekaapt", starts_at=STARTS, ends_at=ENDS, location="X",
                                    now=PLANNED_AT)
        assert exc.value.status == 403, name
    assert not RegionalMeeting.objects.exists()


def test_a_year_without_a_calendar_is_refused(regional):
    from consultations.services import regional_meeting_create

    with pytest.raises(PortalError) as exc:
        regional_meeting_create(actor=regional["users"]["purchaser A"], insurer=regional["a"],
                                region=regional["region"], year=2031, title="Later", starts_at=STARTS,
                                ends_at=ENDS, location="X", now=PLANNED_AT)
    assert exc.value.code == "no_contract_year"


def test_registering_and_cancelling_until_the_start(regional):
    meeting = plan(regional)
    mine = invitation_of(meeting, regional["p"])
    member = regional["users"]["member P"]
    regional_meeting_register(actor=member, invitation=mine, attendees=2, now=PLANNED_AT)
    regional_meeting_register(actor=member, invitation=mine, attendees=2, now=PLANNED_AT)
    mine.refresh_from_db()
    assert mine.registered_at == PLANNED_AT and mine.attendees == 2 and mine.registered_by == member
    assert AuditEvent.objects.filter(verb="consultations.regional_meeting.registered").count() == 1
    regional_meeting_register(actor=member, invitation=mine, attendees=3, now=BEFORE)
    mine.refresh_from_db()
    assert mine.attendees == 3 and mine.registered_at == PLANNED_AT  # the first registration's moment stays

    regional_meeting_unregister(actor=member, invitation=mine, now=BEFORE)
    regional_meeting_unregister(actor=member, invitation=mine, now=BEFORE)
    mine.refresh_from_db()
    assert mine.registered_at is None and mine.attendees == 0
    assert AuditEvent.objects.filter(verb="consultations.regional_meeting.unregistered").count() == 1


@pytest.mark.parametrize(("who", "attendees", "at", "code"), [
    ("member Q", 1, PLANNED_AT, "not_holder_member"),   # another practice's invitation
    ("OTH A in R", 1, PLANNED_AT, "not_holder_member"),
    ("member P", 0, PLANNED_AT, "invalid_attendees"),
    ("member P", 21, PLANNED_AT, "invalid_attendees"),
    ("member P", "twee", PLANNED_AT, "invalid_attendees"),
    ("member P", 1, STARTS, "meeting_started"),          # at the start it is too late
])
def test_a_registration_that_may_not_be_made_changes_nothing(regional, who, attendees, at, code):
    meeting = plan(regional)
    mine = invitation_of(meeting, regional["p"])
    with pytest.raises(PortalError) as exc:
        regional_meeting_register(actor=regional["users"][who], invitation=mine, attendees=attendees, now=at)
    assert exc.value.code == code
    mine.refresh_from_db()
    assert mine.registered_at is None and mine.attendees == 0


def test_no_unregistering_once_the_meeting_started(regional):
    meeting = plan(regional)
    mine = invitation_of(meeting, regional["p"])
    regional_meeting_register(actor=regional["users"]["member P"], invitation=mine, now=PLANNED_AT)
    with pytest.raises(PortalError) as exc:
        regional_meeting_unregister(actor=regional["users"]["member P"], invitation=mine, now=AFTER)
    assert exc.value.code == "meeting_started"
    mine.refresh_from_db()
    assert mine.is_registered


def test_cancelling_tells_the_invited_and_closes_registration(regional):
    meeting = plan(regional)
    purchaser = regional["users"]["purchaser A"]
    with pytest.raises(PortalError) as exc:
        regional_meeting_cancel(actor=purchaser, meeting=meeting, reason=" ", now=PLANNED_AT)
    assert exc.value.code == "reason_required"
    with pytest.raises(PortalError) as exc:
        regional_meeting_cancel(actor=regional["users"]["purchaser C"], meeting=meeting, reason="x", now=PLANNED_AT)
    assert exc.value.status == 403
    assert RegionalMeeting.objects.get(pk=meeting.pk).status == RegionalMeeting.Status.PLANNED

    regional_meeting_cancel(actor=purchaser, meeting=meeting, reason="De spreker is ziek.", now=PLANNED_AT)
    regional_meeting_cancel(actor=purchaser, meeting=meeting, reason="Nog een keer.", now=PLANNED_AT)
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancel_reason == "De spreker is ziek."
    assert len(notices(f":{meeting.pk}:cancelled")) == 4
    with pytest.raises(PortalError) as exc:
        regional_meeting_register(actor=regional["users"]["member P"], invitation=invitation_of(meeting,
                                  regional["p"]), now=PLANNED_AT)
    assert exc.value.code == "meeting_cancelled"


def test_a_meeting_that_started_cannot_be_cancelled(regional):
    meeting = plan(regional)
    with pytest.raises(PortalError) as exc:
        regional_meeting_cancel(actor=regional["users"]["purchaser A"], meeting=meeting, reason="Te laat.",
                                now=STARTS)
    assert exc.value.code == "meeting_started"


def test_attendance_is_recorded_after_the_start_by_the_insurer(regional):
    meeting = plan(regional)
    purchaser = regional["users"]["purchaser A"]
    p, q, g = (invitation_of(meeting, regional[k]) for k in ("p", "q", "g"))
    with pytest.raises(PortalError) as exc:
        regional_meeting_record_attendance(actor=purchaser, meeting=meeting, attended_ids=[p.pk], now=BEFORE)
    assert exc.value.code == "meeting_not_started"
    other = plan(regional, title="Tweede avond")
    stray = invitation_of(other, regional["p"])
    with pytest.raises(PortalError) as exc:
        regional_meeting_record_attendance(actor=purchaser, meeting=meeting, attended_ids=[p.pk, stray.pk],
                                           now=AFTER)
    assert exc.value.code == "unknown_invitation"
    with pytest.raises(PortalError) as exc:
        regional_meeting_record_attendance(actor=regional["users"]["member P"], meeting=meeting,
                                           attended_ids=[p.pk], now=AFTER)
    assert exc.value.status == 403
    assert not RegionalMeetingInvitation.objects.filter(attended__isnull=False).exists()

    regional_meeting_record_attendance(actor=purchaser, meeting=meeting, attended_ids=[str(p.pk), g.pk], now=AFTER)
    regional_meeting_record_attendance(actor=purchaser, meeting=meeting, attended_ids=[p.pk, g.pk], now=AFTER)
    assert {i.pk: i.attended for i in meeting.invitations.all()} == {p.pk: True, q.pk: False, g.pk: True}
    assert AuditEvent.objects.filter(verb="consultations.regional_meeting.attendance_recorded").count() == 1
    regional_meeting_record_attendance(actor=purchaser, meeting=meeting, attended_ids=[q.pk], now=AFTER)
    assert {i.pk: i.attended for i in meeting.invitations.all()} == {p.pk: False, q.pk: True, g.pk: False}


# --- NZa survey Q15 / Q16 --------------------------------------------------------------------------------------
def answers(world, holder=None, *, insurer="a", region="region", year=2027, now=AFTER):
    kwargs = {}
    if holder is not None:
        kwargs["care_group_id" if holder == "g" else "practice_id"] = world[holder].pk
    found = regional_meeting_answers(region_id=world[region].pk, year=year, now=now,
                                     insurer_id=world[insurer].pk if insurer else None, **kwargs)
    return found.organised, found.meetings, found.attended


def test_q15_q16_from_the_meetings_held_and_the_attendance(regional):
    assert answers(regional, "p") == (False, 0, None)  # no meeting at all: Q15 "Nee", no Q16
    meeting = plan(regional)
    assert answers(regional, "p", now=BEFORE)[0] is False  # planned is not yet held
    purchaser = regional["users"]["purchaser A"]
    regional_meeting_register(actor=regional["users"]["member P"], invitation=invitation_of(meeting, regional["p"]),
                              now=PLANNED_AT)
    # Held, attendance not recorded: P registered, so the portal does not know; Q did not register: no.
    assert answers(regional, "p") == (True, 1, None)
    assert answers(regional, "q") == (True, 1, False)
    regional_meeting_record_attendance(actor=purchaser, meeting=meeting,
                                       attended_ids=[invitation_of(meeting, regional["g"]).pk], now=AFTER)
    assert answers(regional, "p") == (True, 1, False)
    assert answers(regional, "g") == (True, 1, True)
    assert answers(regional) == (True, 1, None)  # Q15 alone
    # Another insurer's meetings, another region, another year: nothing organised there.
    assert answers(regional, "p", insurer="c")[0] is False
    assert answers(regional, "t", region="other_region")[0] is False
    assert answers(regional, "p", year=2028)[0] is False
    # The survey asks about "een zorgverzekeraar": any insurer's meetings count.
    assert answers(regional, "g", insurer=None) == (True, 1, True)


def test_a_cancelled_meeting_was_not_organised(regional):
    meeting = plan(regional)
    regional_meeting_cancel(actor=regional["users"]["purchaser A"], meeting=meeting, reason="Geen zaal.",
                            now=PLANNED_AT)
    assert answers(regional, "p") == (False, 0, None)
