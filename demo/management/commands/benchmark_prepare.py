"""Prepare a seeded database for scripts/benchmark: open the signing window of the latest demo year with offers
around now, make benchmark signatories (with a known TOTP secret) for practices with an open offer (asking
another insurer's contract for more practices where most offers are signed already), have the practices of the
register year decide on their offers as the demo's do where the seed left most undecided (demo.signing), and
publish the year's register, as the real register holds it, and bring the survey responses to the national
scale the monitor is measured at (demo.benchmark_surveys). Prints JSON.

For a throwaway benchmark database only: it moves a contract year's signing window.
"""

import base64
import hashlib
import json
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from contracting.calendar import MilestoneKind
from contracting.models import ContractYear, HolderKind, Offer, RegisterPublication, StandardContract
from contracting.selectors import signing_window
from contracting.services import milestone_reschedule, offer_request, register_publish
from demo.benchmark_surveys import survey_responses_fill
from demo.signing import decide_window
from providers.models import Practice
from surveys.models import Response

PASSWORD = "benchmark-wachtwoord-2026"


def _decide_register_year(year: int, window: tuple[datetime, datetime], excluded: set[int], now) -> dict[str, int]:
    """Where the seed left most of the register year undecided: its practices decide as those of the demo do
    (demo.signing.decide_window: each practice's signatory signs its module choice, with the content,
    module choices and audit events offer_sign writes, or refuses or leaves the offer undecided as
    demo.moments has it), at their moments in the year's signing window as it was before this command moved
    anything, as far as that lies before `now`. The practices in `excluded` keep their offers open."""
    opens, closes = window
    contracts = list(StandardContract.objects.filter(first_year=year, holder_kind=HolderKind.PRACTICE,
                                                     status=StandardContract.Status.PUBLISHED).order_by("pk"))
    return decide_window(contracts=contracts, opens=opens, closes=closes, now=now, excluded=excluded)


def _open_offers(year: int, needed: int, now) -> list[tuple[int, int, int]]:
    """(offer, practice, insurer) of `needed` open practice offers of `year` for the signing phase. Where most
    offers are already signed, practices ask another insurer for its standard contract (offer_request, as a
    practice would in the portal) until there are enough."""
    def open_offers():
        return list(Offer.objects.filter(year=year, status=Offer.Status.OPEN, practice__isnull=False)
                    .order_by("pk").values_list("pk", "practice_id", "insurer_id")[:needed])

    offers = open_offers()
    # A contract offered only after qualification (an uitvraag) cannot simply be asked for.
    contracts = list(StandardContract.objects.filter(first_year=year, holder_kind=HolderKind.PRACTICE,
                                                     status=StandardContract.Status.PUBLISHED,
                                                     requires_qualification=False).order_by("pk"))
    for contract in contracts:
        if len(offers) >= needed:
            break
        asking = (Practice.objects.exclude(offers__standard_contract=contract).order_by("pk")
                  [:needed - len(offers)])
        for practice in asking:
            offer_request(actor=None, practice=practice, contract=contract, now=now)
        offers = open_offers()
    if len(offers) < needed:
        raise CommandError(f"Only {len(offers)} open offers for {year}; seed more practices.")
    return offers


