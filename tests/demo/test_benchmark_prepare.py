"""manage.py benchmark_prepare on a database seeded before the year's signing window closed: the register year's
practices decide as the demo's do, and their signatures are like those offer_sign writes."""

import json
from collections import Counter
from datetime import datetime
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db.models import F

from accounts.models import Membership, Role
from contracting.calendar import AMSTERDAM
from contracting.models import HolderKind, ModuleChoice, Offer, RegisterEntry, Signature
from contracting.services.contracts import content_hash
from core.models import AuditEvent
from tests.demo.test_seed_cycle import DEC_1, PRACTICES, SEP_20, seed


def test_the_register_year_left_undecided_by_the_seed_is_decided_as_the_demo_decides_it(db):
    seed(SEP_20)  # 2027's offers are out and its window has not opened: nothing of 2027 is decided
    # (a care group's agreement is signed by 1 October: the practices' offers are meant)
    assert not Offer.objects.filter(year=2027, practice__isnull=False).exclude(status=Offer.Status.OPEN).exists()
    out = StringIO()
    with time_machine.travel(DEC_1, tick=False):  # 2027's window has closed since
        call_command("benchmark_prepare", clients=2, offers_per_client=3, stdout=out)
    prepared = json.loads(out.getvalue())
    assert (prepared["year"], prepared["register_year"]) == (2027, 2027)
    clients = {pk for client in prepared["clients"] for pk in client["offers"]}
    assert len(clients) == 6

    # The clients' offers stay open for the benchmark's signing phase; every other practice decides by the
    # last two digits of its AGB code (demo.moments): 13 refuses, 41 and 86 leave the offer undecided, the
    # rest sign.
    offers = list(Offer.objects.filter(year=2027, practice__isnull=False).select_related("practice"))
    assert len(offers) == PRACTICES
    client_practices = {o.practice_id for o in offers if o.pk in clients}
    for offer in offers:
        digits = int(offer.practice.agb_code) % 100
        expected = (Offer.Status.OPEN if offer.practice_id in client_practices
                    else {13: Offer.Status.REFUSED, 41: Offer.Status.OPEN, 86: Offer.Status.OPEN}.get(
                        digits, Offer.Status.SIGNED))
        assert offer.status == expected, offer.practice.agb_code
    statuses = Counter(o.status for o in offers)
    assert prepared["register_decided"] == {"signed": statuses[Offer.Status.SIGNED],
                                            "refused": statuses[Offer.Status.REFUSED]}

    # Each signature as offer_sign writes it: the practice's own signatory, inside the window, the chosen modules
    # with their rows and amounts, the content's hash, the audit events of opening and signing.
    signatures = list(Signature.objects.filter(offer__year=2027, offer__practice__isnull=False).select_related("offer"))
    assert len(signatures) == statuses[Offer.Status.SIGNED]
    signatories = set(Membership.objects.filter(role=Role.PRACTICE_SIGNATORY).values_list("user_id", "practice_id"))
    choices = Counter(ModuleChoice.objects.filter(offer__year=2027).values_list("offer_id", flat=True))
    audited = Counter(AuditEvent.objects.filter(verb__in=("contracting.offer.opened", "contracting.offer.signed"),
                                                object_type="contracting.offer")
                      .values_list("object_id", "verb"))
    for signature in signatures:
        offer, content = signature.offer, signature.content
        assert (signature.signed_by_id, offer.practice_id) in signatories
        assert datetime(2026, 10, 1, tzinfo=AMSTERDAM) <= signature.signed_at < datetime(2026, 11, 8, tzinfo=AMSTERDAM)
        assert signature.content_hash == content_hash(content)
        assert signature.estimated_amount == Decimal(content["estimated_amount"]) > 0
        assert choices[offer.pk] == len(content["modules"])
        assert any(not m["mandatory"] for m in content["modules"])  # praktijkmanagement and kwaliteit at least
        assert audited[(str(offer.pk), "contracting.offer.signed")] == 1
        assert audited[(str(offer.pk), "contracting.offer.opened")] == 1
        assert offer.opened_at < offer.decided_at == signature.signed_at

    # The register as published, of the signed offers (the demo care group's signed contract has its own line).
    assert RegisterEntry.objects.filter(year=2027, kind=HolderKind.PRACTICE).count() == statuses[Offer.Status.SIGNED]


def test_survey_responses_are_filled_to_the_national_scale_closed_surveys_first(db):
    from demo.benchmark_surveys import survey_responses_fill
    from surveys.models import Invitation, Response, Survey

    seed(DEC_1)
    submitted = Response.objects.filter(status=Response.Status.SUBMITTED)
    closed = Invitation.objects.filter(survey__status=Survey.Status.CLOSED).exclude(survey__template="nza-insurer")
    before, waiting = submitted.count(), closed.filter(responded_at__isnull=True).count()
    assert waiting > 0
    # Every invitation of the closed surveys answers, and three of the open ones.
    with time_machine.travel(DEC_1, tick=False):
        added = survey_responses_fill(total=before + waiting + 3, now=DEC_1)
    assert added == waiting + 3
    assert submitted.count() == before + waiting + 3
    assert not closed.filter(responded_at__isnull=True).exists()
    assert Invitation.objects.filter(survey__status=Survey.Status.PUBLISHED, responded_at__isnull=False).count() == (
        Response.objects.filter(survey__status=Survey.Status.PUBLISHED, status=Response.Status.SUBMITTED).count())
    # Each submitted inside its survey's window; a closed anonymous survey's responses linked to nobody.
    assert not submitted.filter(submitted_at__lt=F("survey__opens_at")).exists()
    assert not submitted.filter(submitted_at__gt=F("survey__closes_at")).exists()
    assert not Response.objects.filter(survey__status=Survey.Status.CLOSED, survey__anonymous=True,
                                       invitation__isnull=False).exists()
    with time_machine.travel(DEC_1, tick=False):
        assert survey_responses_fill(total=before + waiting + 3, now=DEC_1) == 0
