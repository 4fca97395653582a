"""seed_demo's contracting cycle on a few dates: which contract years, how the offers of a signing window end,
the follow requests and questions, and what the first demo login of each role finds to do.

Each date is seeded once for its class (as the run command does it: seed_demo, then the worker's first sweep)
and each test runs in a savepoint inside it. Counts are worked out by hand for PRACTICES = 300: practice i has
AGB code 01 + (7919·i + 104729) mod 10⁶, whose last two digits (19·i + 29) mod 100 take every value exactly
three times for i < 300. Digits 13 refuse and 41 and 86 leave the offer undecided (demo.moments), so a closed
window ends with 3 refused, 6 expired and 291 signed offers (the three demo practices, whose digits are 29, 48
and 67, sign too, and so does each insurer's scripted practice, which is picked among those that sign).
"""

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import Membership, Notification, Role, User
from contracting.calendar import AMSTERDAM, CONTRACTING_CALENDAR
from contracting.models import (
    ContractYear,
    FollowRequest,
    HolderKind,
    ModuleChoice,
    NzaMaxTariff,
    Offer,
    Request,
    Signature,
    StandardContract,
)
from contracting.selectors import insurer_inbox
from contracting.services import milestones_sweep, offer_sign
from contracting.services.contracts import content_hash
from contracting.services.offers import offer_sign_preview
from core.models import AuditEvent
from demo.moments import QUESTION_DELAYS, contract_years_around, offer_outcome, question_slots
from demo.organisations import demo_practice_agb_codes, practice_agb_code
from insurers.models import Insurer, PolicyVersion
from providers.models import Practice
from providers.selectors import practices_with_preferent
from tests.helpers import page_html_as

PRACTICES = 300


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=AMSTERDAM)


DEC_1 = at(2026, 12, 1)  # 2027 signed, follow requests being decided; 2028 ahead
JAN_10 = at(2027, 1, 10)  # 2027 in force; 2028 in its evaluation phase
MAY_15 = at(2027, 5, 15)  # 2028 policies out, contracts being built
OCT_15 = at(2027, 10, 15)  # 2028 being signed
SEP_20 = at(2026, 9, 20)  # 2027 offers out, signing not yet open


def seed(now: datetime, practices: int = PRACTICES) -> str:
    out = StringIO()
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", practices=practices, stdout=out)
    return out.getvalue()


def sweep(now: datetime) -> None:
    """What the worker does right after scripts/run seeded: apply the milestones already due."""
    with time_machine.travel(now, tick=False):
        milestones_sweep(now=now)


def counts() -> dict[str, int]:
    models = (User, Membership, NzaMaxTariff, PolicyVersion, StandardContract, Offer, ModuleChoice, Signature,
              FollowRequest, Request, Notification, AuditEvent, ContractYear)
    return {model._meta.label: model.objects.count() for model in models}


def snapshot() -> dict:
    """The cycle by natural keys (primary keys differ between runs)."""
    return {
        "versions": sorted(PolicyVersion.objects.values_list(
            "policy__insurer__name", "policy__year", "number", "published_at", "is_late", "content_hash")),
        "contracts": sorted(StandardContract.objects.values_list(
            "insurer__name", "first_year", "title", "term_years", "status", "published_at", "is_late")),
        # The practices' cycle (the care groups' negotiations have their own test, tests/demo/test_caregroup_demo).
        "offers": sorted(Offer.objects.filter(practice__isnull=False).values_list(
            "practice__agb_code", "year", "insurer__name", "status", "opened_at", "decided_at", "refusal_reason")),
        "signatures": sorted(Signature.objects.filter(offer__practice__isnull=False).values_list(
            "offer__practice__agb_code", "offer__year", "signed_by__email", "signed_at", "estimated_amount")),
        "follow": sorted(FollowRequest.objects.filter(offer__practice__isnull=False).values_list(
            "offer__practice__agb_code", "insurer__name", "status", "requested_at", "decided_at")),
        "questions": sorted(Request.objects.values_list(
            "practice__agb_code", "kind", "subject", "raised_by__email", "raised_at", "answered_at", "status")),
    }


