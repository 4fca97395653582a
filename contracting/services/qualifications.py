"""Qualification (uitvraag): a standard contract offered only to holders that qualified, or a module that
only a qualified holder may choose.

The answers come from a questionnaire outside this app, handed over as plain data; this module knows nothing
of how they were asked. The rules, each with one home:
- which contracts and modules can be qualified for, and by whom: qualification_submit_refusal;
- when a decision can be taken: qualification_decide_refusal;
- whether a holder may choose a module: module_qualification_refusal (offer_choose_modules, the sign preview
  and offer_sign all go through offers._parse_choices, which asks it);
- a contract that requires qualification is not offered at publication and cannot be asked for
  (standard_contract_publish, offer_request), only a qualification creates its offer.
"""

import hashlib
import json
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notices import N_
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError

from ..access import is_member_of_holder, require_insurer_purchaser
from ..models import ContractModule, HolderKind, Offer, Qualification, StandardContract
from .contracts import contract_year_refusal

MAX_ANSWERS = 500  # a questionnaire's answers; more is not a qualification questionnaire
MAX_ANSWER_CHARS = 5000


def answers_hash(answers: list[dict]) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _clean_answers(answers) -> list[dict]:
    """The answers as plain, frozen data: a non-empty list of {"code", "question", "answer"} strings."""
    if not isinstance(answers, list) or not answers or len(answers) > MAX_ANSWERS:
        raise PortalError("answers_required", _("Er zijn geen antwoorden om te beoordelen."),
                          fields={"answers": [_("Beantwoord de vragen.")]})
    cleaned = []
    for item in answers:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "question", "answer")):
            raise PortalError("invalid_answers", _("De antwoorden zijn onleesbaar en zijn niet opgeslagen."),
                              fields={"answers": [_("Onleesbaar.")]})
        if len(item["answer"]) > MAX_ANSWER_CHARS or len(item["question"]) > MAX_ANSWER_CHARS:
            raise PortalError("invalid_answers", _("Een antwoord is te lang (ten hoogste %(n)s tekens).")
                              % {"n": MAX_ANSWER_CHARS}, fields={"answers": [_("Te lang.")]})
        cleaned.append({"code": item["code"][:20], "question": item["question"], "answer": item["answer"]})
    return cleaned


def qualification_target_refusal(contract: StandardContract,
                                 contract_module: ContractModule | None) -> PortalError | None:
    """Why nobody can qualify for `contract` (or its `contract_module`), or None: the contract must be
    published (its content is frozen) and the contract or module must require qualification."""
    if contract_module is not None and contract_module.standard_contract_id != contract.pk:
        return PortalError("module_not_in_contract", _("Deze module hoort niet bij dit contract."),
                           fields={"contract_module": [_("Niet in dit contract.")]})
    if contract.status != StandardContract.Status.PUBLISHED:
        return ConflictError("contract_not_published", _("Dit contract is nog niet gepubliceerd."))
    target = contract_module if contract_module is not None else contract
    if not target.requires_qualification:
        return ConflictError("qualification_not_required",
                             _("Voor dit contract of deze module is geen kwalificatie nodig."))
    return None


def _holder_offer(contract: StandardContract, *, practice_id, care_group_id) -> Offer | None:
    holder = {"practice_id": practice_id} if practice_id else {"care_group_id": care_group_id}
    return Offer.objects.filter(standard_contract=contract, **holder).first()


def qualification_submit_refusal(*, contract: StandardContract, contract_module: ContractModule | None,
                                 practice=None, care_group=None, now: datetime) -> PortalError | None:
    """Why this holder cannot submit answers to qualify for `contract` (or one module of it) at `now`, or
    None. The one home of these checks: qualification_submit raises what this returns, and the pages that
    offer a questionnaire show it instead of the form."""
    refusal = qualification_target_refusal(contract, contract_module)
    if refusal is not None:
        return refusal
    if (practice is None) == (care_group is None):
        return PortalError("holder_required", _("Kies één praktijk of één samenwerkingsverband."))
    holder_kind = HolderKind.PRACTICE if practice is not None else HolderKind.CARE_GROUP
    if holder_kind != contract.holder_kind:
        return ConflictError("contract_not_for_holder",
                             _("Dit contract is niet voor dit soort zorgaanbieder."))
    refusal = contract_year_refusal(contract.first_year, now, holder_kind=contract.holder_kind)
    if refusal is not None:
        return ConflictError("signing_window_closed",
                             _("De ondertekentermijn voor %(year)s is voorbij; kwalificeren kan niet meer.")
                             % {"year": contract.first_year})
    offer = _holder_offer(contract, practice_id=getattr(practice, "pk", None),
                          care_group_id=getattr(care_group, "pk", None))
    if contract_module is None and offer is not None:
        return ConflictError("already_offered", _("U heeft dit contract al aangeboden gekregen."))
    if contract_module is not None and (offer is None or offer.status != Offer.Status.OPEN):
        return ConflictError("no_open_offer",
                             _("Kwalificeren voor %(module)s kan zodra u een open aanbod van dit contract heeft.")
                             % {"module": contract_module.module.name})
    return None


