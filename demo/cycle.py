"""The contracting cycle of the demo years: NZa maximum tariffs, each insurer's purchasing policy and practice
standard contract, the offers they send out, and, for whatever part of the signing window lies in the past,
signatures, refusals, follow requests and questions.

Everything goes through the contracting services, with `now` set to a moment fixed relative to the year's
milestones (e.g. three days after the signing window opens), never to the clock. The clock only decides which
of those moments are already past, so one date always gives the same data, and a run on a later date adds the
steps that became due since. Existing policies, contracts, signatures and the like are skipped, so a second run
writes nothing and records no audit events.

Signing needs a signatory of the practice. The demo signatories' own practices stay open (someone trying the
portal signs those); the signatures come from a few other practices that each get a `tekenbevoegde.<agb>`
signatory under the `.demo` domain.
"""

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from accounts.services import membership_create
from contracting.calendar import AMSTERDAM, RULES_BY_KIND, MilestoneKind, local_date
from contracting.models import (
    ContractModule,
    FollowRequest,
    HolderKind,
    Milestone,
    Module,
    NzaMaxTariff,
    Offer,
    Question,
    Signature,
    StandardContract,
)
from contracting.pricing import cap_hours_for, needs_hours
from contracting.services import (
    follow_request_decide,
    follow_requests_create,
    nza_tariff_set,
    offer_mark_opened,
    offer_refuse,
    offer_sign,
    offers_create_for_preferent,
    policy_publish,
    policy_save_draft,
    question_answer,
    question_ask,
    standard_contract_create,
    standard_contract_publish,
    standard_contract_set_module,
)
from demo.organisations import DEMO_PRACTICE_COUNT, INSURERS, InsurerSpec, demo_practice_agb_codes, practice_agb_code
from demo.registry import DemoContext, demo_step
from demo.users import DEMO_DEVICE_NAME, DEMO_PASSWORD, _demo_full_name, demo_totp_key
from insurers.models import Insurer, PolicyVersion, PurchasingPolicy
from providers.models import MarketShare, Practice
from providers.selectors import practices_with_preferent

CYCLE_SEED = 20_261_123
CENT = Decimal("0.01")
HALF_HOUR = Decimal("0.5")
# NZa maximum tariffs of the S1 prestaties for BASE_YEAR (demo values of the right order, not the real
# tariefbeschikking); other years follow with a yearly indexation.
BASE_YEAR = 2027
YEARLY_INDEXATION = Decimal("1.032")
NZA_MAX = {
    "inschrijving": Decimal("17.40"),  # per registered patient per quarter
    "consult": Decimal("10.50"),  # per consult
    "poh-ggz": Decimal("4010.00"),  # per weekly hour per year
    "specifieke-verrichtingen": Decimal("30.20"),  # per verrichting
}
# Insurers' own tariffs for the free (S3 and other) modules, before each insurer's factor.
FREE_TARIFFS = {
    "praktijkmanagement": Decimal("2850.00"),  # per weekly hour per year
    "poh-s": Decimal("3350.00"),  # per weekly hour per year
    "kwaliteit": Decimal("2400.00"),  # per practice per year
    "service-bereikbaarheid": Decimal("1.85"),  # per registered patient per year
    "kwetsbare-ouderen": Decimal("1.10"),
    "doelmatig-voorschrijven": Decimal("1.40"),
    "meer-tijd": Decimal("6.50"),
    "advance-care-planning": Decimal("145.00"),  # per terminal patient
}
BASE_MODULES = ("inschrijving", "consult", "specifieke-verrichtingen", "poh-ggz", "praktijkmanagement", "kwaliteit",
                "service-bereikbaarheid")

