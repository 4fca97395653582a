"""seed_demo's contracting cycle: what each role finds in the portal right after seeding, for a given date."""

from collections import Counter
from datetime import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from accounts.access import user_may_sign
from accounts.models import Membership, Notification, Role, User
from contracting.calendar import AMSTERDAM
from contracting.models import (
    FollowRequest,
    HolderKind,
    NzaMaxTariff,
    Offer,
    Question,
    Signature,
    StandardContract,
)
from contracting.services import check_signing_window, offer_sign
from contracting.services.contracts import content_hash
from core.models import AuditEvent
from demo.cycle import cycle_signatory_email
from demo.organisations import demo_practice_agb_codes
from insurers.models import Insurer, PolicyVersion
from providers.selectors import practices_with_preferent

PRACTICES = 300
IN_WINDOW = datetime(2026, 10, 28, 12, 0, tzinfo=AMSTERDAM)  # contract year 2027 is being signed
BEFORE_WINDOW = datetime(2026, 9, 20, 12, 0, tzinfo=AMSTERDAM)
CONTRACTING, RUNNING = 2027, 2026


def seed(at: datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("seed_demo", practices=PRACTICES, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (User, Membership, NzaMaxTariff, PolicyVersion, StandardContract, Offer, Signature, FollowRequest,
              Question, Notification, AuditEvent)
    return {model._meta.label: model.objects.count() for model in models}


def snapshot() -> dict:
    """The cycle by natural keys (primary keys differ between runs)."""
    return {
        "versions": sorted(PolicyVersion.objects.values_list(
            "policy__insurer__name", "policy__year", "number", "published_at", "is_late", "content_hash")),
        "contracts": sorted(StandardContract.objects.values_list(
            "insurer__name", "first_year", "title", "term_years", "published_at", "is_late")),
        "offers": sorted(Offer.objects.values_list(
            "practice__agb_code", "year", "insurer__name", "status", "opened_at", "decided_at")),
        "signatures": sorted(Signature.objects.values_list(
            "offer__practice__agb_code", "offer__year", "signed_by__email", "signed_at", "estimated_amount")),
        "follow": sorted(FollowRequest.objects.values_list(
            "offer__practice__agb_code", "insurer__name", "status", "requested_at", "decided_at")),
        "questions": sorted(Question.objects.values_list(
            "offer__practice__agb_code", "asked_by__email", "asked_at", "answered_at")),
    }


@pytest.fixture(scope="class")
def seeded_in_window(django_db_setup, django_db_blocker):
    """One seed for the tests of the class; each test runs in a savepoint inside it and is undone after."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed(IN_WINDOW)
        yield
        transaction.set_rollback(True)


@time_machine.travel(BEFORE_WINDOW, tick=False)
def test_before_1_october_nothing_is_signed_yet(db):
    seed(BEFORE_WINDOW)
    offers = Offer.objects.filter(year=CONTRACTING)
    assert offers.count() == PRACTICES
    assert set(offers.values_list("status", flat=True)) == {Offer.Status.OPEN}
    assert not Signature.objects.filter(offer__year=CONTRACTING).exists()
    assert not FollowRequest.objects.filter(year=CONTRACTING).exists()
    assert not Question.objects.filter(offer__year=CONTRACTING).exists()
    # Policies and contracts were published before this date.
    assert PolicyVersion.objects.filter(policy__year=CONTRACTING).count() == 16
    published = StandardContract.objects.filter(first_year=CONTRACTING, status=StandardContract.Status.PUBLISHED)
    assert published.count() == 8
    # The running year's signing window was a year ago.
    assert Signature.objects.filter(offer__year=RUNNING).exists()


@pytest.mark.usefixtures("seeded_in_window", "db")
class TestInTheSigningWindow:
    def test_every_insurer_published_its_policy_with_a_change_and_one_published_late(self):
        insurers = set(Insurer.objects.values_list("name", flat=True))
        for year in (RUNNING, CONTRACTING):
            versions = PolicyVersion.objects.filter(policy__year=year)
            assert Counter(versions.values_list("policy__insurer__name", flat=True)) == {name: 2 for name in insurers}
            assert all(v.change_summary.startswith("Tekst: 1 alinea gewijzigd, 1 toegevoegd")
                       for v in versions.filter(number=2))
            assert "POH-GGZ" in versions.first().body and "Praktijkmanagement" in versions.first().body
            late = set(versions.filter(is_late=True).values_list("policy__insurer__name", flat=True))
            assert len(late) == 1
        assert set(PolicyVersion.objects.filter(policy__year=CONTRACTING, is_late=True)
                   .values_list("policy__insurer__name", flat=True)) == {"Menzis"}
        # Relative to the 1 April deadline, not to the day the seed ran.
        v2 = PolicyVersion.objects.get(policy__insurer__name="Zilveren Kruis", policy__year=CONTRACTING, number=2)
        assert v2.published_at == datetime(2026, 3, 28, 14, 0, tzinfo=AMSTERDAM)

    def test_every_insurer_published_a_contract_within_nza_maxima_before_15_september(self):
        contracts = StandardContract.objects.filter(first_year=CONTRACTING, holder_kind=HolderKind.PRACTICE)
        insurers = set(Insurer.objects.values_list("name", flat=True))
        assert set(contracts.values_list("insurer__name", flat=True)) == insurers
        maxima = dict(NzaMaxTariff.objects.filter(year=CONTRACTING).values_list("module__code", "max_tariff"))
        assert maxima == {"inschrijving": Decimal("17.40"), "consult": Decimal("10.50"), "poh-ggz": Decimal("4010.00"),
                          "specifieke-verrichtingen": Decimal("30.20")}
        for contract in contracts:
            assert contract.status == StandardContract.Status.PUBLISHED and not contract.is_late
            assert contract.published_at < datetime(2026, 9, 16, tzinfo=AMSTERDAM)
            modules = {cm.module.code: cm for cm in contract.modules.select_related("module")}
            assert {"inschrijving", "consult", "poh-ggz", "praktijkmanagement", "kwaliteit",
                    "service-bereikbaarheid"} <= set(modules)
            for code, maximum in maxima.items():
                assert modules[code].tariff <= maximum
            assert Decimal(3) <= modules["praktijkmanagement"].cap_hours <= Decimal(6)
        assert {1, 2, 3} <= set(contracts.values_list("term_years", flat=True))
        assert contracts.filter(modules__module__code="kwetsbare-ouderen").exists()
        # The running year's contracts run one year, so nobody holds two contracts with one insurer for 2027.
        assert set(StandardContract.objects.filter(first_year=RUNNING).values_list("term_years", flat=True)) == {1}

    def test_each_practice_has_exactly_one_offer_from_its_preferent_insurer(self):
        preferent = dict(practices_with_preferent().values_list("pk", "preferent_insurer_pk"))
        assert len(preferent) == PRACTICES
        for year in (RUNNING, CONTRACTING):
            offers = list(Offer.objects.filter(year=year).values_list("practice_id", "insurer_id"))
            assert len(offers) == PRACTICES
            assert dict(offers) == preferent

    def test_some_offers_are_signed_through_the_window_and_the_rest_is_in_progress(self):
        signatures = list(Signature.objects.filter(offer__year=CONTRACTING).select_related("offer__practice"))
        assert 15 <= len(signatures) <= 24
        demo_agb = set(demo_practice_agb_codes())
        for signature in signatures:
            assert signature.content_hash == content_hash(signature.content)
            practice = signature.offer.practice
            assert practice.agb_code not in demo_agb
            assert signature.signed_by.email == cycle_signatory_email(practice.agb_code)
            assert Membership.objects.filter(user=signature.signed_by, role=Role.PRACTICE_SIGNATORY,
                                             practice=practice).exists()
            check_signing_window(CONTRACTING, signature.signed_at)
            assert signature.estimated_amount > 0
            assert signature.offer.opened_at < signature.signed_at
        statuses = Counter(Offer.objects.filter(year=CONTRACTING).values_list("status", flat=True))
        assert 1 <= statuses[Offer.Status.REFUSED] <= 4
        assert statuses[Offer.Status.OPEN] == PRACTICES - len(signatures) - statuses[Offer.Status.REFUSED]
        assert Offer.objects.filter(year=CONTRACTING, status=Offer.Status.REFUSED).exclude(refusal_reason="").exists()
        opened = Offer.objects.filter(year=CONTRACTING, opened_at__isnull=False).count()
        assert PRACTICES * 0.3 < opened < PRACTICES * 0.6  # the insurer's signing watch: sent, opened, signed

        follow = {fr.status: fr for fr in FollowRequest.objects.filter(year=CONTRACTING)}
        assert set(follow) == {FollowRequest.Status.FOLLOWED, FollowRequest.Status.PARTIAL,
                               FollowRequest.Status.DECLINED, FollowRequest.Status.PENDING}
        assert follow[FollowRequest.Status.PARTIAL].not_followed == ["praktijkmanagement"]
        assert follow[FollowRequest.Status.PARTIAL].explanation
        assert follow[FollowRequest.Status.DECLINED].explanation
        assert all(fr.insurer_id != fr.offer.insurer_id and fr.offer.status == Offer.Status.SIGNED
                   for fr in follow.values())

        questions = Question.objects.filter(offer__year=CONTRACTING)
        assert questions.filter(answered_at__isnull=False).count() >= 2
        overdue = questions.filter(answered_at__isnull=True, due_at__lt=IN_WINDOW)
        assert overdue.count() == 1
        assert overdue.get().asked_by.email == "medewerker@praktijk3.demo"
        # The purchasers were told about the questions in their inbox.
        assert Notification.objects.filter(user__email="inkoper@menzis.demo", key__startswith="question:").exists()

    def test_demo_signatories_find_an_open_offer_they_can_sign(self):
        for n, agb in enumerate(demo_practice_agb_codes(), start=1):
            signatory = User.objects.get(email=f"tekenbevoegde@praktijk{n}.demo")
            offer = Offer.objects.get(practice__agb_code=agb, year=CONTRACTING)
            assert offer.status == Offer.Status.OPEN
            assert user_may_sign(signatory, signatory.memberships.get(practice__agb_code=agb))
            signature = offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=["kwaliteit"],
                                   two_factor_verified=True)
            assert signature.content["holder"]["agb_code"] == agb

    def test_the_running_year_went_through_its_whole_cycle(self):
        assert Signature.objects.filter(offer__year=RUNNING).count() >= 15
        assert not FollowRequest.objects.filter(year=RUNNING, status=FollowRequest.Status.PENDING).exists()
        assert not Question.objects.filter(offer__year=RUNNING, answered_at__isnull=True).exists()

    def test_seeding_twice_changes_nothing(self):
        before_counts, before = counts(), snapshot()
        output = seed(IN_WINDOW)
        assert counts() == before_counts  # audit events and notifications included
        assert snapshot() == before
        totals = output.splitlines()[:-1]
        assert any("aanbiedingen" in line for line in totals)
        assert all(line.endswith(" 0 nieuw") for line in totals), output
