"""The signing window of a demo year for the practices without a demo login: each gets a signatory, and its
offer is signed, refused or left undecided as demo.moments decides, at its moment in the window.

Set-based, for 50,000 practices: signatories, module choices, signatures and audit events are written as
plain rows (demo.bulk), and offers are updated in one statement per signing moment. The
signed content is not built here: contracting.services.offers.signature_content builds it, from the
contract's content and modules read once per contract, exactly as offer_sign does for a single offer, and
parse_choice checks each choice against the caps as it does for offer_sign. Refusals go through
offer_mark_opened and offer_refuse (there are few).
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership, Role, User
from contracting.models import ContractModule, ModuleChoice, Offer, PohsArrangement, Signature, StandardContract
from contracting.pricing import cap_hours_for, needs_hours
from contracting.selectors import pohs_data
from contracting.services import offer_mark_opened, offer_refuse, standard_contract_content
from contracting.services.contracts import content_hash
from contracting.services.offers import holder_data, parse_choice, signature_content, signing_policy
from core.audit import audit_event
from core.models import AuditEvent
from providers.models import InsuredCount, Practice

from .bulk import insert_rows
from .moments import REFUSE, SIGN, decision_moment, offer_outcome
from .texts import REFUSAL_REASONS
from .users import _demo_full_name

AUDIT_FIELDS = ("at", "actor", "verb", "object_type", "object_id", "object_repr", "before", "after")

CYCLE_SEED = 20_261_123
HALF_HOUR = Decimal("0.5")
BATCH = 2_000
# A practice that signs or refuses without having opened its offer before opened it this long before.
OPENED_BEFORE = timedelta(days=1)
# Signatories of practices without a demo login cannot log in: they stand for the practices' own people.
NO_LOGIN_PASSWORD = "!demo-signatory-without-login"
SIGNATORY_PREFIX, SIGNATORY_DOMAIN = "tekenbevoegde.", "@praktijk.demo"


def signatory_email(agb_code: str) -> str:
    return f"{SIGNATORY_PREFIX}{agb_code}{SIGNATORY_DOMAIN}"


def _signatory_users() -> dict[str, tuple[int, str]]:
    """e-mail address -> (user id, name) of the practices' own signatories."""
    return {email: (pk, name) for email, pk, name in User.objects.filter(
        email__startswith=SIGNATORY_PREFIX, email__endswith=SIGNATORY_DOMAIN).values_list("email", "pk", "full_name")}


def _signatory_memberships() -> dict[int, tuple[int, int]]:
    """practice id -> (membership id, user id) of the practices' own signatories."""
    return {practice_id: (pk, user_id) for practice_id, pk, user_id in Membership.objects.filter(
        role=Role.PRACTICE_SIGNATORY, user__email__startswith=SIGNATORY_PREFIX,
        user__email__endswith=SIGNATORY_DOMAIN).values_list("practice_id", "pk", "user_id")}


def ensure_signatories(practices: Iterable[Practice]) -> dict[int, User]:
    """A signatory (tekenbevoegde) for each practice, by practice id: the existing one, else a new user
    without a usable password and a membership, audited as membership_create does. Set-based (plain rows:
    for 50,000 practices the ORM's per-object work would cost more than the database)."""
    practices = {p.pk: p for p in practices}
    memberships = _signatory_memberships()
    missing = [p for pk, p in practices.items() if pk not in memberships]
    users = _signatory_users()
    if missing:
        now = timezone.now()
        new_users = {signatory_email(p.agb_code) for p in missing} - set(users)
        insert_rows(User, ("password", "is_superuser", "email", "full_name", "is_active", "is_staff", "date_joined"),
                    [(NO_LOGIN_PASSWORD, False, email, _demo_full_name(email), True, False, now)
                     for email in sorted(new_users)])
        users = _signatory_users() if new_users else users
        insert_rows(Membership, ("user", "role", "practice", "is_gp", "created_at"),
                    [(users[signatory_email(p.agb_code)][0], Role.PRACTICE_SIGNATORY, p.pk, False, now)
                     for p in missing])
        memberships = _signatory_memberships()
        events = []
        for p in missing:
            email = signatory_email(p.agb_code)
            user = User(pk=users[email][0], email=email, full_name=users[email][1])
            m = Membership(pk=memberships[p.pk][0], user=user, role=Role.PRACTICE_SIGNATORY, practice=p)
            events.append(audit_event(actor=None, verb="accounts.membership.created", obj=m,
                                      after={"user": email, "role": m.role, "practice": str(p)}))
        insert_rows(AuditEvent, AUDIT_FIELDS, audit_rows(events, now))
    names = {pk: (email, name) for email, (pk, name) in users.items()}
    found = {}
    for practice_id in practices:
        if practice_id in memberships:
            user_id = memberships[practice_id][1]
            email, name = names[user_id]
            found[practice_id] = User(pk=user_id, email=email, full_name=name)
    return found


