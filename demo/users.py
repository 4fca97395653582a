"""Demo users: one or more for every role, all with the same known password, recognisable by an e-mail address
under a `.demo` domain. Signatories are enrolled in two-factor with a TOTP secret derived from their e-mail
address, so the secret can be printed (and typed into an authenticator app) on any machine that seeded the
same data.
"""

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ROLE_ORGANISATION_FIELD, SIGNATORY_ROLES, Membership, Role, User
from accounts.services import membership_create
from demo.organisations import INSURERS, demo_practice_agb_codes, overleg_team_regions
from demo.registry import DemoContext, demo_step
from insurers.models import Insurer
from providers.models import CareGroup, OverlegTeam, Practice

DEMO_PASSWORD = "demo-wachtwoord-2026"
DEMO_EMAIL_SUFFIX = ".demo"
DEMO_DEVICE_NAME = "Demo-authenticator"
# Public on purpose: anyone with the demo data may derive the demo secrets. Never used for real accounts.
_TOTP_SALT = "contracteerportaal-demo-totp-v1"

# The care groups with demo logins: the zorggroep of demo practice 1 (Amsterdam) and the health centre that
# demo practice 3 (Groningen) belongs to.
DEMO_CARE_GROUP_NAMES = ("Zorggroep Amsterdam", "Gezondheidscentrum Lewenborg")

_FIRST_NAMES = ("Sanne", "Daan", "Fatima", "Pieter", "Lotte", "Mehmet", "Eva", "Joris", "Anouk", "Bram",
                "Noor", "Thijs", "Iris", "Sem", "Femke", "Ruben", "Yara", "Koen", "Esther", "Willem")
_LAST_NAMES = ("de Vries", "Jansen", "Bakker", "El Idrissi", "Visser", "Smit", "de Jong", "Hoekstra",
               "van Dijk", "Mulder", "Kaya", "de Boer", "Vermeulen", "Postma", "van der Berg", "Brouwer")


def demo_totp_key(email: str) -> str:
    """Hex of a 20-byte secret (what TOTPDevice.key holds), the same for the same address everywhere."""
    return hashlib.sha256(f"{_TOTP_SALT}:{email.lower()}".encode()).digest()[:20].hex()


def totp_secret_base32(key_hex: str) -> str:
    """The secret as authenticator apps want it."""
    return base64.b32encode(bytes.fromhex(key_hex)).decode("ascii")


def _demo_full_name(email: str) -> str:
    rng = random.Random(email)
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    organisation: models.Model | None = None
    is_superuser: bool = False


def demo_accounts() -> list[DemoAccount]:
    """Who should exist, given the demo organisations present. Organisations that are missing (fewer practices
    seeded than there are demo practices) simply get no login."""
    accounts = []
    insurers = {i.name: i for i in Insurer.objects.filter(name__in=[s.name for s in INSURERS])}
    for spec in INSURERS:
        if spec.name in insurers:
            accounts.append(DemoAccount(f"inkoper@{spec.email_domain}", Role.INSURER_PURCHASER, insurers[spec.name]))

    practices = {p.agb_code: p for p in Practice.objects.filter(agb_code__in=demo_practice_agb_codes())}
    for n, agb in enumerate(demo_practice_agb_codes(), start=1):
        if agb in practices:
            accounts += [
                DemoAccount(f"medewerker@praktijk{n}.demo", Role.PRACTICE_MEMBER, practices[agb]),
                DemoAccount(f"tekenbevoegde@praktijk{n}.demo", Role.PRACTICE_SIGNATORY, practices[agb]),
            ]

    groups = {g.name: g for g in CareGroup.objects.filter(name__in=DEMO_CARE_GROUP_NAMES)}
    for n, name in enumerate(DEMO_CARE_GROUP_NAMES, start=1):
        if name in groups:
            accounts += [
                DemoAccount(f"medewerker@swv{n}.demo", Role.CAREGROUP_MEMBER, groups[name]),
                DemoAccount(f"tekenbevoegde@swv{n}.demo", Role.CAREGROUP_SIGNATORY, groups[name]),
            ]

    team_regions = overleg_team_regions()
    teams = {(t.insurer.name, t.region.code): t for t in OverlegTeam.objects.filter(insurer__in=insurers.values())
             .select_related("insurer", "region")}
    for spec in INSURERS:
        team = teams.get((spec.name, team_regions[spec.key].code))
        if team:
            accounts.append(DemoAccount(f"lid@oth-{spec.email_domain}", Role.OTH_MEMBER, team))

    accounts += [
        DemoAccount("analist@nza.demo", Role.NZA_ANALYST),
        DemoAccount("beheerder@portaal.demo", Role.ADMINISTRATOR, is_superuser=True),
    ]
    return accounts


