"""manage.py seed_demo and demo_logins: deterministic, idempotent demo data with a login for every role."""

import base64
import json
import os
import time
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SIGNATORY_ROLES, Membership, Role, User
from contracting.calendar import AMSTERDAM, CONTRACTING_CALENDAR
from contracting.models import ContractYear, Offer
from core.models import AuditEvent
from demo.users import DEMO_PASSWORD, demo_totp_key, totp_secret_base32
from insurers.models import Insurer
from providers.models import CareGroup, MarketShare, OverlegTeam, Practice, Region
from providers.validators import validate_agb_code, validate_gp_agb_code, validate_kvk_number, validate_postcode
from tests.demo.test_seed_cycle import snapshot as cycle_snapshot

MEMBERS = CareGroup.practices.through
# Seeding reads the clock (which steps of the contracting cycle are past): a fixed moment keeps runs comparable.
SEED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)


def seed(**options) -> str:
    out = StringIO()
    with time_machine.travel(SEED_AT, tick=False):
        call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def demo_logins(*args) -> str:
    out = StringIO()
    call_command("demo_logins", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Insurer, Region, MarketShare, OverlegTeam, CareGroup, MEMBERS, Practice, ContractYear, User,
              Membership, TOTPDevice, AuditEvent)
    return {model._meta.label: model.objects.count() for model in models}