class Command(BaseCommand):
    help = ("Open a signing window around now, create benchmark signatories, have the register year's practices "
            "decide where most have not and publish the register (throwaway databases only).")

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--offers-per-client", type=int, default=10)
        parser.add_argument("--survey-responses", type=int, default=20_000,
                            help="submitted survey responses in all (the monitor's national scale)")

    def handle(self, *args, clients, offers_per_client, survey_responses, **options):
        now = timezone.now()
        # Offers of a contract that waits for qualification (the demo's uitvraag, a year ahead) are not the year's
        # contracting.
        years = sorted(set(Offer.objects.filter(practice__isnull=False, standard_contract__requires_qualification=False)
                           .values_list("year", flat=True)), reverse=True)
        if not years:
            raise CommandError("No offers to practices: run seed_demo first.")
        # Signing: the latest year with practice offers (a year ahead may have only its calendar yet). The
        # register and the dashboard: the latest year whose signing has closed, as the public reads it now (or
        # whose register a run before this one published, after moving its end of signing).
        signing_year = ContractYear.objects.get(year=years[0])
        published = set(RegisterPublication.objects.values_list("year", flat=True))
        closed = [y for y in years
                  if y in published or ((window := signing_window(y)) is not None and window[1] <= now)]
        register_year = closed[0] if closed else years[0]
        register_window = signing_window(register_year)  # before this command moves the signing year's window
        with transaction.atomic():
            opening = signing_year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
            closing = signing_year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
            if opening.due_at > now:
                milestone_reschedule(actor=None, milestone=opening, due_at=now - timedelta(hours=1))
            if closing.due_at <= now:
                milestone_reschedule(actor=None, milestone=closing, due_at=now + timedelta(days=30))
            offers = _open_offers(signing_year.year, clients * offers_per_client, now)
            password = make_password(PASSWORD)
            out = {"year": signing_year.year, "register_year": register_year, "password": PASSWORD, "clients": []}
            # The purchaser of the insurer with the most offers: its dashboard has the most to count.
            largest = (Offer.objects.filter(year=register_year).values("insurer_id").annotate(n=Count("id"))
                       .order_by("-n", "insurer_id").first())
            purchaser = (Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=largest["insurer_id"])
                         .select_related("user").order_by("pk").first())
            out["purchaser"] = purchaser.user.email
            out["purchaser_password"] = None  # the demo password; scripts/benchmark passes it
            # The NZa's analyst for the monitor's dashboards (the demo password too).
            analyst = Membership.objects.filter(role=Role.NZA_ANALYST).select_related("user").order_by("pk").first()
            out["nza"] = analyst.user.email if analyst else None
            for i in range(clients):
                email = f"bench{i:03d}@benchmark.demo"
                user, _ = User.objects.get_or_create(email=email, defaults={"full_name": f"Benchmark {i}",
                                                                            "password": password})
                key = hashlib.sha256(f"benchmark-totp-{email}".encode()).hexdigest()[:40]
                TOTPDevice.objects.get_or_create(user=user, name="benchmark",
                                                 defaults={"key": key, "confirmed": True})
                mine = offers[i * offers_per_client:(i + 1) * offers_per_client]
                Membership.objects.bulk_create(
                    [Membership(user=user, role=Role.PRACTICE_SIGNATORY, practice_id=practice_id)
                     for _, practice_id, _ in mine], ignore_conflicts=True)
                out["clients"].append({
                    "email": email,
                    "totp_secret": base64.b32encode(bytes.fromhex(key)).decode(),
                    "offers": [pk for pk, _, _ in mine],
                })
            practice_offers = Offer.objects.filter(year=register_year, practice__isnull=False)
            signed = practice_offers.filter(status=Offer.Status.SIGNED).count()
            # Only where the seed left most of the year unsigned: demo data of a closed window is mostly signed.
            # The benchmark's own signatories sign their offers in the signing phase.
            excluded = {practice_id for _, practice_id, _ in offers} if register_year == signing_year.year else set()
            out["register_decided"] = (_decide_register_year(register_year, register_window, excluded, now)
                                       if signed * 2 < practice_offers.count() else {})
            # The register as published on 19 November (the product's own service; idempotent).
            register_publish(year=register_year, effective_at=now)
            out["offers"] = dict(Offer.objects.filter(year=register_year).values_list("status")
                                 .annotate(n=Count("id")).order_by("status"))
            out["survey_responses_added"] = survey_responses_fill(total=survey_responses, now=now)
            out["survey_responses"] = Response.objects.filter(status=Response.Status.SUBMITTED).count()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # As autovacuum would soon after: planner statistics and the visibility map for the rows just written
            # (VACUUM cannot run inside a transaction, as under a test's).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(json.dumps(out))