def seeded(django_db_blocker, now: datetime):
    with django_db_blocker.unblock(), transaction.atomic():
        seed(now)
        sweep(now)
        yield
        transaction.set_rollback(True)


def first_logins() -> dict[str, dict]:
    """The first row of each role in `manage.py demo_logins --json`."""
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    first = {}
    for row in json.loads(out.getvalue()):
        first.setdefault(row["role"], row)
    return first


def demo_offer(n: int, year: int) -> Offer:
    return Offer.objects.get(practice__agb_code=demo_practice_agb_codes()[n - 1], year=year)


def assert_closed_window(year: int) -> None:
    statuses = Counter(Offer.objects.filter(year=year, practice__isnull=False).values_list("status", flat=True))
    assert statuses == {Offer.Status.SIGNED: 291, Offer.Status.REFUSED: 3, Offer.Status.EXPIRED: 6}
    refused = Offer.objects.filter(year=year, status=Offer.Status.REFUSED)
    assert {int(agb) % 100 for agb in refused.values_list("practice__agb_code", flat=True)} == {13}
    assert not refused.filter(refusal_reason="").exists()


# --- Pure rules ----------------------------------------------------------------------------------------------
def test_years_around_a_date(db):
    assert contract_years_around(DEC_1) == (2026, 2027, 2028)
    assert contract_years_around(at(2026, 12, 31, 23)) == (2026, 2027, 2028)
    assert contract_years_around(JAN_10) == (2027, 2028, 2029)
    assert contract_years_around(MAY_15) == (2027, 2028, 2029)
    assert contract_years_around(OCT_15) == (2027, 2028, 2029)


def test_outcomes_per_hundred_practices():
    """Every hundred consecutive practices: 97 sign, 1 refuses, 2 leave the offer undecided."""
    for first in (0, 100, 437):
        outcomes = Counter(offer_outcome(practice_agb_code(i)) for i in range(first, first + 100))
        assert outcomes == {"sign": 97, "refuse": 1, "undecided": 2}


def test_some_demo_member_waits_for_an_answer_on_every_day_of_the_year():
    slots = [s for n in range(3) for s in question_slots(n, date(2027, 1, 1), date(2028, 1, 1))]
    assert {s.answered_at - s.asked_at for s in slots} == set(QUESTION_DELAYS)
    day = date(2027, 1, 8)  # the first questions are asked in the first weeks
    while day < date(2027, 12, 31):
        noon = at(day.year, day.month, day.day, 12)
        assert any(s.asked_at <= noon < s.answered_at for s in slots), day
        day += timedelta(days=1)
    assert all(s.asked_at.weekday() == 1 for s in slots)  # Tuesdays


# --- 1 December 2026 -----------------------------------------------------------------------------------------
@pytest.fixture(scope="class")
def seeded_dec_1(django_db_setup, django_db_blocker):
    yield from seeded(django_db_blocker, DEC_1)


