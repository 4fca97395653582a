from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Membership, Notification, Role
from contracting.models import Clock, EffectRun
from contracting.services import deadlines_sweep
from core.errors import ConflictError, Forbidden
from surveys.audiences import audience_invitations
from surveys.models import Invitation, Survey
from surveys.services import survey_create_from_definition, survey_publish
from surveys.services.surveys import survey_reminder_at
from tests.factories import CareGroupFactory, InsurerFactory, PracticeFactory, RegionFactory, make_member

from .conftest import signed_contract

AMS = ZoneInfo("Europe/Amsterdam")
BEFORE = datetime(2026, 2, 20, 12, 0, tzinfo=AMS)


@pytest.fixture
def world(db):
    """Two regions; practice A (region north) in care group G with signed S1 contracts with insurers X and Y,
    G with a signed S2 contract with X; practice B (north) with nothing; practice C in the south, with Y."""
    north, south = RegionFactory(name="Noord"), RegionFactory(name="Zuid")
    x, y = InsurerFactory(name="X"), InsurerFactory(name="Y")
    a, b, c = PracticeFactory(region=north), PracticeFactory(region=north), PracticeFactory(region=south)
    group = CareGroupFactory(region=north)
    group.practices.add(a)
    signed_contract(x, a)
    signed_contract(y, a)
    signed_contract(x, group)
    signed_contract(y, c)
    signed_contract(x, b, year=2025)  # another year: does not count for a 2026 survey
    return {"north": north, "south": south, "x": x, "y": y, "a": a, "b": b, "c": c, "group": group}


def _survey(definition, window, **kwargs):
    return survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                         closes_at=window[1], **kwargs)


def test_each_audience_resolves_to_its_respondents_with_their_attributes(world, definition, window):
    w = world
    survey = _survey(definition, window)
    attributes = {i.practice_id: i.attributes for i in audience_invitations(survey)}
    assert attributes == {
        w["a"].pk: {"segment": "both", "provider_type": "both", "region": w["north"].pk,
                    "insurers": sorted([w["x"].pk, w["y"].pk])},
        w["b"].pk: {"segment": "none", "provider_type": "gp", "region": w["north"].pk, "insurers": []},
        w["c"].pk: {"segment": "s1", "provider_type": "gp", "region": w["south"].pk, "insurers": [w["y"].pk]},
    }
    definition["key"] = "regio"
    region = _survey(definition, window, audience="region", audience_region=w["north"])
    assert {(i.practice_id, i.care_group_id) for i in audience_invitations(region)} == {
        (w["a"].pk, None), (w["b"].pk, None), (None, w["group"].pk)}
    definition["key"] = "contractanten"
    contractants = _survey(definition, window, audience="contractants", audience_insurer=w["x"])
    invitations = audience_invitations(contractants)
    assert {(i.practice_id, i.care_group_id) for i in invitations} == {(w["a"].pk, None), (None, w["group"].pk)}
    group_invitation = next(i for i in invitations if i.care_group_id)
    assert group_invitation.attributes == {"segment": "s2", "provider_type": "care_group",
                                           "region": w["north"].pk, "insurers": [w["x"].pk]}
    definition["key"] = "verzekeraars"
    insurers = _survey(definition, window, audience="insurers")
    assert {i.insurer_id: i.attributes for i in audience_invitations(insurers)} == {
        w["x"].pk: {"care_groups": [w["group"].pk]}, w["y"].pk: {"care_groups": []}}


def test_gp_members_are_invited_as_persons_with_their_practice(world, definition, window):
    gp = make_member(Role.PRACTICE_MEMBER, world["a"], email="huisarts@a.example")
    Membership.objects.filter(user=gp).update(is_gp=True)
    make_member(Role.PRACTICE_MEMBER, world["a"], email="assistent@a.example")  # not a GP: not invited
    definition["key"] = "huisartsen"
    survey = _survey(definition, window, audience="gp_members")
    invitations = audience_invitations(survey)
    assert [(i.user_id, i.practice_id, i.attributes["insurers"]) for i in invitations] == [
        (gp.pk, world["a"].pk, sorted([world["x"].pk, world["y"].pk]))]