MODULE_CONDITIONS = {
    "inschrijving": "Tarief per ingeschreven verzekerde per kwartaal, volgens de NZa-prestatiebeschrijving.",
    "consult": "Consulten en visites volgens de NZa-prestatiebeschrijving.",
    "specifieke-verrichtingen": "Alleen verrichtingen die in de NZa-prestatielijst staan.",
    "poh-ggz": "De POH-GGZ heeft een afgeronde opleiding tot praktijkondersteuner GGZ of een gelijkwaardige "
               "opleiding. Consultatie van een psychiater of GZ-psycholoog en e-health vallen binnen de module.",
    "praktijkmanagement": "De praktijkmanager heeft ten minste een opleiding op mbo-4-niveau. De uren en taken staan "
                          "in het praktijkjaarplan.",
    "kwaliteit": "Een geldige NHG-praktijkaccreditatie, of een aantoonbaar lopend (her)accreditatietraject.",
    "service-bereikbaarheid": "Spoedlijn binnen 30 seconden opgenomen; online afspraken, e-consult en herhaalrecepten "
                              "via een patiëntportaal.",
    "kwetsbare-ouderen": "Deelname aan het regionale programma kwetsbare ouderen van het samenwerkingsverband, met "
                         "proactieve zorgplanning.",
    "doelmatig-voorschrijven": "Voorschrijven volgens het regionale formularium; deelname aan FTO-overleg.",
    "meer-tijd": "Inzet van een physician assistant of extra waarneming; praktijk met ten minste 2.000 patiënten.",
    "advance-care-planning": "Eenmalig per patiënt in de laatste levensfase, volgens het regionale protocol.",
    "poh-s": "Vergoeding per werkelijk ingezet uur per week; de POH-S is opgeleid tot praktijkondersteuner.",
}

CONTRACT_CONDITIONS = (
    "Deze overeenkomst geldt voor de huisartsenzorg aan verzekerden van de zorgverzekeraar die op naam bij de "
    "praktijk zijn ingeschreven. Declaraties lopen via Vecozo. De praktijk houdt zich aan de NHG-standaarden en "
    "de Landelijke Eerstelijns Samenwerkingsafspraken. Dit is een demo-overeenkomst zonder rechtsgevolg."
)


@dataclass(frozen=True)
class InsurerProfile:
    term_years: int  # of the contract for a year that no later demo year follows
    s1_share: Decimal  # share of the NZa maximum paid on the S1 prestaties
    free_factor: Decimal  # on FREE_TARIFFS
    pm_cap: Decimal  # praktijkmanagement: hours a week per 2,350 patients (3 to 6)
    extra_modules: tuple[str, ...]
    days_before_offers_due: int  # contract published this many days before 15 September


PROFILES = {
    "zk": InsurerProfile(2, Decimal("1.000"), Decimal("1.00"), Decimal("4"),
                         ("kwetsbare-ouderen", "doelmatig-voorschrijven"), 12),
    "vgz": InsurerProfile(3, Decimal("0.990"), Decimal("0.97"), Decimal("5"),
                          ("kwetsbare-ouderen", "advance-care-planning"), 6),
    "cz": InsurerProfile(1, Decimal("1.000"), Decimal("1.02"), Decimal("3.5"), ("doelmatig-voorschrijven",), 9),
    "menzis": InsurerProfile(2, Decimal("0.985"), Decimal("1.04"), Decimal("6"), ("kwetsbare-ouderen", "meer-tijd"), 4),
    "dsw": InsurerProfile(1, Decimal("1.000"), Decimal("0.95"), Decimal("3"), (), 14),
    "zz": InsurerProfile(3, Decimal("0.995"), Decimal("1.00"), Decimal("4.5"), ("kwetsbare-ouderen",), 8),
    "eno": InsurerProfile(1, Decimal("0.990"), Decimal("0.98"), Decimal("5"), ("advance-care-planning", "poh-s"), 3),
    "df": InsurerProfile(2, Decimal("1.000"), Decimal("1.03"), Decimal("5.5"), ("kwetsbare-ouderen", "poh-s"), 10),
}

# A few practices per insurer sign (or refuse) through a signatory of their own; found among the first
# CYCLE_SCAN practices after the demo practices, so a larger --practices picks the same ones.
CYCLE_PRACTICES_PER_INSURER = 3
CYCLE_SCAN = 1_500
FOLLOW_REQUESTS = 4


def cycle_signatory_email(agb_code: str) -> str:
    return f"tekenbevoegde.{agb_code}@praktijk.demo"


def purchaser_email(spec: InsurerSpec) -> str:
    return f"inkoper@{spec.email_domain}"


def indexed(amount: Decimal, year: int) -> Decimal:
    return (amount * YEARLY_INDEXATION ** (year - BASE_YEAR)).quantize(CENT, rounding=ROUND_HALF_UP)