@pytest.mark.usefixtures("seeded_dec_1", "db")
class TestFirstDecember:
    @pytest.fixture(autouse=True)
    def _today(self):
        with time_machine.travel(DEC_1, tick=False):
            yield

    def test_the_year_in_force_the_year_being_processed_and_the_next(self):
        years = {y.year: y for y in ContractYear.objects.all()}
        assert set(years) == {2026, 2027, 2028}
        assert all(y.milestones.count() == len(CONTRACTING_CALENDAR) for y in years.values())
        assert not years[2028].milestones.filter(applied_at__isnull=False).exists()
        assert not PolicyVersion.objects.filter(policy__year=2028).exists()
        # Only the uitvraag's contract (demo.qualification) is out for 2028: offered after qualification.
        assert list(StandardContract.objects.filter(first_year=2028).values_list("title", "requires_qualification")) \
            == [("Zorg voor kwetsbare ouderen 2028", True)]

    def test_closed_windows_end_as_the_nza_monitor_finds(self):
        for year in (2026, 2027):
            assert_closed_window(year)
        # Six of the eight insurers contract 2027 for several years (NZa monitor, Tabel 2.2); 2026 ran one year.
        terms = dict(StandardContract.objects.filter(first_year=2027, holder_kind=HolderKind.PRACTICE)
                     .values_list("insurer__name", "term_years"))
        assert terms == {"Zilveren Kruis": 1, "VGZ": 2, "CZ": 2, "Menzis": 2, "DSW": 2, "Zorg en Zekerheid": 2,
                         "ENO": 3, "De Friesland": 1}
        assert set(StandardContract.objects.filter(first_year=2026).values_list("term_years", flat=True)) == {1}

    def test_every_signature_is_frozen_content_with_its_hash_choices_and_audit_event(self):
        signatures = list(Signature.objects.filter(offer__year=2027, offer__practice__isnull=False)
                          .select_related("offer", "signed_by"))
        assert len(signatures) == 291
        choices = Counter(ModuleChoice.objects.filter(offer__year=2027).values_list("offer_id", flat=True))
        audited = Counter(AuditEvent.objects.filter(verb="contracting.offer.signed")
                          .values_list("object_id", flat=True))
        signatory = set(Membership.objects.filter(role=Role.PRACTICE_SIGNATORY)
                        .values_list("user_id", "practice_id"))
        for signature in signatures:
            offer = signature.offer
            assert signature.content_hash == content_hash(signature.content)
            assert signature.estimated_amount == Decimal(signature.content["estimated_amount"]) > 0
            assert choices[offer.pk] == len(signature.content["modules"])
            assert audited[str(offer.pk)] == 1
            assert (signature.signed_by_id, offer.practice_id) in signatory
            assert datetime(2026, 10, 1, tzinfo=AMSTERDAM) <= signature.signed_at < datetime(2026, 11, 8,
                                                                                               tzinfo=AMSTERDAM)
            assert offer.opened_at < offer.decided_at == signature.signed_at

    def test_every_opened_offer_has_the_audit_event_of_its_opening(self):
        # As offer_mark_opened records it: one event per offer, with the moment the offer shows as opened, for
        # those opened in the weeks after publication and those opened the day before signing or refusing.
        opened = dict(Offer.objects.filter(opened_at__isnull=False).values_list("pk", "opened_at"))
        events = [(int(pk), datetime.fromisoformat(after["opened_at"])) for pk, after in
                  AuditEvent.objects.filter(verb="contracting.offer.opened").values_list("object_id", "after")]
        assert len(events) == len(opened)
        assert dict(events) == opened
        refused = Offer.objects.filter(status=Offer.Status.REFUSED)
        assert {pk for pk, _at in events} >= set(refused.values_list("pk", flat=True)) != set()
        assert Offer.objects.filter(status=Offer.Status.EXPIRED, opened_at__isnull=False).exists()

    def test_bulk_signatures_hold_what_offer_sign_would_have_frozen(self):
        offer = (Offer.objects.filter(year=2027, status=Offer.Status.SIGNED)
                 .exclude(signature__signed_by__email__endswith="@praktijk1.demo").order_by("pk").first())
        signature = offer.signature
        preview, _parsed = offer_sign_preview(offer)  # from the saved module choice, as offer_sign reads it
        frozen = {k: v for k, v in signature.content.items() if k not in ("signed_at", "signed_by")}
        assert frozen == preview
        assert signature.content["signed_by"]["email"] == signature.signed_by.email
        assert signature.policy_version_id == preview["policy"]["id"]  # the version in force, kept

    def test_the_demo_practices_signed_on_the_last_day_but_one_and_offered_their_contract_to_others(self):
        for n in (1, 2, 3):
            offer = demo_offer(n, 2027)
            assert offer.status == Offer.Status.SIGNED
            assert offer.signature.signed_by.email == f"tekenbevoegde@praktijk{n}.demo"
            assert offer.decided_at.date() == date(2026, 11, 6)
        follow = {(fr.offer.practice.agb_code, fr.insurer.name): fr
                  for fr in FollowRequest.objects.filter(year=2027).select_related("offer__practice", "insurer")}
        agb = demo_practice_agb_codes()
        assert follow[(agb[0], "VGZ")].status == FollowRequest.Status.FOLLOWED
        assert follow[(agb[1], "DSW")].status == FollowRequest.Status.PARTIAL
        assert follow[(agb[1], "DSW")].not_followed == ["praktijkmanagement"] and follow[(agb[1], "DSW")].explanation
        assert follow[(agb[1], "Zilveren Kruis")].status == FollowRequest.Status.PENDING
        assert follow[(agb[2], "Zilveren Kruis")].status == FollowRequest.Status.PENDING
        statuses = Counter(fr.status for fr in follow.values())
        assert statuses[FollowRequest.Status.DECLINED] >= 1
        assert all(fr.explanation for fr in follow.values() if fr.status == FollowRequest.Status.DECLINED)
        # The year in force was decided completely.
        assert not FollowRequest.objects.filter(year=2026, status=FollowRequest.Status.PENDING).exists()

    def test_open_questions_inside_and_past_their_clock_and_answered_ones(self):
        items = list(insurer_inbox(insurer_ids=list(Insurer.objects.values_list("pk", flat=True)), now=DEC_1)[:50])
        questions = [item for item in items if item.kind == "question"]
        assert {item.overdue for item in questions} == {True, False}
        assert Request.objects.filter(answered_at__isnull=False).count() > 20

    def test_first_purchaser_has_follow_requests_to_decide_and_a_question_past_its_clock(self, client):
        row = first_logins()[Role.INSURER_PURCHASER]
        assert row["email"] == "inkoper@zilverenkruis.demo"
        assert "3 volgverzoeken wachten op uw besluit" in row["todo"]
        # One of the cycle's questions about an offer, and one of the requests step's (raised 12 days before).
        assert "2 vragen zijn niet binnen 5 werkdagen beantwoord" in row["todo"]
        home = page_html_as(client, User.objects.get(email=row["email"]), "/")
        assert "Wat wacht op u" in home and "3 volgverzoeken wachten op uw besluit" in home
        html = page_html_as(client, User.objects.get(email=row["email"]), reverse("purchasing:inbox"))
        assert html.count(">Volgverzoek</td>") >= 2
        assert "portal-row--overdue" in html
        assert "Huisartsengroep De Vaart" in html  # demo practice 2 offered its VGZ contract
        # What was dealt with is read: the unread notices are the four items still waiting, besides the sweep's
        # notices of today's milestone and of the question's clock running out.
        unread = Notification.objects.filter(user__email=row["email"], read_at__isnull=True)
        late = Request.objects.filter(insurer__name="Zilveren Kruis", side="holder", reacted_at__isnull=True,
                                      status__in=["open", "in_progress"], due_at__lte=DEC_1)
        assert set(unread.values_list("key", flat=True).filter(key__startswith="request-overdue:")) == {
            f"request-overdue:{pk}" for pk in late.values_list("pk", flat=True)}
        # Of the cycle (questions about offers and follow requests); the requests step's have their own test, and
        # so do the invitations to the demo's open surveys (tests/demo/test_seed_surveys.py).
        others = {f"request:{pk}" for pk in Request.objects.exclude(kind="question", offer__isnull=False)
                  .values_list("pk", flat=True)}
        # The overleg's notices (positions, knelpunten, evaluations) are tested in tests/consultations/test_demo.py.
        overleg = ("position", "knelpunt", "evaluation-", "round-")
        cycle = [key for key in unread.values_list("key", flat=True)
                 if not key.startswith(("milestone:", "request-", "negotiation-", "surveys.", *overleg))
                 and key not in others]
        assert len(cycle) == 4

    def test_requests_of_every_kind_inside_and_past_their_clocks(self):
        from contracting.selectors.requests import with_request_clocks

        requests = with_request_clocks(Request.objects.prefetch_related("clocks"), DEC_1)
        assert {r.kind for r in requests} == set(Request.Kind.values)
        for kind in ("question", "knelpunt"):
            assert {r.overdue for r in requests if r.kind == kind} == {True, False}, kind
        statuses = {(r.kind, r.status) for r in requests}
        assert {("innovation", "appealed"), ("dispute", "escalated"), ("maatwerk", "decided")} <= statuses
        assert Request.objects.exclude(laborious_at=None).exists()

    def test_notices_of_what_was_dealt_with_are_read_and_of_what_waits_unread(self):
        # By the keys the services give their notices: a new question and a follow request to the purchasers,
        # a follow decision to the holder (read for the year in force, unread for the year being contracted,
        # which the holder still has to find).
        unread = set(Notification.objects.filter(read_at__isnull=True).values_list("key", flat=True))
        read = set(Notification.objects.filter(read_at__isnull=False).values_list("key", flat=True)) - unread
        answered = set(Request.objects.filter(answered_at__isnull=False).values_list("pk", flat=True))
        waiting = set(Request.objects.filter(answered_at__isnull=True).values_list("pk", flat=True))
        pending = FollowRequest.Status.PENDING
        decided = dict(FollowRequest.objects.exclude(status=pending).values_list("pk", "year"))
        undecided = set(FollowRequest.objects.filter(status=pending).values_list("pk", flat=True))
        assert answered and waiting and undecided and set(decided.values()) == {2026, 2027}
        assert {f"request:{pk}" for pk in answered} <= read
        assert {f"request:{pk}" for pk in waiting} <= unread
        assert {f"follow:{pk}" for pk in decided} <= read
        assert {f"follow:{pk}" for pk in undecided} <= unread
        assert {f"follow-decided:{pk}" for pk, year in decided.items() if year == 2026} <= read
        assert {f"follow-decided:{pk}" for pk, year in decided.items() if year == 2027} <= unread

    def test_first_signatory_can_offer_its_signed_contract_to_other_insurers_and_has_a_decision(self, client):
        row = first_logins()[Role.PRACTICE_SIGNATORY]
        assert row["email"] == "tekenbevoegde@praktijk1.demo"
        assert "aanbieden aan andere verzekeraars (nog 6)" in row["todo"]
        offer = demo_offer(1, 2027)
        home = page_html_as(client, User.objects.get(email=row["email"]), "/")
        assert "Ondertekend contract van Zilveren Kruis aanbieden aan andere verzekeraars (nog 6)" in home
        assert f'href="{reverse("offers:follow", args=[offer.pk])}"' in home
        html = page_html_as(client, User.objects.get(email=row["email"]), reverse("offers:list"))
        assert "Uw contracten voor 2027" in html
        assert reverse("offers:follow", args=[offer.pk]) in html
        follow = client.get(reverse("offers:follow", args=[offer.pk])).content.decode()
        assert len(re.findall(r'name="insurers" value="\d+"', follow)) == 6
        inbox = client.get(reverse("accounts:inbox")).content.decode()
        assert "Besluit op uw volgverzoek aan VGZ" in inbox

    def test_first_member_waits_for_an_answer(self, client):
        row = first_logins()[Role.PRACTICE_MEMBER]
        assert row["email"] == "medewerker@praktijk1.demo"
        assert "U wacht op antwoord op 1 vraag" in row["todo"]
        question = Request.objects.get(raised_by__email=row["email"], answered_at__isnull=True, kind="question",
                                       offer__isnull=False)
        html = page_html_as(client, User.objects.get(email=row["email"]),
                            reverse("offers:detail", args=[question.offer_id]))
        assert question.text in html and "antwoord uiterlijk" in html
        assert re.search(r">(\d+ dagen? )?te laat</span>", html)  # past its clock

    def test_nza_has_the_years_tariffs_and_none_due_yet(self, client):
        row = first_logins()[Role.NZA_ANALYST]
        assert row["todo"] == ""
        assert NzaMaxTariff.objects.filter(year=2027).count() == 4
        assert not NzaMaxTariff.objects.filter(year=2028).exists()
        html = page_html_as(client, User.objects.get(email=row["email"]),
                            reverse("purchasing:nza_tariffs") + "?year=2028")
        assert "1 juli 2027" in html

    def test_every_role_has_a_first_login_who_sees_its_home_page(self, client):
        first = first_logins()
        assert set(first) == set(Role.values)
        for row in first.values():
            assert page_html_as(client, User.objects.get(email=row["email"]), "/")

    def test_regiobijeenkomsten_one_held_with_attendance_and_one_ahead(self, client):
        from consultations.models import RegionalMeeting
        from consultations.selectors import regional_meeting_answers
        from providers.models import OverlegTeam
        from tests.helpers import text

        for team in OverlegTeam.objects.all():
            meetings = {m.year: m for m in RegionalMeeting.objects.filter(insurer=team.insurer, region=team.region)}
            assert set(meetings) == {2027, 2028}, team
            # Held on 21 April 2026 with the attendance recorded; the next one on 22 December, not yet.
            assert meetings[2027].starts_at == at(2026, 4, 21, 19) + timedelta(minutes=30)
            assert meetings[2027].attendance_recorded_at and not meetings[2028].attendance_recorded_at
            assert meetings[2027].invitations.filter(attended=True).exists()
            assert meetings[2027].invitations.filter(registered_at__isnull=False, attended=False).exists()
            assert regional_meeting_answers(region_id=team.region_id, year=2027, now=DEC_1,
                                            insurer_id=team.insurer_id).organised
        member = User.objects.get(email="medewerker@praktijk1.demo")
        page = text(page_html_as(client, member, reverse("consultations:regional_invitations")))
        assert "Vooruitblik inkoopbeleid 2028" in page and "Toelichting inkoopbeleid 2027" in page
        assert "aangemeld, " in page  # the demo practice has registered for the one ahead
        oth = Membership.objects.filter(role=Role.OTH_MEMBER).select_related("user").first().user
        page = text(page_html_as(client, oth, reverse("consultations:index")))
        assert "Toelichting inkoopbeleid 2027" in page and "Vooruitblik inkoopbeleid 2028" in page

    def test_seeding_again_writes_nothing(self):
        before_counts, before = counts(), snapshot()
        output = seed(DEC_1)
        assert counts() == before_counts  # audit events, notifications and module choices included
        assert snapshot() == before
        totals = [line for line in output.splitlines() if "nieuw" in line]
        assert totals and all(line.endswith(" 0 nieuw") for line in totals), output