def choice_for(contract_modules: list[ContractModule], patients: int, rng: random.Random) -> list:
    """A practice's module choice: praktijkmanagement and kwaliteit always (follow decisions are about them),
    the other optional modules mostly; hours somewhat below this practice's cap, in half hours. Mandatory
    modules are added by parse_choice, as for every signature."""
    choice = []
    for cm in contract_modules:
        code = cm.module.code
        if cm.mandatory or (code not in ("praktijkmanagement", "kwaliteit") and rng.random() >= 0.7):
            continue
        if needs_hours(cm):
            cap = cap_hours_for(cm, patients)
            if cap is None:  # POH-S: paid per hour actually worked, no cap
                hours = Decimal(rng.choice((4, 8, 12)))
            else:  # from 60% of the cap up to the cap
                share = Decimal(rng.randint(60, 100)) / 100
                hours = max((cap * share * 2).to_integral_value(rounding=ROUND_DOWN) / 2, min(cap, HALF_HOUR))
            choice.append({"module": code, "hours": str(hours)})
        else:
            choice.append(code)
    return choice


def practice_rng(year: int, agb_code: str) -> random.Random:
    return random.Random(f"{CYCLE_SEED}:{year}:{agb_code}")


def contract_modules_of(contract: StandardContract) -> list[ContractModule]:
    return list(contract.modules.select_related("module").order_by("module__segment", "module__sort_order", "pk"))


def audit_rows(events: Iterable[AuditEvent], at: datetime) -> list[tuple]:
    """Audit events built by core.audit.audit_event, as rows for insert_rows (`at`: what auto_now_add sets)."""
    return [(at, e.actor_id, e.verb, e.object_type, e.object_id, e.object_repr, e.before, e.after) for e in events]


def _sign(contract: StandardContract, modules: list[ContractModule], base: dict, policy: dict | None,
          offers: list[Offer], moments: dict[int, datetime], signatories: dict[int, User],
          insured_counts: dict[int, int], pohs: dict[int, dict]) -> None:
    signatures, choices, events = [], [], []
    policy_version_id = (policy or {}).get("id")
    for offer in offers:
        offer.standard_contract = contract  # loaded once: str(offer) and the content need no query
        signer, moment = signatories[offer.practice_id], moments[offer.pk]
        patients = offer.practice.registered_patients
        parsed = parse_choice(modules, patients,
                              choice_for(modules, patients, practice_rng(contract.first_year, offer.practice.agb_code)))
        content, total = signature_content(contract_content=base, chosen=parsed,
                                           holder=holder_data(offer, insured_counts=insured_counts,
                                                              pohs_by_practice=pohs),
                                           offer_id=offer.pk, policy=policy, signed_at=moment, signed_by=signer)
        digest = content_hash(content)
        signatures.append((offer.pk, signer.pk, moment, content, digest, total, policy_version_id))
        choices += [(offer.pk, cm.pk, hours) for cm, hours in parsed]
        if offer.opened_at is None:  # as offer_mark_opened records it (decide_window writes opened_at)
            events.append(audit_event(actor=signer, verb="contracting.offer.opened", obj=offer,
                                      after={"opened_at": moment - OPENED_BEFORE}))
        # As offer_sign records it.
        events.append(audit_event(actor=signer, verb="contracting.offer.signed", obj=offer,
                                  before={"status": Offer.Status.OPEN},
                                  after={"status": Offer.Status.SIGNED, "content_hash": digest}))
    insert_rows(Signature, ("offer", "signed_by", "signed_at", "content", "content_hash", "estimated_amount",
                            "policy_version"), signatures)
    insert_rows(ModuleChoice, ("offer", "contract_module", "hours"), choices)
    insert_rows(AuditEvent, AUDIT_FIELDS, audit_rows(events, timezone.now()))