def late_policy_insurer(year: int) -> str:
    """The insurer that publishes its purchasing policy after 1 April in `year`, a different one each year."""
    return INSURERS[year % len(INSURERS)].key


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


class YearClock:
    """The calendar days of one contract year's milestones (as stored, so a date an admin moved counts)."""

    def __init__(self, year: int):
        self.year = year
        self._due = dict(Milestone.objects.filter(contract_year__year=year).values_list("kind", "due_at"))

    def day(self, kind: str) -> date:
        """Day D of the milestone: 'from D' starts at 00:00 on D, 'by D' ends at 00:00 the day after."""
        due = self._due[kind]
        return local_date(due if RULES_BY_KIND[kind].boundary == "start" else due - timedelta(microseconds=1))


# --- Texts --------------------------------------------------------------------------------------------------
def _dutch_number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def policy_texts(spec: InsurerSpec, profile: InsurerProfile, year: int, term_years: int) -> list[tuple[str, str]]:
    """(title, body) of each published version: a first version and one after the consultation with the OTH."""
    name = spec.name
    s1 = ("tegen het NZa-maximumtarief" if profile.s1_share == 1
          else f"tegen {_dutch_number(profile.s1_share * 100)}% van het NZa-maximumtarief")
    cap = _dutch_number(profile.pm_cap)
    if term_years == 1:
        term = (f"# Looptijd\nHet contract loopt één jaar, van 1 januari tot en met 31 december {year}. Wij "
                f"onderzoeken met de OTH of een meerjarencontract vanaf {year + 1} wenselijk is.")
    else:
        term = (f"# Meerjarencontract\nWij bieden een meerjarencontract aan voor {year}–{year + term_years - 1}. "
                "De tarieven volgen jaarlijks de indexatie van de NZa. Een aanpassingsclausule regelt dat partijen "
                "de afspraken jaarlijks in overleg kunnen aanpassen als wet- of regelgeving daartoe dwingt; de "
                "contracteercyclus wordt dan voor die wijziging opnieuw doorlopen.")
    intro = (f"Dit is fictief demo-inkoopbeleid voor het contracteerportaal. Het beschrijft niet het werkelijke "
             f"beleid van {name}.")
    principles = (f"# Uitgangspunten\nVoor {year} koopt {name} huisartsenzorg in volgens de Good Contracting "
                  "Practices. Iedere praktijk waarvoor wij preferent zorgverzekeraar zijn, krijgt een "
                  f"standaardcontract aangeboden dat is opgebouwd uit modules. De S1-prestaties vergoeden wij {s1}.")
    poh_ggz = ("# POH-GGZ\nWij vergoeden de inzet van een praktijkondersteuner GGZ tot ten hoogste 12 uur per week "
               "per 2.350 ingeschreven patiënten. Inzet van e-health en consultatie van een psychiater of "
               "GZ-psycholoog vallen binnen de module.")
    management_v1 = (f"# Praktijkmanagement\nDe module praktijkmanagement vergoedt ten hoogste {cap} uur per week per "
                     "2.350 ingeschreven patiënten. De praktijkmanager heeft ten minste een opleiding op "
                     "mbo-4-niveau.")
    management_v2 = (f"# Praktijkmanagement\nDe module praktijkmanagement vergoedt ten hoogste {cap} uur per week per "
                     "2.350 ingeschreven patiënten. Na het overleg met de OTH accepteren wij ook een praktijkmanager "
                     "die de opleiding op mbo-4-niveau in het contractjaar afrondt. De uren en taken staan in het "
                     "praktijkjaarplan.")
    quality = ("# Kwaliteit\n- Een geldige NHG-praktijkaccreditatie, of een aantoonbaar lopend accreditatietraject.\n"
               "- Deelname aan ten minste twee FTO- of DTO-bijeenkomsten per jaar.\n"
               "- Gebruik van de spiegelinformatie over voorschrijven en verwijzen.")
    service = ("# Service en bereikbaarheid\nPraktijken die de spoedlijn binnen 30 seconden opnemen en online "
               "afspraken, e-consulten en herhaalrecepten aanbieden, ontvangen een toeslag per ingeschreven patiënt.")
    procedure = ("# Procedure\nHet standaardcontract staat uiterlijk 15 september in het portaal. Ondertekenen kan "
                 "van 1 oktober tot en met 7 november. Vragen over het aanbod beantwoorden wij binnen vijf "
                 "werkdagen.")
    title = f"Inkoopbeleid huisartsenzorg {year}"
    first = "\n\n".join([intro, principles, poh_ggz, management_v1, quality, term, procedure])
    second = "\n\n".join([intro, principles, poh_ggz, management_v2, quality, service, term, procedure])
    return [(title, first), (title, second)]