# --- 10 January 2027 -----------------------------------------------------------------------------------------
@pytest.fixture(scope="class")
def seeded_jan_10(django_db_setup, django_db_blocker):
    yield from seeded(django_db_blocker, JAN_10)


@pytest.mark.usefixtures("seeded_jan_10", "db")
class TestTenthOfJanuary:
    @pytest.fixture(autouse=True)
    def _today(self):
        with time_machine.travel(JAN_10, tick=False):
            yield

    def test_2027_is_in_force_and_2028_has_only_begun(self):
        assert set(ContractYear.objects.values_list("year", flat=True)) == {2027, 2028, 2029}
        assert_closed_window(2027)
        assert not FollowRequest.objects.filter(status=FollowRequest.Status.PENDING).exists()
        assert not PolicyVersion.objects.filter(policy__year=2028).exists()
        assert not Offer.objects.filter(year=2028).exists()

    def test_purchasers_have_a_policy_to_publish_by_1_april(self):
        row = first_logins()[Role.INSURER_PURCHASER]
        assert "Inkoopbeleid 2028 publiceren, uiterlijk 1 april 2027" in row["todo"]


# --- 15 May 2027 ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="class")
def seeded_may_15(django_db_setup, django_db_blocker):
    yield from seeded(django_db_blocker, MAY_15)