def test_publishing_invites_the_audience_and_starts_the_three_clocks(world, draft_survey):
    survey = survey_publish(actor=None, survey=draft_survey, now=BEFORE)
    assert survey.status == "published" and survey.published_at == BEFORE
    assert Invitation.objects.filter(survey=survey).count() == 3
    clocks = dict(Clock.objects.filter(object_id=survey.pk, kind__startswith="surveys.").values_list("kind", "due_at"))
    assert clocks == {
        "surveys.survey.invite": datetime(2026, 3, 1, 9, 0, tzinfo=AMS),
        # 7 days before 00:00 on 1 April (summer time since 29 March) is 00:00 on 25 March (winter time)
        "surveys.survey.remind": datetime(2026, 3, 25, 0, 0, tzinfo=AMS),
        "surveys.survey.close": datetime(2026, 4, 1, 0, 0, tzinfo=AMS),
    }
    again = survey_publish(actor=None, survey=survey, now=BEFORE + timedelta(hours=1))
    assert again.published_at == BEFORE and Invitation.objects.filter(survey=survey).count() == 3


def test_reminder_moment_keeps_local_midnight_across_dst(draft_survey):
    assert survey_reminder_at(draft_survey).astimezone(AMS).hour == 0
    draft_survey.reminder_days_before = None
    assert survey_reminder_at(draft_survey) is None


def test_only_the_owner_publishes_and_not_after_closing(world, definition, window, insurer_user, insurer):
    definition["key"] = "evaluatie"
    survey = _survey(definition, window, owner_insurer=insurer, audience="contractants")
    outsider = make_member(Role.INSURER_PURCHASER, InsurerFactory(), email="ander@verzekeraar.example")
    with pytest.raises(Forbidden):
        survey_publish(actor=outsider, survey=survey, now=BEFORE)
    with pytest.raises(ConflictError) as caught:
        survey_publish(actor=insurer_user, survey=survey, now=window[1])
    assert caught.value.code == "survey_closes_in_the_past"
    survey.refresh_from_db()
    assert survey.status == "draft" and not Invitation.objects.filter(survey=survey).exists()


def _members(world):
    users = {name: make_member(Role.PRACTICE_MEMBER, world[name], email=f"{name}@praktijk.example")
             for name in ("a", "b", "c")}
    return users


def test_invitations_and_reminder_go_out_once_on_the_engine_and_catch_up(world, draft_survey):
    users = _members(world)
    survey = survey_publish(actor=None, survey=draft_survey, now=BEFORE)
    deadlines_sweep(now=datetime(2026, 2, 28, 12, 0, tzinfo=AMS))  # before opening: nothing
    assert not Notification.objects.filter(key=f"surveys.invite.{survey.pk}").exists()
    # The worker was down from before the opening until the 3rd: the sweep catches up, stamping the
    # invitations with the opening moment.
    deadlines_sweep(now=datetime(2026, 3, 3, 8, 0, tzinfo=AMS))
    deadlines_sweep(now=datetime(2026, 3, 3, 8, 1, tzinfo=AMS))
    invited = Notification.objects.filter(key=f"surveys.invite.{survey.pk}")
    assert sorted(invited.values_list("user__email", flat=True)) == sorted(u.email for u in users.values())
    assert set(Invitation.objects.filter(survey=survey).values_list("invited_at", flat=True)) == {
        datetime(2026, 3, 1, 9, 0, tzinfo=AMS)}
    # b submits before the reminder; a and c are reminded, once.
    from surveys.services.responses import response_save
    b_invitation = Invitation.objects.get(survey=survey, practice=world["b"])
    response_save(actor=users["b"], invitation=b_invitation, now=datetime(2026, 3, 10, tzinfo=AMS), submit=True,
                  answers={"Q1": "ja", "Q4": 8})
    for moment in (datetime(2026, 3, 25, 0, 5, tzinfo=AMS), datetime(2026, 3, 25, 9, 0, tzinfo=AMS)):
        deadlines_sweep(now=moment)
    reminded = Notification.objects.filter(key=f"surveys.remind.{survey.pk}")
    assert sorted(reminded.values_list("user__email", flat=True)) == sorted([users["a"].email, users["c"].email])
    assert EffectRun.objects.filter(effect="surveys.survey.send_reminders", status="applied").count() == 1
    deadlines_sweep(now=datetime(2026, 4, 1, 0, 1, tzinfo=AMS))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED


def test_a_reminder_found_after_closing_is_skipped(world, draft_survey):
    _members(world)
    survey = survey_publish(actor=None, survey=draft_survey, now=BEFORE)
    deadlines_sweep(now=datetime(2026, 4, 2, 12, 0, tzinfo=AMS))  # down for the whole month
    assert not Notification.objects.filter(key=f"surveys.remind.{survey.pk}").exists()
    assert EffectRun.objects.get(effect="surveys.survey.send_reminders").status == "skipped"
    assert Notification.objects.filter(key=f"surveys.invite.{survey.pk}").count() == 3
    survey.refresh_from_db()
    assert survey.status == "closed"