QUESTIONS = {
    "poh-ggz": (
        "Wij willen de uren van onze POH-GGZ uitbreiden. Telt voor het plafond het aantal ingeschreven patiënten op "
        "1 januari of op 1 oktober?",
        "Voor het plafond gaan wij uit van het aantal ingeschreven patiënten op de peildatum 1 oktober. Groeit uw "
        "praktijk in de loop van het jaar, dan kunt u de uren bij de volgende contractering aanpassen.",
    ),
    "praktijkmanagement": (
        "Onze praktijkmanager volgt nog de opleiding. Komen we dan wel in aanmerking voor de module "
        "praktijkmanagement?",
        "Ja, als de opleiding op mbo-4-niveau in het contractjaar wordt afgerond. Vermeld de verwachte datum van "
        "afronding in uw praktijkjaarplan.",
    ),
    "kwaliteit": (
        "Onze NHG-accreditatie verloopt in maart en de heraccreditatie loopt. Houden we recht op de module "
        "kwaliteit?",
        "Ja, zolang het heraccreditatietraject aantoonbaar loopt, blijft de module kwaliteit van toepassing. "
        "Excuses dat ons antwoord zo lang op zich liet wachten.",
    ),
    "service-bereikbaarheid": (
        "Kunnen wij de module service en bereikbaarheid later in het jaar nog toevoegen, als ons patiëntportaal "
        "klaar is?",
        "Nee, de modulekeuze ligt vast bij ondertekening. U kunt de module bij de volgende contractering kiezen.",
    ),
}
REFUSAL_REASONS = (
    "De vergoeding voor praktijkmanagement dekt onze kosten niet. Wij gaan eerst in overleg met de OTH.",
    "Wij contracteren dit jaar via onze zorggroep en tekenen dit aanbod daarom niet.",
)
PARTIAL_EXPLANATION = (
    "Wij volgen het contract, behalve de module praktijkmanagement: in deze regio hanteren wij een lager "
    "plafond, zoals in ons inkoopbeleid staat."
)
DECLINE_EXPLANATION = (
    "Wij hebben in deze regio een eigen standaardcontract met andere modules. De praktijk kan dat contract "
    "aanvragen en ondertekenen via het portaal."
)


# --- NZa tariffs, policies, contracts --------------------------------------------------------------------------
def _ensure_nza_tariffs(year: int, actor) -> None:
    existing = set(NzaMaxTariff.objects.filter(year=year).values_list("module__code", flat=True))
    for module in Module.objects.filter(has_nza_max=True, code__in=NZA_MAX).exclude(code__in=existing):
        nza_tariff_set(actor=actor, module=module, year=year, max_tariff=indexed(NZA_MAX[module.code], year))


def _ensure_policy(spec: InsurerSpec, insurer: Insurer, year: int, term_years: int, clock: YearClock,
                   actor) -> None:
    texts = policy_texts(spec, PROFILES[spec.key], year, term_years)
    policy = PurchasingPolicy.objects.filter(insurer=insurer, year=year).first()
    latest = policy.versions.order_by("-number").first() if policy else None
    published = latest.number if latest else 0
    if published >= len(texts) or (latest and latest.body != texts[published - 1][1]):
        return  # done, or the purchaser has written a policy of their own
    deadline = clock.day(MilestoneKind.POLICY_PUBLICATION)
    n = [s.key for s in INSURERS].index(spec.key)
    if spec.key == late_policy_insurer(year):
        moments = [_at(deadline + timedelta(days=9), 10), _at(deadline + timedelta(days=23), 14)]
    else:
        moments = [_at(deadline - timedelta(days=30 + 2 * n), 10), _at(deadline - timedelta(days=4 + n), 14)]
    for (title, body), moment in list(zip(texts, moments, strict=True))[published:]:
        policy = policy_save_draft(actor=actor, insurer=insurer, year=year, title=title, body=body)
        policy_publish(actor=actor, policy=policy, now=moment)