def qualification_submit(*, actor, contract: StandardContract, contract_module: ContractModule | None = None,
                         practice=None, care_group=None, answers, source: str = "",
                         now: datetime | None = None) -> Qualification:
    """The holder's answers to qualify for `contract` (or one module of it), frozen with their SHA-256, waiting
    for the insurer. Only the holder's people (actor None: the system). While it waits, submitting again
    replaces the answers (the same answers again change nothing); once decided it is final: 409.
    Locks the contract row, so two submissions of one holder make one qualification."""
    now = now or timezone.now()
    if actor is not None and not is_member_of_holder(actor, practice_id=getattr(practice, "pk", None),
                                                     care_group_id=getattr(care_group, "pk", None)):
        raise Forbidden("not_holder_member", _("Alleen medewerkers van de zorgaanbieder kunnen dit doen."))
    cleaned = _clean_answers(answers)
    digest = answers_hash(cleaned)
    with transaction.atomic():
        locked = StandardContract.objects.select_for_update().get(pk=contract.pk)
        holder = {"practice": practice} if practice is not None else {"care_group": care_group}
        existing = Qualification.objects.filter(standard_contract=locked, contract_module=contract_module,
                                                **holder).first()
        if existing is not None and existing.status != Qualification.Status.PENDING:
            raise ConflictError("qualification_decided",
                                _("Hierover is al beslist (%(status)s); de antwoorden liggen vast.")
                                % {"status": existing.get_status_display().lower()})
        if existing is not None and existing.answers_hash == digest:
            return existing
        refusal = qualification_submit_refusal(contract=locked, contract_module=contract_module, practice=practice,
                                               care_group=care_group, now=now)
        if refusal is not None:
            raise refusal
        if existing is None:
            qualification = Qualification.objects.create(
                standard_contract=locked, contract_module=contract_module, insurer_id=locked.insurer_id,
                year=locked.first_year, answers=cleaned, answers_hash=digest, source=source[:100],
                submitted_by=actor if getattr(actor, "pk", None) else None, submitted_at=now, **holder)
            audit_record(actor=actor, verb="contracting.qualification.submitted", obj=qualification,
                         after={"answers_hash": digest, "source": source})
            _notify_insurer(qualification)
            return qualification
        before = {"answers_hash": existing.answers_hash}
        existing.answers, existing.answers_hash, existing.submitted_at = cleaned, digest, now
        existing.submitted_by = actor if getattr(actor, "pk", None) else None
        existing.source = source[:100] or existing.source
        existing.save(update_fields=["answers", "answers_hash", "submitted_at", "submitted_by", "source"])
        audit_record(actor=actor, verb="contracting.qualification.resubmitted", obj=existing, before=before,
                     after={"answers_hash": digest})
        return existing


def qualification_decide_refusal(qualification: Qualification, now: datetime) -> PortalError | None:
    """Why the insurer cannot decide on `qualification` at `now`, or None: once the year's signing has closed
    a qualification could lead to nothing (the decision page shows this instead of the form)."""
    if qualification.status != Qualification.Status.PENDING:
        return ConflictError("qualification_decided", _("Hierover is al beslist (%(status)s).")
                             % {"status": qualification.get_status_display().lower()})
    refusal = contract_year_refusal(qualification.year, now,
                                    holder_kind=qualification.standard_contract.holder_kind)
    if refusal is not None:
        return ConflictError("signing_window_closed",
                             _("De ondertekentermijn voor %(year)s is voorbij; beoordelen heeft geen zin meer.")
                             % {"year": qualification.year})
    return None


