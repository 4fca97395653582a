"""The next contract year exists before its cycle starts: made by the sweep (and the end-of-signing effect),
once, also after downtime and with two sweeps at once; added by an administrator; shown on the home page."""

import threading
from datetime import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from contracting.calendar import AMSTERDAM, CONTRACTING_CALENDAR, MilestoneKind
from contracting.models import ContractYear, EffectRun, Milestone
from contracting.services import contract_year_ensure, deadlines_sweep, milestone_reschedule
from core.models import AuditEvent
from tests.factories import CareGroupFactory, InsurerFactory, OverlegTeamFactory, PracticeFactory, make_member
from tests.helpers import run_in_threads, text, wait_for_lock_waiter


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def created_events(year: int):
    year_pk = ContractYear.objects.get(year=year).pk
    return AuditEvent.objects.filter(verb="contracting.contract_year.created", object_id=str(year_pk))


def assert_whole_calendar(year: int):
    kinds = list(Milestone.objects.filter(contract_year__year=year).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(rule.kind for rule in CONTRACTING_CALENDAR)


@pytest.fixture
def year2027(db):
    return contract_year_ensure(actor=None, year=2027)


# --- The sweep ---------------------------------------------------------------------------------------------
def test_fresh_database_on_1_december_2026_gets_2028_at_once(year2027):
    # 2027's signing closed at the end of 7 November 2026, so its successor must exist now.
    run = deadlines_sweep(now=ams(2026, 12, 1, 9, 0))
    assert run.years_created == [2028]
    assert_whole_calendar(2028)
    assert created_events(2028).count() == 1
    # The defaults of domain/gcp-cycle.md: evaluation from 1 January 2027, policy by the end of 1 April 2027,
    # signing from 1 October to the end of 7 November 2027, follow decisions before 1 January 2028.
    due = dict(Milestone.objects.filter(contract_year__year=2028).values_list("kind", "due_at"))
    assert due[MilestoneKind.EVALUATION_START] == ams(2027, 1, 1, 0, 0)
    assert due[MilestoneKind.POLICY_PUBLICATION] == ams(2027, 4, 2, 0, 0)
    assert due[MilestoneKind.SIGNING_OPEN] == ams(2027, 10, 1, 0, 0)
    assert due[MilestoneKind.SIGNING_CLOSE] == ams(2027, 11, 8, 0, 0)
    assert due[MilestoneKind.SIGNING_REMINDER_14] == ams(2027, 10, 24, 0, 0)
    assert due[MilestoneKind.FOLLOW_DECISIONS_DUE] == ams(2028, 1, 1, 0, 0)

    assert deadlines_sweep(now=ams(2026, 12, 1, 9, 1)) is None  # nothing left to do
    assert created_events(2028).count() == 1
    assert not ContractYear.objects.filter(year=2029).exists()


def test_on_1_january_2027_year_2028_exists_even_on_an_empty_database(db):
    run = deadlines_sweep(now=ams(2027, 1, 1, 0, 0))
    assert run.years_created == [2028]
    assert_whole_calendar(2028)
    # Its first milestone (the evaluation from 1 January) is due at that very moment and applied in the same run.
    assert Milestone.objects.get(contract_year__year=2028, kind=MilestoneKind.EVALUATION_START).applied_at is not None
    assert set(ContractYear.objects.values_list("year", flat=True)) == {2028}


def test_next_year_is_created_when_signing_closes_and_not_before(year2027):
    deadlines_sweep(now=ams(2026, 11, 7, 23, 59, 59))
    assert not ContractYear.objects.filter(year=2028).exists()
    deadlines_sweep(now=ams(2026, 11, 8, 0, 0))
    assert_whole_calendar(2028)
    assert created_events(2028).count() == 1
    # The end-of-signing effect makes sure of it too (the sweep got there first here).
    close = year2027.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    effect = close.effects.get(effect="contracting.next_year")
    assert (effect.status, effect.result["year"], effect.result["created"]) == (EffectRun.Status.APPLIED, 2028, False)


def test_next_year_after_downtime_is_created_once(year2027):
    deadlines_sweep(now=ams(2026, 9, 1, 12, 0))
    # The worker was down from 1 September until 2 December.
    run = deadlines_sweep(now=ams(2026, 12, 2, 8, 0))
    assert run.years_created == [2028]
    assert created_events(2028).count() == 1
    assert_whole_calendar(2028)
    deadlines_sweep(now=ams(2026, 12, 2, 8, 1))
    assert created_events(2028).count() == 1
    assert Milestone.objects.filter(contract_year__year=2028).count() == len(CONTRACTING_CALENDAR)


def test_an_administrator_can_still_move_the_new_years_dates(year2027, admin_user):
    deadlines_sweep(now=ams(2026, 12, 1, 9, 0))
    policy = Milestone.objects.get(contract_year__year=2028, kind=MilestoneKind.POLICY_PUBLICATION)
    milestone_reschedule(actor=admin_user, milestone=policy, due_at=ams(2027, 4, 16, 0, 0))
    policy.refresh_from_db()
    assert policy.due_at == ams(2027, 4, 16, 0, 0)
    assert AuditEvent.objects.filter(verb="contracting.milestone.rescheduled", actor=admin_user,
                                     object_id=str(policy.pk)).count() == 1
    deadlines_sweep(now=ams(2026, 12, 1, 9, 5))  # the sweep leaves a moved date alone
    policy.refresh_from_db()
    assert policy.due_at == ams(2027, 4, 16, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_create_the_next_year_once():
    contract_year_ensure(actor=None, year=2027)
    now = ams(2026, 12, 1, 9, 0)
    barrier = threading.Barrier(2)
    runs = []

    def sweep():
        barrier.wait()
        runs.append(deadlines_sweep(now=now))

    assert run_in_threads(sweep, sweep) == []
    assert ContractYear.objects.filter(year=2028).count() == 1
    assert_whole_calendar(2028)
    assert created_events(2028).count() == 1
    assert sum(run.years_created.count(2028) for run in runs if run) == 1


@pytest.mark.django_db(transaction=True)
def test_a_sweep_running_into_an_uncommitted_new_year_waits_and_creates_nothing():
    # The first creator holds its new year uncommitted until the sweep's INSERT of the same year waits on it;
    # the sweep must then hit the unique year and carry on with the committed row: no IntegrityError, one
    # creation.
    contract_year_ensure(actor=None, year=2027)
    now = ams(2026, 12, 1, 9, 0)
    inserted = threading.Event()
    runs = []

    def first():
        with transaction.atomic():
            contract_year_ensure(actor=None, year=2028)
            inserted.set()
            assert wait_for_lock_waiter(), "the sweep never waited on the uncommitted year"

    def second():
        inserted.wait(30)
        runs.append(deadlines_sweep(now=now))

    assert run_in_threads(first, second) == []
    assert ContractYear.objects.filter(year=2028).count() == 1
    assert_whole_calendar(2028)
    assert created_events(2028).count() == 1
    assert all(2028 not in run.years_created for run in runs if run)


# --- The administrator -------------------------------------------------------------------------------------
def test_admin_adds_a_contract_year_with_its_whole_calendar(admin_client, admin_user):
    response = admin_client.get("/beheer/contracting/contractyear/add/")
    assert response.status_code == 200
    response = admin_client.post("/beheer/contracting/contractyear/add/", {"year": "2028"})
    assert response.status_code == 302, response.content.decode()[:2000]
    year = ContractYear.objects.get(year=2028)
    assert_whole_calendar(2028)
    assert created_events(2028).get().actor == admin_user

    page = text(admin_client.get(f"/beheer/contracting/contractyear/{year.pk}/change/").content.decode())
    # Each milestone with its stored moment ("by the end of 1 April" is 00:00 on 2 April).
    assert "Publicatie voorgenomen inkoopbeleid en contracteerprocedure 2 april 2027 00:00" in page
    assert "Herinnering: nog 14 dagen om te ondertekenen 24 oktober 2027 00:00" in page
    assert "Besluiten op volgverzoeken genomen 1 januari 2028 00:00" in page


def test_admin_cannot_add_a_year_twice_or_out_of_range(admin_client):
    contract_year_ensure(actor=None, year=2028)
    response = admin_client.post("/beheer/contracting/contractyear/add/", {"year": "2028"})
    assert response.status_code == 200
    assert "bestaat al" in response.content.decode()
    response = admin_client.post("/beheer/contracting/contractyear/add/", {"year": "2150"})
    assert response.status_code == 200
    assert "Contractjaar 2150 valt buiten het bereik 2000–2100." in text(response.content.decode())
    assert ContractYear.objects.count() == 1


# --- The home page -----------------------------------------------------------------------------------------
def home_text(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return text(response.content.decode())


@pytest.mark.parametrize(("role", "organisation", "expected"), [
    (Role.INSURER_PURCHASER, "insurer",
     "Contractjaar 2028: evaluatie vanaf 1 januari 2027; inkoopbeleid uiterlijk 1 april 2027"),
    (Role.PRACTICE_MEMBER, "practice",
     "Contractjaar 2028: evaluatie vanaf 1 januari 2027; definitief contractaanbod uiterlijk 15 september 2027"),
    (Role.CAREGROUP_MEMBER, "care_group",
     "Contractjaar 2028: evaluatie vanaf 1 januari 2027; offertes zorggroepen uiterlijk 15 juli 2027"),
    (Role.OTH_MEMBER, "overleg_team",
     "Contractjaar 2028: evaluatie vanaf 1 januari 2027; inkoopbeleid uiterlijk 1 april 2027"),
    (Role.NZA_ANALYST, None,
     "Contractjaar 2028: inkoopbeleid uiterlijk 1 april 2027; offertes zorggroepen uiterlijk 15 juli 2027"),
    (Role.ADMINISTRATOR, None,
     "Contractjaar 2028: evaluatie vanaf 1 januari 2027; inkoopbeleid uiterlijk 1 april 2027"),
])
def test_every_role_sees_the_next_cycles_first_steps_once_signing_closed(client, year2027, role, organisation,
                                                                          expected):
    org = {"insurer": InsurerFactory, "practice": PracticeFactory, "care_group": CareGroupFactory,
           "overleg_team": OverlegTeamFactory}.get(organisation)
    user = make_member(role, org() if org else None)
    deadlines_sweep(now=ams(2026, 12, 1, 9, 0))
    with time_machine.travel(ams(2026, 10, 26, 10, 0), tick=False):  # signing open: not yet
        assert "Contractjaar 2028:" not in home_text(client, user)
    with time_machine.travel(ams(2026, 12, 1, 10, 0), tick=False):  # follow contracts being processed
        page = home_text(client, user)
    assert "Kalender contractjaar 2027" in page
    assert expected in page


@time_machine.travel(ams(2026, 11, 20, 10, 0), tick=False)
def test_home_with_the_next_cycle_runs_a_constant_number_of_queries(client, practice_user, year2027,
                                                                   django_assert_max_num_queries):
    contract_year_ensure(actor=None, year=2028)
    client.force_login(practice_user)
    # session, user, memberships, unread notifications, current contract year, its milestones, the next
    # year's milestones (with the year); what waits on the practice user (selectors.tasks): offers, open
    # questions, unread follow decisions; the open surveys it has not submitted (the surveys app's task source).
    with django_assert_max_num_queries(7 + 3 + 1):
        page = text(client.get(reverse("home")).content.decode())
    assert "Contractjaar 2028: evaluatie vanaf 1 januari 2027" in page


def test_admin_cannot_delete_a_contract_year_or_what_the_engine_recorded(admin_client, year2027):
    """A deleted year would take its milestones and their run-once records with it, and the next sweep would
    run its past again. Neither a year nor a milestone, clock, effect or sweep record can be deleted."""
    from django.contrib.contenttypes.models import ContentType

    from contracting.calendar import REQUEST_REACTION_CLOCK
    from contracting.models import Clock, SweepRun

    milestone = year2027.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    run = EffectRun.objects.create(milestone=milestone, effect="contracting.offers.expire",
                                   status=EffectRun.Status.APPLIED, effective_at=milestone.due_at)
    clock = Clock.objects.create(content_type=ContentType.objects.get_for_model(Milestone), object_id=milestone.pk,
                                 kind=REQUEST_REACTION_CLOCK, started_at=milestone.due_at, due_at=milestone.due_at)
    sweep = SweepRun.objects.create(started_at=milestone.due_at, as_of=milestone.due_at)
    for model, pk in [("contractyear", year2027.pk), ("milestone", milestone.pk), ("effectrun", run.pk),
                      ("clock", clock.pk), ("sweeprun", sweep.pk)]:
        url = f"/beheer/contracting/{model}/{pk}/delete/"
        assert admin_client.get(url).status_code == 403, model
        assert admin_client.post(url, {"post": "yes"}).status_code == 403, model
        changelist = admin_client.get(f"/beheer/contracting/{model}/")
        assert changelist.status_code == 200
        assert 'value="delete_selected"' not in changelist.content.decode(), model
    # Nor through the list's bulk action.
    admin_client.post("/beheer/contracting/contractyear/", {"action": "delete_selected",
                                                            "_selected_action": [year2027.pk], "post": "yes"})
    assert ContractYear.objects.filter(pk=year2027.pk).exists()
    assert Milestone.objects.filter(pk=milestone.pk).exists() and EffectRun.objects.filter(pk=run.pk).exists()
