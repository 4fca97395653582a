"""Prepare a seeded database for scripts/benchmark: open the signing window of the latest demo year around now,
and make benchmark signatories (with a known TOTP secret) for practices with an open offer. Prints JSON.

For a throwaway benchmark database only: it moves a contract year's signing window.
"""

import base64
import hashlib
import json
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from contracting.calendar import MilestoneKind
from contracting.models import ContractYear, Offer
from contracting.services import milestone_reschedule

PASSWORD = "benchmark-wachtwoord-2026"


class Command(BaseCommand):
    help = "Open a signing window around now and create benchmark signatories (throwaway databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--offers-per-client", type=int, default=10)

    def handle(self, *args, clients, offers_per_client, **options):
        now = timezone.now()
        year = ContractYear.objects.order_by("-year").first()
        if year is None:
            raise CommandError("No contract year: run seed_demo first.")
        with transaction.atomic():
            opening = year.milestones.get(kind=MilestoneKind.SIGNING_OPEN)
            closing = year.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
            if opening.due_at > now:
                milestone_reschedule(actor=None, milestone=opening, due_at=now - timedelta(hours=1))
            if closing.due_at <= now:
                milestone_reschedule(actor=None, milestone=closing, due_at=now + timedelta(days=30))
            offers = list(
                Offer.objects.filter(year=year.year, status=Offer.Status.OPEN, practice__isnull=False)
                .order_by("pk").values_list("pk", "practice_id", "insurer_id")[: clients * offers_per_client]
            )
            if len(offers) < clients * offers_per_client:
                raise CommandError(f"Only {len(offers)} open offers for {year.year}; seed more practices.")
            password = make_password(PASSWORD)
            out = {"year": year.year, "password": PASSWORD, "clients": []}
            purchaser = Membership.objects.filter(role=Role.INSURER_PURCHASER).select_related("user").first()
            out["purchaser"] = purchaser.user.email
            out["purchaser_password"] = None  # the demo password; scripts/benchmark passes it
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
        self.stdout.write(json.dumps(out))