def _module_tariff(module: Module, profile: InsurerProfile, year: int) -> Decimal:
    if module.has_nza_max:
        maximum = NzaMaxTariff.objects.get(module=module, year=year).max_tariff
        return (maximum * profile.s1_share).quantize(CENT, rounding=ROUND_DOWN)
    return (indexed(FREE_TARIFFS[module.code], year) * profile.free_factor).quantize(CENT, rounding=ROUND_HALF_UP)


def _ensure_contract(spec: InsurerSpec, insurer: Insurer, year: int, term_years: int, clock: YearClock,
                     actor) -> tuple[StandardContract, bool]:
    """The insurer's published practice contract for `year`, and whether it was published just now (which sent
    the offers). An existing one is kept, whoever published it."""
    published = StandardContract.objects.filter(insurer=insurer, first_year=year, holder_kind=HolderKind.PRACTICE,
                                                status=StandardContract.Status.PUBLISHED).first()
    if published:
        return published, False
    profile = PROFILES[spec.key]
    years = str(year) if term_years == 1 else f"{year}–{year + term_years - 1}"
    title = f"Standaardcontract huisartsenzorg {spec.short_name} {years}"
    contract = StandardContract.objects.filter(insurer=insurer, first_year=year, holder_kind=HolderKind.PRACTICE,
                                               status=StandardContract.Status.DRAFT, title=title).first()
    moment = _at(clock.day(MilestoneKind.INDIVIDUAL_OFFERS_FINAL) - timedelta(days=profile.days_before_offers_due), 11)
    if contract is None:
        contract = standard_contract_create(actor=actor, insurer=insurer, first_year=year, title=title,
                                            term_years=term_years, conditions=CONTRACT_CONDITIONS, now=moment)
    modules = {m.code: m for m in Module.objects.filter(code__in=BASE_MODULES + profile.extra_modules)}
    for code in BASE_MODULES + profile.extra_modules:
        module = modules[code]
        standard_contract_set_module(
            actor=actor, contract=contract, module=module, tariff=_module_tariff(module, profile, year),
            conditions=MODULE_CONDITIONS.get(code, ""),
            cap_hours=profile.pm_cap if code == "praktijkmanagement" else None)
    return standard_contract_publish(actor=actor, contract=contract, now=moment), True


# --- The signing window -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pick:
    practice: Practice
    insurer_key: str
    slot: int  # 0, 1, 2: the how-manieth pick of its insurer
    order: int  # position among all picks


def cycle_practices() -> list[Pick]:
    """Up to three practices per insurer (as preferent insurer) among the first practices after the demo ones."""
    codes = [practice_agb_code(i) for i in range(DEMO_PRACTICE_COUNT, DEMO_PRACTICE_COUNT + CYCLE_SCAN)]
    found = {p.agb_code: p for p in practices_with_preferent(
        Practice.objects.filter(agb_code__in=codes).select_related("region"))}
    keys = dict(Insurer.objects.filter(name__in=[s.name for s in INSURERS]).values_list("pk", "name"))
    key_by_pk = {pk: next(s.key for s in INSURERS if s.name == name) for pk, name in keys.items()}
    picks: list[Pick] = []
    per_insurer: Counter[str] = Counter()
    for code in codes:
        practice = found.get(code)
        key = key_by_pk.get(practice.preferent_insurer_pk) if practice else None
        if key is None or per_insurer[key] >= CYCLE_PRACTICES_PER_INSURER:
            continue
        picks.append(Pick(practice, key, per_insurer[key], len(picks)))
        per_insurer[key] += 1
        if len(picks) == CYCLE_PRACTICES_PER_INSURER * len(INSURERS):
            break
    return picks