def qualification_decide(*, actor, qualification: Qualification, qualified: bool, reason: str = "",
                         now: datetime | None = None, by_rule: bool = False) -> Qualification:
    """The insurer qualifies the holder or refuses with a reason (a purchaser of the qualification's insurer;
    actor None with `by_rule`: a rule on the answers decided). Qualifying for the contract creates the holder's
    offer (reason "qualified"); qualifying for a module unlocks it in the holder's offer. The same decision
    twice changes nothing; the other decision after one is 409. The holder's people are notified."""
    now = now or timezone.now()
    require_insurer_purchaser(actor, qualification.insurer_id)
    reason = (reason or "").strip()
    if not qualified and not reason:
        raise PortalError("reason_required", _("Geef een reden waarom de zorgaanbieder niet kwalificeert."),
                          fields={"reason": [_("Verplicht bij niet kwalificeren.")]})
    wanted = Qualification.Status.QUALIFIED if qualified else Qualification.Status.REFUSED
    with transaction.atomic():
        StandardContract.objects.select_for_update().get(pk=qualification.standard_contract_id)
        locked = (Qualification.objects.select_for_update(of=("self",))
                  .select_related("standard_contract__insurer", "contract_module__module", "practice", "care_group")
                  .get(pk=qualification.pk))
        if locked.status == wanted:
            return locked
        refusal = qualification_decide_refusal(locked, now)
        if refusal is not None:
            raise refusal
        offer = None
        if qualified:
            offer = _holder_offer(locked.standard_contract, practice_id=locked.practice_id,
                                  care_group_id=locked.care_group_id)
            if locked.contract_module_id is None and offer is None:
                holder = locked.holder
                offer = Offer.objects.create(
                    standard_contract=locked.standard_contract, practice=locked.practice,
                    care_group=locked.care_group, year=locked.year, insurer_id=locked.insurer_id,
                    region_id=holder.region_id, reason=Offer.Reason.QUALIFIED)
                audit_record(actor=actor, verb="contracting.offer.created_on_qualification", obj=offer,
                             after={"qualification": locked.pk})
            if locked.contract_module_id is not None and (offer is None or offer.status != Offer.Status.OPEN):
                raise ConflictError("no_open_offer", _("De zorgaanbieder heeft geen open aanbod van dit contract "
                                                       "meer; de module kan niet worden vrijgegeven."))
        locked.status = wanted
        locked.reason = reason
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = now
        locked.decided_by_rule = by_rule
        locked.offer = offer
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at", "decided_by_rule", "offer"])
        audit_record(actor=actor, verb="contracting.qualification.decided", obj=locked,
                     before={"status": Qualification.Status.PENDING},
                     after={"status": wanted, "reason": reason, "by_rule": by_rule,
                            "offer": offer.pk if offer else None})
        _notify_holder(locked)
    return locked


def qualified_module_ids(offer: Offer) -> set[int]:
    """The contract modules of `offer`'s contract its holder qualified for."""
    holder = {"practice_id": offer.practice_id} if offer.practice_id else {"care_group_id": offer.care_group_id}
    return set(Qualification.objects.filter(standard_contract_id=offer.standard_contract_id,
                                            contract_module__isnull=False, status=Qualification.Status.QUALIFIED,
                                            **holder).values_list("contract_module_id", flat=True))


def module_qualification_refusal(contract_module: ContractModule, qualified_ids: set[int]) -> PortalError | None:
    """Why the holder may not choose `contract_module`, or None: a module that requires qualification needs
    a qualified qualification (`qualified_ids`: qualified_module_ids of the holder's offer)."""
    if not contract_module.requires_qualification or contract_module.pk in qualified_ids:
        return None
    return ConflictError("module_requires_qualification",
                         _("%(module)s kunt u pas kiezen als de zorgverzekeraar u ervoor heeft gekwalificeerd.")
                         % {"module": contract_module.module.name},
                         fields={"modules": {contract_module.module.code: [_("Eerst kwalificeren.")]}})


def _notify_insurer(qualification: Qualification) -> None:
    from accounts.models import Membership, Role
    from accounts.services import notify_users

    notify_users(user_ids=Membership.objects.filter(insurer_id=qualification.insurer_id,
                                                    role=Role.INSURER_PURCHASER).values_list("user_id", flat=True),
                 key=f"qualification-submitted:{qualification.pk}",
                 subject=N_("Uitvraag beantwoord: %(holder)s"),
                 body=N_("%(holder)s heeft de uitvraag voor %(target)s beantwoord en wacht op uw beoordeling."),
                 params={"holder": qualification.holder.name, "target": _target_name(qualification)},
                 url=reverse("purchasing:qualification", args=[qualification.pk]))


def _notify_holder(qualification: Qualification) -> None:
    from accounts.models import Membership
    from accounts.services import notify_users

    holder = ({"practice_id": qualification.practice_id} if qualification.practice_id
              else {"care_group_id": qualification.care_group_id})
    if qualification.status == Qualification.Status.QUALIFIED:
        subject = N_("Gekwalificeerd: %(target)s")
        body = N_("%(insurer)s heeft %(holder)s gekwalificeerd voor %(target)s.")
    else:
        subject = N_("Niet gekwalificeerd: %(target)s")
        body = N_("%(insurer)s heeft %(holder)s niet gekwalificeerd voor %(target)s. Reden: %(reason)s")
    url = (reverse("offers:detail", args=[qualification.offer_id]) if qualification.offer_id
           else reverse("offers:qualification", args=[qualification.pk]))
    notify_users(user_ids=Membership.objects.filter(**holder).values_list("user_id", flat=True),
                 key=f"qualification-decided:{qualification.pk}", subject=subject, body=body,
                 params={"insurer": qualification.standard_contract.insurer.name, "holder": qualification.holder.name,
                         "target": _target_name(qualification), "reason": qualification.reason},
                 url=url)


def _target_name(qualification: Qualification) -> str:
    if qualification.contract_module_id:
        return f"{qualification.contract_module.module.name} ({qualification.standard_contract.title})"
    return qualification.standard_contract.title