@pytest.mark.usefixtures("seeded_may_15", "db")
class TestFifteenthOfMay:
    @pytest.fixture(autouse=True)
    def _today(self):
        with time_machine.travel(MAY_15, tick=False):
            yield

    def test_policies_are_out_one_late_and_contracts_are_being_built(self):
        assert set(ContractYear.objects.values_list("year", flat=True)) == {2027, 2028, 2029}
        versions = PolicyVersion.objects.filter(policy__year=2028)
        assert versions.count() == 16
        assert set(versions.filter(is_late=True).values_list("policy__insurer__name", flat=True)) == {"DSW"}
        # Drafts from 15 April, one insurer a week: Zilveren Kruis, VGZ, CZ, Menzis and DSW (13 May) so far.
        drafts = StandardContract.objects.filter(first_year=2028, holder_kind=HolderKind.PRACTICE,
                                                 requires_qualification=False)  # not the uitvraag's contract
        assert set(drafts.values_list("insurer__name", flat=True)) == {"Zilveren Kruis", "VGZ", "CZ", "Menzis",
                                                                       "DSW"}
        assert set(drafts.values_list("status", flat=True)) == {StandardContract.Status.DRAFT}
        assert not Offer.objects.filter(year=2028).exists()
        assert not NzaMaxTariff.objects.filter(year=2028).exists()  # due 1 July
        assert_closed_window(2027)

    def test_first_purchaser_has_a_draft_contract_to_finish(self, client):
        row = first_logins()[Role.INSURER_PURCHASER]
        assert row["email"] == "inkoper@zilverenkruis.demo"
        assert "Concept-standaardcontract 2028 afmaken en publiceren, uiterlijk 15 september 2027" in row["todo"]
        html = page_html_as(client, User.objects.get(email=row["email"]),
                            reverse("purchasing:dashboard") + "?year=2028")
        assert "Standaardcontract huisartsenzorg Zilveren Kruis 2028" in html and "Concept" in html

    def test_nza_analyst_has_the_2028_tariffs_to_set(self, client):
        row = first_logins()[Role.NZA_ANALYST]
        assert row["todo"] == "4 NZa-maximumtarieven 2028 vaststellen, uiterlijk 1 juli 2027"
        html = page_html_as(client, User.objects.get(email=row["email"]), reverse("purchasing:nza_tariffs"))
        assert "2028" in html and "1 juli 2027" in html

    def test_first_member_waits_for_an_answer_about_the_contract_in_force(self):
        row = first_logins()[Role.PRACTICE_MEMBER]
        assert "U wacht op antwoord op 1 vraag" in row["todo"]
        question = Request.objects.get(raised_by__email=row["email"], answered_at__isnull=True, kind="question",
                                       offer__isnull=False)
        assert question.offer.year == 2027 and question.offer.status == Offer.Status.SIGNED

    def test_seeding_again_writes_nothing(self):
        before_counts, before = counts(), snapshot()
        seed(MAY_15)
        assert counts() == before_counts
        assert snapshot() == before


