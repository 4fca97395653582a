"""Care-group negotiations in the demo: per contract year, the care groups of the first regions negotiate
with their region's preferent insurer, each at another stage while the year's care-group window is open
(agreed and signed; offer countered; only the insurer's offer). Once the window has closed (the end of
1 October), the countered negotiation has gone on to an agreement that its signatory signed.

Every other care group contracts as almost all of them do in the NZa monitor: its preferent insurer offers
before 15 July, the care group accepts, and its signatory signs in September (through people without a demo
login, who cannot log in). One care group, the last in name order, has no offer at all, so its insurer is
flagged late after 15 July. Each step happens at a fixed moment of the year's calendar and only once that
moment has passed; a second run adds nothing."""

from datetime import date, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from accounts.models import Membership, Role, User
from accounts.services import membership_create
from contracting.models import HolderKind, ModuleChoice, Negotiation, Offer
from contracting.selectors import signing_window
from contracting.services import (
    negotiation_accept,
    negotiation_counter,
    negotiation_offer,
    negotiation_submit,
    offer_sign,
)
from providers.models import CareGroup, InsuredCount, MarketShare, Practice

from .bulk import fresh_statistics
from .moments import at
from .registry import DemoContext, demo_step

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# How far the care groups with demo logins get (in name order): the stage's steps, in order. Of the others the
# first only has the insurer's offer (sent on 1 July, unanswered); the rest have none, so after 15 July their
# insurers are flagged late.
FULL = ("submit", "offer", "counter", "accept", "sign")
STAGES = (FULL, ("submit", "offer", "counter"))
STAGES_AFTER_CLOSE = (FULL, FULL)
OFFER_ONLY = ("offer",)
# The care groups without demo logins: the insurer offers, the care group accepts, its signatory signs.
ACCEPTED = ("offer", "accept", "sign")


def _terms(tariff: str, patients: int) -> dict:
    return {"programmes": [
        {"code": "ketenzorg-dm2", "expected_patients": patients, "tariff": tariff,
         "components": {"voetzorg": "separate", "lab": "separate"}, "inclusion_ceiling_percent": "6"},
        {"code": "ketenzorg-copd", "expected_patients": patients // 3, "tariff": "38.00", "components": {}},
        {"code": "programma-kwetsbare-ouderen", "tariff": "25000.00"}],
        "oi": [{"code": "oi-wijkmanagement", "tariff": "2.40", "lumpsum": "20000.00", "staffel_from": 10000}],
        "oi_budget": {"ict": "12000.00", "bedrijfsvoering": "18000.00", "kwaliteit": "6000.00",
                      "samenwerking": "9000.00"}}


def _user(group: CareGroup, role: str):
    m = Membership.objects.filter(care_group=group, role=role).select_related("user").order_by("pk").first()
    return m.user if m else None


def _people(group: CareGroup):
    """A member and a signatory for a care group without demo logins: no password, so nobody logs in as them."""
    slug = f"{slugify(group.name)}.swv"  # the same on every machine that seeds the same data
    people = []
    for role, local in ((Role.CAREGROUP_MEMBER, "medewerker"), (Role.CAREGROUP_SIGNATORY, "tekenbevoegde")):
        user = _user(group, role)
        if user is None:
            email = f"{local}@{slug}.demo"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, password=None, full_name=f"{local.capitalize()} {group.name}")
            membership_create(actor=None, user=user, role=role, organisation=group)
        people.append(user)
    return people


def _moments_for(year: int, n: int) -> dict:
    """The n-th care group without logins: offered between 16 June and 13 July, accepted in August, signed in
    September."""
    return {"offer": at(date(year - 1, 6, 16) + timedelta(days=n % 28), 10 + n % 6),
            "accept": at(date(year - 1, 8, 4) + timedelta(days=n % 24), 11),
            "sign": at(date(year - 1, 9, 2) + timedelta(days=n % 25), 14)}