def decide_window(*, contracts: list[StandardContract], opens: datetime, closes: datetime, now: datetime,
                  excluded: set[int]) -> dict[str, int]:
    """Sign and refuse, for every practice offer of these contracts (one year's) that is still open, whatever
    is due by `now` (demo.moments), except for the practices in `excluded` (those with a scripted story).
    Undecided offers stay open. Returns how many were signed and refused."""
    due: dict[int, tuple[str, datetime]] = {}
    offers: dict[int, Offer] = {}
    for offer in (Offer.objects.filter(standard_contract__in=contracts, status=Offer.Status.OPEN,
                                       practice__isnull=False).select_related("practice").order_by("pk")):
        if offer.practice_id in excluded:
            continue
        outcome = offer_outcome(offer.practice.agb_code)
        if outcome not in (SIGN, REFUSE):
            continue
        moment = decision_moment(offer.practice.agb_code, offer.year, opens, closes)
        if moment <= now:
            due[offer.pk], offers[offer.pk] = (outcome, moment), offer
    if not due:
        return {"signed": 0, "refused": 0}
    signatories = ensure_signatories({o.practice_id: o.practice for o in offers.values()}.values())
    by_moment: dict[datetime, list[int]] = defaultdict(list)
    signed = 0
    # POH-S is estimated net of the care group's part: every arrangement read once.
    pohs = {a.practice_id: pohs_data(a) for a in PohsArrangement.objects.select_related("care_group")}
    for contract in contracts:
        to_sign = [o for pk, o in offers.items() if o.standard_contract_id == contract.pk and due[pk][0] == SIGN]
        if not to_sign:
            continue
        modules, base = contract_modules_of(contract), standard_contract_content(contract)
        policy = signing_policy(to_sign[0])  # the insurer's for the year: one for all of the contract's offers
        moments = {o.pk: due[o.pk][1] for o in to_sign}
        # The estimates are on the insurer's own insured (one query for all its practices, not one per offer).
        insured = dict(InsuredCount.objects.filter(insurer_id=contract.insurer_id)
                       .values_list("practice_id", "insured"))
        for start in range(0, len(to_sign), BATCH):
            _sign(contract, modules, base, policy, to_sign[start:start + BATCH], moments, signatories, insured,
                  pohs)
        for offer in to_sign:
            by_moment[moments[offer.pk]].append(offer.pk)
        signed += len(to_sign)
    for moment, pks in sorted(by_moment.items()):
        # Signing implies having opened the offer: the day before, for those the watch had not seen (their
        # audit events are written with the signatures).
        for start in range(0, len(pks), BATCH):
            Offer.objects.filter(pk__in=pks[start:start + BATCH]).update(
                status=Offer.Status.SIGNED, decided_at=moment,
                opened_at=Coalesce(F("opened_at"), Value(moment - OPENED_BEFORE)))
    refusals = [(offers[pk], moment) for pk, (outcome, moment) in due.items() if outcome == REFUSE]
    for offer, moment in refusals:
        offer_mark_opened(actor=signatories[offer.practice_id], offer=offer, now=moment - OPENED_BEFORE)
        offer_refuse(actor=signatories[offer.practice_id], offer=offer, now=moment,
                     reason=REFUSAL_REASONS[int(offer.practice.agb_code) % len(REFUSAL_REASONS)])
    return {"signed": signed, "refused": len(refusals)}