# --- 15 October 2027 -----------------------------------------------------------------------------------------
@pytest.fixture(scope="class")
def seeded_oct_15(django_db_setup, django_db_blocker):
    yield from seeded(django_db_blocker, OCT_15)


@pytest.mark.usefixtures("seeded_oct_15", "db")
class TestFifteenthOfOctober:
    @pytest.fixture(autouse=True)
    def _today(self):
        with time_machine.travel(OCT_15, tick=False):
            yield

    def test_the_window_is_signed_pro_rata_to_the_days_gone(self):
        offers = Offer.objects.filter(year=2028, practice__isnull=False)
        assert offers.count() == PRACTICES
        statuses = Counter(offers.values_list("status", flat=True))
        # 14 of the window's 38 days (1 October to 7 November) have gone by: the data is that of 00:00 on 15
        # October. The demo practices' three offers are left for their signatories; of the other 297 practices,
        # 3 refuse (AGB digits 13), 6 leave the offer undecided (41, 86) and 300 - 3 - 3 - 6 = 288 sign, each on
        # day sha256("decision:2028:<AGB code>")[:8] mod 38 of the window (demo.moments.decision_moment). That
        # day is below 14 for 115 of the 288 and for 1 of the 3 (counted once from that formula with hashlib),
        # so 115 signed, 1 refused and 300 - 115 - 1 = 184 open.
        assert statuses == {Offer.Status.SIGNED: 115, Offer.Status.REFUSED: 1, Offer.Status.OPEN: 184}
        signed_at = Signature.objects.filter(offer__year=2028, offer__practice__isnull=False).values_list(
            "signed_at", flat=True)
        assert min(signed_at) >= datetime(2027, 10, 1, tzinfo=AMSTERDAM)
        assert max(signed_at) < datetime(2027, 10, 15, tzinfo=AMSTERDAM)
        assert_closed_window(2027)

    def test_first_signatory_can_sign_now(self, client):
        row = first_logins()[Role.PRACTICE_SIGNATORY]
        assert row["email"] == "tekenbevoegde@praktijk1.demo"
        # Then the demo's open surveys (the NZa provider survey and the insurer's evaluation), open for four weeks.
        assert row["todo"] == ("Contract van Zilveren Kruis ondertekenen, uiterlijk 7 november 2027; 2 enquêtes in "
                               "te vullen, de eerste uiterlijk 11 november 2027 (nog 27 dagen)")
        offer = demo_offer(1, 2028)
        assert offer.status == Offer.Status.OPEN and offer.choices.exists()  # the member chose in September
        html = page_html_as(client, User.objects.get(email=row["email"]), reverse("offers:sign", args=[offer.pk]))
        assert "Dit ondertekent u" in html
        signature = offer_sign(actor=User.objects.get(email=row["email"]), offer=offer, now=OCT_15,
                               two_factor_verified=True)
        assert signature.content["holder"]["agb_code"] == demo_practice_agb_codes()[0]

    def test_first_purchaser_watches_the_signing_and_has_follow_requests(self):
        row = first_logins()[Role.INSURER_PURCHASER]
        assert "Ondertekening volgen:" in row["todo"]

    def test_first_member_prepares_the_signing(self):
        row = first_logins()[Role.PRACTICE_MEMBER]
        assert row["email"] == "medewerker@praktijk1.demo"
        assert "de tekenbevoegde vragen het contract van Zilveren Kruis te ondertekenen" in row["todo"]

    def test_seeding_again_writes_nothing(self):
        before_counts, before = counts(), snapshot()
        seed(OCT_15)
        assert counts() == before_counts
        assert snapshot() == before