def _ensure_cycle_signatories(picks: Iterable[Pick]) -> dict[int, User]:
    """One signatory with the demo password and a demo authenticator for each picked practice."""
    users = {}
    password_hash = None
    for pick in picks:
        email = cycle_signatory_email(pick.practice.agb_code)
        user = User.objects.filter(email=email).first()
        if user is None:
            # One PBKDF2 run for all of them (as accounts.demo does): the password is published anyway.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create_user(email, password=None, full_name=_demo_full_name(email))
            user.password = password_hash
            user.save(update_fields=["password"])
        if not Membership.objects.filter(user=user, role=Role.PRACTICE_SIGNATORY, practice=pick.practice).exists():
            membership_create(actor=None, user=user, role=Role.PRACTICE_SIGNATORY, organisation=pick.practice)
        TOTPDevice.objects.get_or_create(user=user, name=DEMO_DEVICE_NAME,
                                         defaults={"key": demo_totp_key(email), "confirmed": True})
        users[pick.practice.pk] = user
    return users


@dataclass(frozen=True)
class Outcome:
    kind: str  # "sign", "refuse" or "open"
    at: datetime


def _outcome(pick: Pick, year: int, opens: date) -> Outcome:
    """Two of an insurer's three practices sign; the third signs, refuses or leaves the offer open, by year."""
    insurer_n = [s.key for s in INSURERS].index(pick.insurer_key)
    kind = "sign"
    if pick.slot == 2:
        kind = {0: "refuse", 1: "open"}.get((insurer_n + year) % 4, "sign")
    day = opens + timedelta(days=1 + (pick.order * 5 + year) % 20)
    return Outcome(kind, _at(day, 9 + pick.order % 8, 15 * (pick.order % 4)))


def _modules_to_sign(offer: Offer, rng: random.Random) -> list:
    """The holder's choice: praktijkmanagement and kwaliteit always (a follow request decides on them), the
    other optional modules mostly; hours somewhat below the cap for this practice's size."""
    choice = []
    patients = offer.practice.registered_patients
    for cm in ContractModule.objects.filter(standard_contract=offer.standard_contract).select_related("module"):
        code = cm.module.code
        if cm.mandatory or (code not in ("praktijkmanagement", "kwaliteit") and rng.random() >= 0.7):
            continue
        if needs_hours(cm):
            cap = cap_hours_for(cm, patients)
            if cap is None:  # POH-S: paid per hour actually worked, no cap
                hours = Decimal(rng.choice((4, 8, 12)))
            else:  # in half hours, from 60% of the cap up to the cap
                share = Decimal(rng.randint(60, 100)) / 100
                hours = max((cap * share * 2).to_integral_value(rounding=ROUND_DOWN) / 2, min(cap, HALF_HOUR))
            choice.append({"module": code, "hours": str(hours)})
        else:
            choice.append(code)
    return choice


def _second_insurer(practice: Practice, offer_insurer_id: int) -> int | None:
    """The largest other insurer in the practice's region: the one a practice asks to follow its contract."""
    return (MarketShare.objects.filter(region_id=practice.region_id).exclude(insurer_id=offer_insurer_id)
            .order_by("-share_percent", "insurer__name").values_list("insurer_id", flat=True).first())


def _ask(offer: Offer, asker: User, topic: str, asked_at: datetime, answer_at: datetime, answerer: User | None,
         now: datetime) -> None:
    text, answer = QUESTIONS[topic]
    if asked_at > now or not offer.standard_contract.modules.filter(module__code=topic).exists():
        return
    question = Question.objects.filter(offer=offer, text=text).first()
    if question is None:
        offer_mark_opened(actor=None, offer=offer, now=asked_at - timedelta(hours=2))
        question = question_ask(actor=asker, offer=offer, text=text, now=asked_at)
    if question.answered_at is None and answer_at <= now:
        question_answer(actor=answerer, question=question, answer=answer, now=answer_at)


