"""factory_boy factories shared by the whole suite. Identification numbers are valid by construction."""

from decimal import Decimal

import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from insurers.models import Insurer
from providers.models import CareGroup, MarketShare, OverlegTeam, Practice, Region

DEFAULT_PASSWORD = "correct-horse-battery"


class InsurerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insurer
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Verzekeraar {n}")
    short_name = factory.Sequence(lambda n: f"V{n}")
    slug = factory.Sequence(lambda n: f"v{n}")
    uzovi_code = factory.Sequence(lambda n: f"{3000 + n:04d}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"regio-{n}")
    name = factory.Sequence(lambda n: f"Regio {n}")


class MarketShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketShare

    region = factory.SubFactory(RegionFactory)
    insurer = factory.SubFactory(InsurerFactory)
    share_percent = Decimal("30.00")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Huisartsenpraktijk {n}")
    agb_code = factory.Sequence(lambda n: f"01{n:06d}")
    kvk_number = factory.Sequence(lambda n: f"{50000000 + n:08d}")
    street = "Dorpsstraat 1"
    postcode = "1234 AB"
    city = "Utrecht"
    region = factory.SubFactory(RegionFactory)
    registered_patients = 2350


class CareGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareGroup

    name = factory.Sequence(lambda n: f"Zorggroep {n}")
    kind = CareGroup.Kind.ZORGGROEP
    kvk_number = factory.Sequence(lambda n: f"{60000000 + n:08d}")
    region = factory.SubFactory(RegionFactory)


class OverlegTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OverlegTeam

    name = factory.Sequence(lambda n: f"OTH {n}")
    region = factory.SubFactory(RegionFactory)
    insurer = factory.SubFactory(InsurerFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.nl")
    full_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PRACTICE_MEMBER
    practice = factory.SubFactory(PracticeFactory)


def make_member(role: str, organisation=None, **user_kwargs) -> User:
    """A user with one membership of `role` for `organisation`."""
    from accounts.models import ROLE_ORGANISATION_FIELD

    user = UserFactory(**user_kwargs)
    field = ROLE_ORGANISATION_FIELD.get(role)
    values = {"insurer": None, "practice": None, "care_group": None, "overleg_team": None}
    if field:
        values[field] = organisation
    Membership.objects.create(user=user, role=role, **values)
    return user


def enrol_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The device's code at this moment."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code the device refuses now: it accepts the previous, current and next step, so none of those."""
    valid = {totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d)
             for d in range(-device.tolerance, device.tolerance + 1)}
    return next(f"{c:06d}" for c in range(1_000_000) if c not in valid)


# The NZa maximum tariffs that most tests set for their contract year (the contract builder caps at these).
NZA_MAX_TARIFFS = {"inschrijving": "17.50", "consult": "10.50", "poh-ggz": "4000.00",
                   "specifieke-verrichtingen": "30.00"}


def set_nza_tariffs(year: int, tariffs: dict | None = None) -> dict:
    """Enter the NZa maximum tariffs for `year` as the NZa does (NZA_MAX_TARIFFS unless `tariffs` is given)."""
    from contracting.models import Module
    from contracting.services import nza_tariff_set

    tariffs = dict(NZA_MAX_TARIFFS if tariffs is None else tariffs)
    for code, value in tariffs.items():
        nza_tariff_set(actor=None, module=Module.objects.get(code=code), year=year, max_tariff=value)
    return tariffs