def _seed_year(year: int, now) -> int:
    common = {"submit": at(date(year - 1, 6, 2), 10), "offer": at(date(year - 1, 7, 1), 11),
              "counter": at(date(year - 1, 7, 20), 14), "accept": at(date(year - 1, 8, 3), 10),
              "sign": at(date(year - 1, 9, 1), 15)}
    window = signing_window(year, HolderKind.CARE_GROUP)
    stages = STAGES_AFTER_CLOSE if window is not None and now >= window[1] else STAGES
    created = 0
    # The care groups with demo logins (a member and a signatory), in name order.
    logins = Membership.objects.exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    with_logins = (CareGroup.objects.filter(pk__in=logins.filter(role=Role.CAREGROUP_SIGNATORY).values("care_group"))
                   .filter(pk__in=logins.filter(role=Role.CAREGROUP_MEMBER).values("care_group")))
    groups = list(with_logins.order_by("name").distinct()[:len(stages)])
    plan = [(group, stage, common) for group, stage in zip(groups, stages, strict=False)]
    others = list(CareGroup.objects.exclude(pk__in=[g.pk for g in groups]).order_by("name"))
    if others:
        plan.append((others[0], OFFER_ONLY, common))
    # The last one gets no offer: its insurer is late.
    plan += [(group, ACCEPTED, _moments_for(year, n)) for n, group in enumerate(others[1:-1])]
    for group, stage, moments in plan:
        share = MarketShare.objects.filter(region=group.region_id).order_by("-share_percent", "insurer__name").first()
        if stage == ACCEPTED and moments["offer"] <= now:
            member, signatory = _people(group)
        else:
            member, signatory = _user(group, Role.CAREGROUP_MEMBER), _user(group, Role.CAREGROUP_SIGNATORY)
        purchaser = (Membership.objects.filter(insurer=share.insurer, role=Role.INSURER_PURCHASER)
                     .select_related("user").order_by("pk").first() if share else None)
        if purchaser is None or (stage != OFFER_ONLY and not (member and signatory)):
            continue
        insurer, purchaser = share.insurer, purchaser.user
        negotiation = Negotiation.objects.filter(insurer=insurer, care_group=group, year=year).first()
        if negotiation is not None and negotiation.status == Negotiation.Status.EXPIRED:
            continue  # the sweep closed it (a database seeded while the window was open): history stays as it is
        done = negotiation.steps.count() if negotiation else 0
        for number, kind in enumerate(stage, start=1):
            moment = moments[kind]
            if moment > now:
                break
            if kind == "sign":
                offer = Offer.objects.get(negotiation__insurer=insurer, negotiation__care_group=group,
                                          negotiation__year=year)
                if offer.status == Offer.Status.OPEN:
                    offer_sign(actor=signatory, offer=offer, now=moment, two_factor_verified=True)
                    created += 1
                continue
            if number <= done:
                continue
            if kind == "submit":
                negotiation = negotiation_submit(
                    actor=member, care_group=group, insurer=insurer, year=year, terms=_terms("46.00", 1400),
                    note="Begroting en werkplan volgens het regionale zorgprogramma.",
                    budget=SimpleUploadedFile("begroting.pdf", PDF), work_plan=SimpleUploadedFile("werkplan.pdf", PDF),
                    now=moment).negotiation
            elif kind == "offer":
                negotiation = negotiation_offer(
                    actor=purchaser, insurer=insurer, care_group=group, year=year, terms=_terms("41.00", 1400),
                    note="Ons aanbod, in lijn met de regio.", now=moment).negotiation
            elif kind == "counter":
                negotiation_counter(actor=member, negotiation=negotiation, terms=_terms("43.50", 1400),
                                    note="Wij vragen € 43,50 voor het uitgebreide voetzorgaanbod.", now=moment)
            elif kind == "accept":
                # The side that did not make the last proposal accepts it: the insurer a counter, the care
                # group an offer.
                accepting = member if stage[number - 2] == "offer" else purchaser
                negotiation_accept(actor=accepting, negotiation=negotiation, now=moment)
            created += 1
    return created


@demo_step("contracting.caregroups", order=45)
def _step(ctx: DemoContext) -> dict[str, int]:
    # The negotiation services read the care groups' members, their patients and insured counts, and offers.
    fresh_statistics(User, Membership, Practice, CareGroup.practices.through, InsuredCount, Offer, ModuleChoice)
    return {"negotiation_steps": sum(_seed_year(year, ctx.now) for year in sorted(ctx.years))}