# --- 20 September 2026 ---------------------------------------------------------------------------------------
def test_before_1_october_offers_are_out_and_nothing_of_the_year_is_signed(db):
    seed(SEP_20)
    offers = Offer.objects.filter(year=2027, practice__isnull=False)
    assert offers.count() == PRACTICES
    assert set(offers.values_list("status", flat=True)) == {Offer.Status.OPEN}
    assert not Signature.objects.filter(offer__year=2027, offer__practice__isnull=False).exists()
    assert not FollowRequest.objects.filter(year=2027).exists()
    assert PolicyVersion.objects.filter(policy__year=2027).count() == 16
    assert StandardContract.objects.filter(first_year=2027, status=StandardContract.Status.PUBLISHED,
                                           holder_kind=HolderKind.PRACTICE).count() == 8
    # the year in force
    assert Signature.objects.filter(offer__year=2026, offer__practice__isnull=False).count() == 291
    with time_machine.travel(SEP_20, tick=False):
        row = first_logins()[Role.PRACTICE_SIGNATORY]
    assert row["todo"] == ("Aanbod van Zilveren Kruis bekijken en modules kiezen; ondertekenen kan vanaf 1 oktober "
                           "2026; 2 enquêtes in te vullen, de eerste uiterlijk 17 oktober 2026 (nog 27 dagen)")