def seed_users() -> dict[str, int]:
    """Create the missing demo users, memberships and signatories' TOTP devices. Existing users are left as
    they are (a changed password or name stays changed)."""
    created = {"users": 0, "memberships": 0, "totp_devices": 0}
    password_hash = None
    with transaction.atomic():
        for account in demo_accounts():
            user = User.objects.filter(email=account.email).first()
            if user is None:
                if password_hash is None:
                    # One PBKDF2 run (~0.6 s) shared by all demo users instead of one per user: they share
                    # a published password anyway, so a shared salt reveals nothing.
                    password_hash = make_password(DEMO_PASSWORD)
                user = User.objects.create_user(
                    account.email, password=None, full_name=_demo_full_name(account.email),
                    is_staff=account.is_superuser, is_superuser=account.is_superuser,
                )
                user.password = password_hash
                user.save(update_fields=["password"])
                created["users"] += 1
            field = ROLE_ORGANISATION_FIELD.get(account.role)
            exists = Membership.objects.filter(
                user=user, role=account.role, **({field: account.organisation} if field else {})).exists()
            if not exists:
                membership_create(actor=None, user=user, role=account.role, organisation=account.organisation)
                created["memberships"] += 1
            if account.role in SIGNATORY_ROLES:
                _, new = TOTPDevice.objects.get_or_create(
                    user=user, name=DEMO_DEVICE_NAME,
                    defaults={"key": demo_totp_key(account.email), "confirmed": True})
                created["totp_devices"] += new
    return created


# --- Listing ----------------------------------------------------------------------------------------------
_ROLE_ORDER = {role.value: n for n, role in enumerate(Role)}


def _organisation_label(membership: Membership) -> str:
    if membership.role == Role.NZA_ANALYST:
        return _("Nederlandse Zorgautoriteit (NZa)")
    if membership.role == Role.ADMINISTRATOR:
        return _("Portaalbeheer")
    return str(membership.organisation)


def demo_login_rows(now: datetime | None = None) -> list[dict]:
    """Every demo login: one row per membership of a `.demo` user who can log in, by role, and within a role
    first those with something to do now (`todo`, demo.todo), in the order of demo_accounts (Zilveren Kruis,
    then the other insurers; practice 1, 2, 3). `totp_secret` is the base32 secret of the user's demo
    authenticator, or None when the user has none. Signatories of practices without a demo login have no
    password and are not listed."""
    from contracting.selectors import TaskReader, contract_year_current

    from .todo import demo_todo

    now = now or timezone.now()
    memberships = (
        Membership.objects.filter(user__email__endswith=DEMO_EMAIL_SUFFIX)
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user", "insurer", "practice", "care_group", "overleg_team")
    )
    keys = dict(
        TOTPDevice.objects.filter(user__email__endswith=DEMO_EMAIL_SUFFIX, name=DEMO_DEVICE_NAME, confirmed=True)
        .values_list("user_id", "key")
    )
    preference = {account.email: n for n, account in enumerate(demo_accounts())}
    current = contract_year_current(now)
    reader = TaskReader(current.year, now) if current else None
    rows = []
    for m in memberships:
        row = {
            "role": m.role,
            "role_label": str(m.get_role_display()),
            "organisation": _organisation_label(m),
            "email": m.user.email,
            "password": DEMO_PASSWORD,
            "totp_secret": totp_secret_base32(keys[m.user_id]) if m.user_id in keys else None,
            "todo": demo_todo(m, now, reader) if reader else "",
        }
        rows.append(row)
    rows.sort(key=lambda r: (_ROLE_ORDER.get(r["role"], len(_ROLE_ORDER)), not r["todo"],
                             preference.get(r["email"], len(preference)), r["email"]))
    return rows


@demo_step("accounts.users", order=30)
def _step(ctx: DemoContext) -> dict[str, int]:
    return seed_users()