def _run_signing_window(year: int, clock: YearClock, picks: list[Pick], signatories: dict[int, User],
                        purchasers: dict[int, User], now: datetime) -> None:
    opens = clock.day(MilestoneKind.SIGNING_OPEN)
    follow_due = clock.day(MilestoneKind.FOLLOW_DECISIONS_DUE)
    offers = {o.practice_id: o for o in Offer.objects.filter(
        year=year, reason=Offer.Reason.PREFERENT, practice__in=[p.practice for p in picks],
    ).select_related("standard_contract", "practice")}

    signed = []
    for pick in picks:
        offer = offers.get(pick.practice.pk)
        if offer is None:
            continue
        signatory = signatories[pick.practice.pk]
        outcome = _outcome(pick, year, opens)
        if outcome.kind == "open":
            # Undecided, but with a question to the insurer.
            _ask(offer, signatory, "service-bereikbaarheid", outcome.at, outcome.at + timedelta(days=3),
                 purchasers.get(offer.insurer_id), now)
            continue
        if outcome.at > now:
            continue
        offer_mark_opened(actor=None, offer=offer, now=outcome.at - timedelta(days=1, hours=2))
        offer.refresh_from_db(fields=["status"])
        if outcome.kind == "refuse" and offer.status == Offer.Status.OPEN:
            offer_refuse(actor=signatory, offer=offer, now=outcome.at,
                         reason=REFUSAL_REASONS[pick.order % len(REFUSAL_REASONS)])
        elif outcome.kind == "sign":
            if offer.status == Offer.Status.OPEN:
                rng = random.Random(f"{CYCLE_SEED}:{year}:{pick.practice.agb_code}")
                offer_sign(actor=signatory, offer=offer, now=outcome.at, modules=_modules_to_sign(offer, rng),
                           two_factor_verified=True)
                offer.refresh_from_db(fields=["status"])
            if offer.status == Offer.Status.SIGNED:
                signed.append((outcome.at, pick, offer))

    # Volgen: the earliest signers offer their contract to the region's next largest insurer.
    decisions = [
        (FollowRequest.Status.FOLLOWED, timedelta(days=6), ""),
        (FollowRequest.Status.PARTIAL, timedelta(days=9), PARTIAL_EXPLANATION),
        (FollowRequest.Status.DECLINED, timedelta(days=12), DECLINE_EXPLANATION),
        (FollowRequest.Status.FOLLOWED, None, ""),  # decided only just before 1 January
    ]
    for (signed_at, pick, offer), (decision, after, explanation) in zip(
            sorted(signed, key=lambda row: (row[0], row[1].order))[:FOLLOW_REQUESTS], decisions, strict=False):
        target = _second_insurer(pick.practice, offer.insurer_id)
        requested_at = signed_at + timedelta(days=2)
        if target is None or requested_at > now:
            continue
        request = FollowRequest.objects.filter(offer=offer, insurer_id=target).first()
        if request is None:
            request = follow_requests_create(actor=signatories[pick.practice.pk], offer=offer,
                                             insurers=[Insurer.objects.get(pk=target)], now=requested_at)[0]
        decide_at = requested_at + after if after else _at(follow_due - timedelta(days=2), 11)
        if request.status == FollowRequest.Status.PENDING and decide_at <= now:
            follow_request_decide(actor=purchasers.get(target), follow_request=request, decision=decision,
                                  now=decide_at, explanation=explanation,
                                  not_followed=["praktijkmanagement"] if decision == FollowRequest.Status.PARTIAL
                                  else None)

    # Questions from the demo practices about their (still open) offers: two answered in time, one overdue
    # until the insurer catches up just before the contract year starts.
    demo_offers = {o.practice.agb_code: o for o in Offer.objects.filter(
        year=year, reason=Offer.Reason.PREFERENT, practice__agb_code__in=demo_practice_agb_codes(),
    ).select_related("standard_contract", "practice")}
    askers = {m.practice.agb_code: m.user for m in Membership.objects.filter(
        role=Role.PRACTICE_MEMBER, practice__agb_code__in=demo_offers,
        user__email__regex=r"^medewerker@praktijk[0-9]+\.demo$").select_related("user", "practice")}
    plan = (
        ("poh-ggz", _at(opens + timedelta(days=1), 10, 30), _at(opens + timedelta(days=3), 15)),
        ("praktijkmanagement", _at(opens + timedelta(days=2), 11), _at(opens + timedelta(days=6), 9, 30)),
        ("kwaliteit", _at(opens + timedelta(days=4), 14), _at(follow_due - timedelta(days=1), 10)),
    )
    for agb, (topic, asked_at, answer_at) in zip(demo_practice_agb_codes(), plan, strict=False):
        offer, asker = demo_offers.get(agb), askers.get(agb)
        if offer and asker:
            _ask(offer, asker, topic, asked_at, answer_at, purchasers.get(offer.insurer_id), now)