# --- A database seeded again a year later ----------------------------------------------------------------------
def test_practices_added_to_a_database_seeded_a_year_before_get_their_offers(db):
    """Seeded on 1 December 2026, when six insurers contract 2027 for several years, and again on 15 October
    2027: for 2028 only Zilveren Kruis and De Friesland, whose 2027 contracts ran one year, send offers, so not
    every practice has a preferent offer of 2028. Seeding more practices still gives those of these two
    insurers their offers."""
    seed(DEC_1)
    sweep(DEC_1)
    seed(OCT_15)
    sweep(OCT_15)
    preferent = Offer.objects.filter(year=2028, reason=Offer.Reason.PREFERENT, practice__isnull=False)
    assert set(preferent.values_list("insurer__name", flat=True)) == {"Zilveren Kruis", "De Friesland"}
    assert 0 < preferent.count() < PRACTICES
    before = counts()
    seed(OCT_15)
    assert counts() == before
    last_seeded = max(Practice.objects.values_list("pk", flat=True))

    seed(OCT_15, practices=PRACTICES + 100)

    one_year = set(Insurer.objects.filter(name__in=("Zilveren Kruis", "De Friesland")).values_list("pk", flat=True))
    expected = {p.pk for p in practices_with_preferent() if p.preferent_insurer_pk in one_year}
    assert set(preferent.values_list("practice_id", flat=True)) == expected
    assert any(pk > last_seeded for pk in expected)