def snapshot() -> dict:
    """Everything seed_demo decides, by natural keys (primary keys differ between runs)."""
    return {
        "practices": list(Practice.objects.order_by("agb_code").values_list(
            "agb_code", "name", "kvk_number", "street", "postcode", "city", "region__code", "registered_patients",
            "preferred_insurer__name")),
        "members": sorted(MEMBERS.objects.values_list("caregroup__name", "practice__agb_code")),
        "shares": sorted(MarketShare.objects.values_list("region__code", "insurer__name", "share_percent")),
        "teams": sorted(OverlegTeam.objects.values_list("name", "region__code", "insurer__name")),
        "users": sorted(User.objects.values_list("email", "full_name", "is_staff", "is_superuser")),
        "memberships": sorted(Membership.objects.values_list("user__email", "role")),
        "totp": sorted(TOTPDevice.objects.values_list("user__email", "key", "confirmed")),
    }


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """One seed shared by the tests of a class (seeding takes seconds); each test runs in a savepoint inside it,
    so what a test changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded_once", "db")
class TestSeeded:
    def test_seeding_twice_changes_nothing(self):
        before_counts, before = counts(), snapshot()
        hashes = dict(User.objects.values_list("email", "password"))

        output = seed()

        assert counts() == before_counts  # no duplicates, and no audit events for work not done
        assert snapshot() == before
        assert dict(User.objects.values_list("email", "password")) == hashes
        assert "200 in totaal, 0 nieuw" in output

    def test_the_monitor_is_computed_by_the_worker_after_its_first_sweep_and_the_year_in_force_published(self):
        from contracting.services import deadlines_sweep
        from monitor.models import MonitorPublication, MonitorRun, MonitorSnapshot
        from monitor.services import monitor_runs_sweep

        # On 23 November 2026 (2026 in force, 2027 and 2028 ahead) the seed asks for a run of each year as the
        # NZa's demo analyst, and computes nothing itself: the milestones are not applied yet.
        def runs():
            return list(MonitorRun.objects.order_by("year").select_related("requested_by"))

        assert [(r.year, r.status, r.publish_when_done, r.requested_by.email) for r in runs()] == [
            (2026, "queued", True, "analist@nza.demo"), (2027, "queued", False, "analist@nza.demo"),
            (2028, "queued", False, "analist@nza.demo")]
        assert not MonitorSnapshot.objects.exists()
        # The worker's minutely sweeps: the monitor's waits with 2026 and 2027 while the deadline engine is
        # behind with them; 2028 has no milestone due yet.
        later = SEED_AT + timedelta(minutes=2)
        assert monitor_runs_sweep(now=later)["started"] == 1
        assert [(r.year, r.status) for r in runs()] == [(2026, "queued"), (2027, "queued"), (2028, "done")]
        deadlines_sweep(now=later)
        assert monitor_runs_sweep(now=later)["started"] == 2
        assert [(r.year, r.status) for r in runs()] == [(2026, "done"), (2027, "done"), (2028, "done")]
        publication = MonitorPublication.objects.get()
        assert (publication.year, publication.published_by.email) == (2026, "analist@nza.demo")
        assert publication.run == runs()[0]

    def test_more_practices_adds_only_the_missing_ones(self):
        first = {p["agb_code"]: p for p in Practice.objects.values()}

        output = seed(practices=300)

        after = {p["agb_code"]: p for p in Practice.objects.values()}
        assert len(after) == 300
        assert {agb: after[agb] for agb in first} == first  # same rows, same ids, same values
        new = set(after) - set(first)
        assert len(new) == 100
        # Practice i has AGB code 01 + (7919·i + 104729) mod 10⁶: the new ones run from practice 200
        # (200·7919 + 104729 = 1688529) to practice 299 (299·7919 + 104729 = 2472510); practice 199
        # (199·7919 + 104729 = 1680610) was there before.
        assert {"01688529", "01472510"} <= new and "01680610" in first
        assert "300 in totaal, 100 nieuw" in output
        # The new practices get their offers from the contracts published before.
        for year in (2026, 2027):
            assert (Offer.objects.filter(year=year, practice__isnull=False).values("practice").distinct().count()
                    == 300)

    def test_data_is_the_same_on_every_machine(self):
        # Pinned values: a change here means every demo script and bookmarked login breaks, so it must be on purpose.
        assert Practice.objects.get(agb_code="01104729").name == "Huisartsenpraktijk Schouten"
        assert Practice.objects.get(agb_code="01104729").city == "Amsterdam"
        assert Practice.objects.get(agb_code="01112648").preferred_insurer.name == "VGZ"
        assert Practice.objects.get(agb_code="01120567").city == "Groningen"
        assert totp_secret_base32(demo_totp_key("tekenbevoegde@praktijk1.demo")) == "Z3CZMC3QG6PHIFS47VYCWX3MYH5WGVZ6"

    def test_practices_have_valid_plausible_identifiers(self):
        practices = list(Practice.objects.all())
        assert len(practices) == 200
        for practice in practices:
            validate_gp_agb_code(practice.agb_code)
            validate_kvk_number(practice.kvk_number)
            validate_postcode(practice.postcode)
            practice.full_clean()
            assert 1_500 <= practice.registered_patients <= 4_500
            assert practice.name.startswith(("Huisartsenpraktijk ", "Huisartsen ", "Huisartsengroep "))
            assert practice.street.split()[-1].isdigit()
        assert len({p.name for p in practices}) == 200
        assert len({p.agb_code for p in practices}) == 200
        for group in CareGroup.objects.all():
            if group.agb_code:
                validate_agb_code(group.agb_code)
            validate_kvk_number(group.kvk_number)
            group.full_clean()

    def test_the_eight_insurers_of_the_nza_monitor(self):
        uzovi = dict(Insurer.objects.values_list("name", "uzovi_code"))
        assert uzovi == {"Zilveren Kruis": "3311", "VGZ": "7095", "CZ": "9664", "Menzis": "3332", "DSW": "3343",
                         "Zorg en Zekerheid": "3313", "ENO": "3358", "De Friesland": "3328"}

    def test_market_shares_sum_to_100_and_the_largest_insurer_differs_by_region(self):
        regions = list(Region.objects.all())
        assert 12 <= len(regions) <= 16
        totals = dict(MarketShare.objects.values("region__code").annotate(total=Sum("share_percent"))
                      .values_list("region__code", "total"))
        assert totals == {region.code: Decimal("100.00") for region in regions}
        assert all(region.market_shares.count() == 8 for region in regions)

        largest = {r.name: r.market_shares.order_by("-share_percent").first().insurer.name for r in regions}
        for region in regions:
            top_two = list(region.market_shares.order_by("-share_percent")[:2])
            assert top_two[0].share_percent > top_two[1].share_percent  # no tie for the preferent insurer
        assert set(largest.values()) == set(Insurer.objects.values_list("name", flat=True))
        assert largest["Amsterdam"] == "Zilveren Kruis"
        assert largest["Twente"] == "Menzis"
        assert largest["Rotterdam-Rijnmond"] == "DSW"
        assert largest["Friesland"] == "De Friesland"
        assert largest["Zeeland"] == "CZ"
        assert largest["Gelderland-Zuid"] == "VGZ"

    def test_one_overlegteam_per_insurer_where_that_insurer_is_largest(self):
        teams = list(OverlegTeam.objects.select_related("region", "insurer"))
        assert sorted(t.insurer.name for t in teams) == sorted(Insurer.objects.values_list("name", flat=True))
        for team in teams:
            shares = MarketShare.objects.filter(insurer=team.insurer)
            assert shares.order_by("-share_percent").first().region == team.region
            assert team.region.market_shares.order_by("-share_percent").first().insurer == team.insurer

    def test_a_practices_preferent_insurer_is_the_regional_largest_unless_it_chose_one(self):
        chose = 0
        for practice in Practice.objects.select_related("region", "preferred_insurer"):
            largest = practice.region.market_shares.order_by("-share_percent").first().insurer
            if practice.preferred_insurer_id:
                chose += 1
                assert practice.preferent_insurer == practice.preferred_insurer != largest
            else:
                assert practice.preferent_insurer == largest
        assert 2 <= chose <= 20  # "a few"

    def test_care_groups_of_every_kind_with_members_from_their_region(self):
        for region in Region.objects.all():
            kinds = Counter(region.care_groups.values_list("kind", flat=True))
            assert kinds == {CareGroup.Kind.ZORGGROEP: 2, CareGroup.Kind.GEZONDHEIDSCENTRUM: 1,
                             CareGroup.Kind.HUISARTSENORGANISATIE: 1}
        assert not MEMBERS.objects.exclude(caregroup__region=F("practice__region")).exists()
        for group in CareGroup.objects.filter(kind=CareGroup.Kind.GEZONDHEIDSCENTRUM):
            assert group.practices.count() <= 3
        zorggroepen_per_practice = Counter(
            MEMBERS.objects.filter(caregroup__kind=CareGroup.Kind.ZORGGROEP).values_list("practice_id", flat=True))
        assert max(zorggroepen_per_practice.values()) == 1
        assert Practice.objects.filter(care_groups__isnull=False).distinct().count() > 150

    def test_every_role_has_a_demo_user_who_can_log_in(self, client):
        for role in Role:
            membership = (Membership.objects.filter(role=role, user__email__endswith=".demo")
                          .exclude(user__password__startswith="!").first())
            assert membership is not None, role
            # Through the login page, as a person would: the login throttle needs the request, which
            # client.login() does not pass to authenticate().
            response = client.post(reverse("accounts:login"),
                                   {"username": membership.user.email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, membership.user.email
            assert client.session["_auth_user_id"] == str(membership.user.pk)
            client.logout()
        admin = User.objects.get(memberships__role=Role.ADMINISTRATOR, email__endswith=".demo")
        assert admin.is_staff and admin.is_superuser
        assert not User.objects.filter(email__endswith=".demo", is_staff=True).exclude(pk=admin.pk).exists()

    def test_demo_users_cover_every_insurer_overlegteam_and_a_few_providers(self):
        demo = Membership.objects.filter(user__email__endswith=".demo")
        assert set(demo.filter(role=Role.INSURER_PURCHASER).values_list("insurer__name", flat=True)) == set(
            Insurer.objects.values_list("name", flat=True))
        assert demo.filter(role=Role.INSURER_PURCHASER, user__email="inkoper@zilverenkruis.demo",
                           insurer__name="Zilveren Kruis").exists()
        assert set(demo.filter(role=Role.OTH_MEMBER).values_list("overleg_team", flat=True)) == set(
            OverlegTeam.objects.values_list("pk", flat=True))
        named = demo.filter(user__email__regex=r"@praktijk[0-9]+\.demo$")
        for role in (Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY):
            assert named.filter(role=role).values("practice").distinct().count() == 3
        # Every other practice that decided on an offer has a signatory of its own, who cannot log in.
        others = demo.filter(role=Role.PRACTICE_SIGNATORY, user__email__startswith="tekenbevoegde.")
        assert others.count() == 200 - 3 - 4  # all but the demo practices and the four that never decide
        assert all(m.user.email == f"tekenbevoegde.{m.practice.agb_code}@praktijk.demo" and
                   not m.user.has_usable_password() for m in others.select_related("user", "practice"))
        assert not others.filter(practice__in=named.values("practice")).exists()
        # Two care groups have logins; the 56 others that contracted have a member and a signatory who cannot
        # log in.
        for role in (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY):
            of_role = demo.filter(role=role)
            assert of_role.filter(user__email__regex=r"@swv[0-9]+\.demo$").values("care_group").distinct().count() == 2
            without_login = of_role.filter(user__email__endswith=".swv.demo")
            assert without_login.values("care_group").distinct().count() == 56
            assert not any(m.user.has_usable_password() for m in without_login.select_related("user"))
        assert demo.filter(role=Role.NZA_ANALYST, user__email="analist@nza.demo").exists()
        # The care group logins see a demo practice among their members.
        for n, practice_n in ((1, 1), (2, 3)):
            group = demo.get(user__email=f"medewerker@swv{n}.demo").care_group
            practice = demo.get(user__email=f"medewerker@praktijk{practice_n}.demo").practice
            assert group.practices.filter(pk=practice.pk).exists()

    def test_signatories_have_a_confirmed_authenticator_whose_printed_secret_works(self):
        rows = json.loads(demo_logins("--json"))
        signatories = [row for row in rows if row["role"] in SIGNATORY_ROLES]
        assert len(signatories) == 5  # three practices, two care groups; other practices' signatories have no login
        for row in signatories:
            device = TOTPDevice.objects.get(user__email=row["email"], confirmed=True)
            code = totp(base64.b32decode(row["totp_secret"]), step=device.step, t0=device.t0, digits=device.digits)
            assert device.verify_token(f"{code:0{device.digits}d}"), row["email"]
        others = [row for row in rows if row["role"] not in SIGNATORY_ROLES]
        assert all(row["totp_secret"] is None for row in others)
        assert not TOTPDevice.objects.filter(user__email__in=[row["email"] for row in others]).exists()

    def test_demo_logins_json_lists_every_demo_account(self):
        rows = json.loads(demo_logins("--json"))
        logins = User.objects.filter(email__endswith=".demo").exclude(password__startswith="!")
        assert {row["email"] for row in rows} == set(logins.values_list("email", flat=True))
        assert len(rows) == Membership.objects.filter(user__in=logins).count()
        for row in rows:
            assert set(row) == {"role", "role_label", "organisation", "email", "password", "totp_secret", "todo"}
            assert row["password"] == DEMO_PASSWORD
            assert row["role_label"] == Role(row["role"]).label
            assert row["organisation"]
            assert row["email"].split("@")[1].endswith(".demo")
        expected = {"role": "insurer_purchaser", "role_label": "Zorginkoper", "organisation": "Zilveren Kruis",
                    "email": "inkoper@zilverenkruis.demo", "password": DEMO_PASSWORD, "totp_secret": None}
        assert expected.items() <= rows[0].items()

    def test_demo_logins_prints_an_aligned_table(self):
        lines = demo_logins().splitlines()
        header = lines[0]
        for title in ("Rol", "Organisatie", "E-mailadres", "Wachtwoord", "TOTP-geheim (base32)", "Nu te doen"):
            assert title in header
        email_column = header.index("E-mailadres")
        rows = lines[2:]
        logins = User.objects.filter(email__endswith=".demo").exclude(password__startswith="!")
        assert len(rows) == Membership.objects.filter(user__in=logins).count()
        for email in logins.values_list("email", flat=True):
            line = next(line for line in rows if f" {email} " in line)
            assert line.index(email) == email_column
        signatory = next(line for line in rows if "tekenbevoegde@praktijk1.demo" in line)
        assert totp_secret_base32(demo_totp_key("tekenbevoegde@praktijk1.demo")) in signatory


def test_two_fresh_runs_give_the_same_data(db):
    with transaction.atomic():
        seed()
        first, first_cycle = snapshot(), cycle_snapshot()
        transaction.set_rollback(True)
    assert Practice.objects.count() == 0

    seed()

    assert snapshot() == first
    assert cycle_snapshot() == first_cycle  # policies, contracts, offers, signatures, follow requests, questions
    assert first_cycle["signatures"]
    codes = [row[0] for row in first["practices"]]  # by AGB code
    assert len(set(codes)) == 200
    # 01 + (7919·i + 104729) mod 10⁶ for i < 200 grows with i until it passes 10⁶ at i = 114: the lowest is
    # practice 114's (114·7919 + 104729 = 1007495), the highest practice 113's (113·7919 + 104729 = 999576).
    assert (codes[0], codes[-1]) == ("01007495", "01999576")


@time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM), tick=False)
def test_the_year_in_force_in_contracting_and_next_with_their_calendar_and_not_swept(db):
    output = seed()
    years = {y.year: y for y in ContractYear.objects.all()}
    assert set(years) == {2026, 2027, 2028}
    for year in years.values():
        assert year.milestones.count() == len(CONTRACTING_CALENDAR)
        assert not year.milestones.filter(applied_at__isnull=False).exists()
    assert "Contractjaren: 2026 loopt, 2027 wordt gecontracteerd, 2028 heeft alleen zijn kalender." in output


def test_demo_logins_without_demo_data_says_how_to_seed(db):
    assert "seed_demo" in demo_logins()
    assert json.loads(demo_logins("--json")) == []


def test_practices_out_of_range_is_refused(db):
    with pytest.raises(CommandError):
        seed(practices=-1)
    assert Practice.objects.count() == 0


def test_2000_practices(db):
    output = seed(practices=2000)

    assert Practice.objects.count() == 2000
    codes = set(Practice.objects.values_list("agb_code", flat=True))
    assert len(codes) == 2000
    # Practices 0, 1000 and 1999: 01 + (7919·i + 104729) mod 10⁶, with 1000·7919 + 104729 = 8023729 and
    # 1999·7919 + 104729 = 15934810.
    assert {"01104729", "01023729", "01934810"} <= codes
    assert Practice.objects.values("name").distinct().count() == 2000
    assert all(Region.objects.get(pk=pk).practices.exists() for pk in Region.objects.values_list("pk", flat=True))
    assert 40 <= Practice.objects.filter(preferred_insurer__isnull=False).count() <= 130
    assert CareGroup.objects.filter(practices__isnull=True).count() == 0
    assert "2000 in totaal, 2000 nieuw" in output

    before = counts()
    seed(practices=2000)
    assert counts() == before


@pytest.mark.skipif(not os.environ.get("SEED_DEMO_BENCHMARK"),
                    reason="timing run with 50,000 practices; set SEED_DEMO_BENCHMARK=1")
def test_50000_practices(db):
    """A measurement, printed for the note; no timed assertion (these machines are noisy)."""
    started = time.monotonic()
    seed(practices=50_000)
    elapsed = time.monotonic() - started
    rerun_started = time.monotonic()
    seed(practices=50_000)
    rerun = time.monotonic() - rerun_started
    print(f"seed_demo --practices 50000: {elapsed:.1f} s; again (nothing to do): {rerun:.1f} s")
    assert Practice.objects.count() == 50_000