def _mark_offers_opened(contracts: list[StandardContract], excluded_agb: set[str], now: datetime) -> None:
    """About four in ten practices look at their offer in the weeks after publication (the insurer's signing
    watch: sent, opened, signed), chosen by the last digit of the AGB code so it is deterministic. The same
    write as offer_mark_opened (which has no other effect), but set-based for 50,000 practices."""
    for contract in contracts:
        published = local_date(contract.published_at)
        moments = {str(d): _at(published + timedelta(days=2 + 4 * d), 9 + d) for d in range(4)}
        moments = {digit: moment for digit, moment in moments.items() if moment <= now}
        if not moments:
            continue
        # Chosen here rather than in the UPDATE's WHERE: inside the seed's transaction the planner has no
        # statistics for the rows just inserted, and a join there can pick a plan that takes minutes.
        ids: dict[str, list[int]] = {digit: [] for digit in moments}
        for pk, agb in Offer.objects.filter(standard_contract=contract, opened_at__isnull=True).values_list(
                "pk", "practice__agb_code"):
            if agb[-1] in ids and agb not in excluded_agb:
                ids[agb[-1]].append(pk)
        for digit, moment in moments.items():
            for start in range(0, len(ids[digit]), 5_000):
                Offer.objects.filter(pk__in=ids[digit][start:start + 5_000]).update(opened_at=moment)


# --- Entry point ----------------------------------------------------------------------------------------------
COUNTED = {
    "nza_tariffs": NzaMaxTariff,
    "policy_versions": PolicyVersion,
    "standard_contracts": StandardContract,
    "offers": Offer,
    "signatures": Signature,
    "follow_requests": FollowRequest,
    "questions": Question,
}


def seed_cycle(*, years: Iterable[int], now: datetime) -> dict[str, int]:
    """Run the demo cycle for each contract year, up to `now`. The years' calendars must exist. Returns how
    many of each kind were created (signatory users count as users)."""
    years = sorted(years)
    before = {kind: model.objects.count() for kind, model in COUNTED.items()}
    users_before = User.objects.count()
    with transaction.atomic():
        insurers = {i.name: i for i in Insurer.objects.filter(name__in=[s.name for s in INSURERS])}
        by_email = {u.email: u for u in User.objects.filter(
            email__in=[purchaser_email(s) for s in INSURERS] + ["analist@nza.demo"])}
        purchasers = {insurers[s.name].pk: by_email.get(purchaser_email(s)) for s in INSURERS if s.name in insurers}
        picks = cycle_practices()
        signatories = _ensure_cycle_signatories(picks)
        excluded = set(demo_practice_agb_codes()) | {p.practice.agb_code for p in picks}
        for year in years:
            clock = YearClock(year)
            # A multi-year contract only where no later demo year has its own contract, so that no practice
            # holds two contracts with one insurer for the same year.
            multi_year = year + 1 not in years
            _ensure_nza_tariffs(year, by_email.get("analist@nza.demo"))
            # Publishing sends the offers, but practices seeded since (a larger --practices) have none yet.
            # Counted first: finding every practice's preferent insurer again is slow for 50,000 practices.
            offers_missing = (Offer.objects.filter(year=year, reason=Offer.Reason.PREFERENT).count()
                              < Practice.objects.count())
            contracts = []
            for spec in INSURERS:
                insurer = insurers.get(spec.name)
                if insurer is None:
                    continue
                term_years = PROFILES[spec.key].term_years if multi_year else 1
                actor = purchasers.get(insurer.pk)
                _ensure_policy(spec, insurer, year, term_years, clock, actor)
                contract, just_published = _ensure_contract(spec, insurer, year, term_years, clock, actor)
                if offers_missing and not just_published:
                    offers_create_for_preferent(contract=contract)
                contracts.append(contract)
            _run_signing_window(year, clock, picks, signatories, purchasers, now)
            _mark_offers_opened(contracts, excluded, now)
    created = {kind: model.objects.count() - before[kind] for kind, model in COUNTED.items()}
    created["users"] = User.objects.count() - users_before
    return created


@demo_step("contracting.cycle", order=40)
def _step(ctx: DemoContext) -> dict[str, int]:
    return seed_cycle(years=ctx.years, now=ctx.now)
