"""Offers: opening, module choice within caps, signing inside the GCP window, refusal, expiry."""

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.notices import N_, day, moment
from core.audit import audit_event, audit_record
from core.errors import ConflictError, Forbidden, PortalError
from core.models import AuditEvent
from core.numbers import count, plural_n
from core.numbers import hours as hours_text

from ..calendar import last_day, local_date
from ..models import ContractModule, HolderKind, ModuleChoice, Offer, Signature
from ..pricing import (
    POHS_CODE,
    amount_base,
    cap_hours_for,
    check_hours,
    estimated_amount,
    needs_hours,
    pohs_net,
    pohs_terms_of,
)
from ..selectors import holder_insured, holder_pohs, latest_policy_version, policy_version_ref, signing_window
from .contracts import content_hash, standard_contract_content
from .negotiation import negotiation_mark_signed, offer_agreement
from .register import register_add_offer


def _window(year: int, holder_kind: str = HolderKind.PRACTICE) -> tuple[datetime, datetime]:
    window = signing_window(year, holder_kind)
    if window is None:
        raise ConflictError("no_contract_year", _("Contractjaar %(year)s heeft nog geen kalender.") % {"year": year})
    return window


def check_signing_window(year: int, now: datetime, holder_kind: str = HolderKind.PRACTICE) -> None:
    """Signing is possible inside the year's window for this kind of holder (practices 1 October to the end of
    7 November; care groups until the end of 1 October: selectors.signing_window)."""
    opens, closes = _window(year, holder_kind)
    # The days as the year's calendar has them (an administrator may have moved them), in the reader's notation.
    if now < opens:
        raise ConflictError("signing_window_not_open",
                            _("Ondertekenen kan vanaf %(opens)s.")
                            % {"opens": formats.date_format(local_date(opens), "j F Y")})
    if now >= closes:
        raise ConflictError("signing_window_closed",
                            _("De ondertekentermijn is gesloten: ondertekenen kon tot en met %(last_day)s.")
                            % {"last_day": formats.date_format(last_day(closes), "j F Y")})


def check_signing_not_closed(year: int, now: datetime, holder_kind: str = HolderKind.PRACTICE) -> None:
    """Choosing modules and refusing stay possible until signing closes (before 1 October the practice may
    prepare its choice); afterwards the offer is decided by the GCP calendar, not by a late click."""
    _opens, closes = _window(year, holder_kind)
    if now >= closes:
        raise ConflictError("signing_window_closed",
                            _("De ondertekentermijn is gesloten: dit aanbod kan niet meer worden gewijzigd of "
                              "geweigerd."))


def holder_patients(offer: Offer) -> int:
    if offer.practice_id:
        return offer.practice.registered_patients
    return sum(p.registered_patients for p in offer.care_group.practices.all())


def offer_mark_opened(*, actor, offer: Offer, now: datetime) -> bool:
    """The first time the holder's people open the offer (the insurer's signing watch: sent/opened/signed).
    Anyone else opening it (the insurer, the NZa) changes nothing. Returns whether this was the first time."""
    from ..access import is_holder_member

    if offer.opened_at is not None or (actor is not None and not is_holder_member(actor, offer)):
        return False
    with transaction.atomic():
        if not Offer.objects.filter(pk=offer.pk, opened_at__isnull=True).update(opened_at=now):
            return False
        audit_record(actor=actor, verb="contracting.offer.opened", obj=offer, after={"opened_at": now})
    offer.opened_at = now
    return True


def _parse_choices(offer: Offer, modules) -> list[tuple[ContractModule, Decimal | None]]:
    """Validate a choice against the offer's contract and caps (parse_choice), and refuse a module that needs
    a qualification the holder does not have (qualifications.module_qualification_refusal)."""
    from .qualifications import module_qualification_refusal, qualified_module_ids

    parsed = parse_choice(offer.standard_contract.modules.select_related("module"), holder_patients(offer), modules)
    if any(cm.requires_qualification for cm, _hours in parsed):
        qualified = qualified_module_ids(offer)
        for cm, _hours in parsed:
            refusal = module_qualification_refusal(cm, qualified)
            if refusal is not None:
                raise refusal
    return parsed


def parse_choice(contract_modules, patients: int, modules) -> list[tuple[ContractModule, Decimal | None]]:
    """Validate a list of {"module": code, "hours": n} (or bare codes) against a contract's modules and this
    holder's caps. Pure: the caller loads the contract modules (with their catalogue module) once.
    Raises PortalError 400 with field errors per module; mandatory modules are always included."""
    by_code = {cm.module.code: cm for cm in contract_modules}
    chosen: dict[str, Decimal | None] = {}
    errors: dict[str, list[str]] = {}
    over_cap = False
    for item in modules or []:
        code, hours = (item, None) if isinstance(item, str) else (item.get("module"), item.get("hours"))
        cm = by_code.get(code)
        if cm is None:
            errors[str(code)] = [_("Deze module hoort niet bij dit contract.")]
            continue
        if needs_hours(cm):
            check = check_hours(cm, patients, hours)
            if check.problem == "missing":
                errors[code] = [_("Vul het aantal uren per week in voor %(module)s.") % {"module": cm.module.name}]
                continue
            if check.problem == "over_cap":
                errors[code] = [ngettext("%(module)s: ten hoogste %(cap)s uur per week voor uw %(patients)s "
                                         "patiënten (u koos %(hours)s).",
                                         "%(module)s: ten hoogste %(cap)s uur per week voor uw %(patients)s "
                                         "patiënten (u koos %(hours)s).", plural_n(check.cap))
                                % {"module": cm.module.name, "cap": hours_text(check.cap), "patients": count(patients),
                                   "hours": hours_text(check.typed)}]
                over_cap = True
                continue
            hours = check.hours
        else:
            hours = None
        chosen[code] = hours
    for code, cm in by_code.items():
        if cm.mandatory and code not in chosen and code not in errors:
            if not needs_hours(cm):
                chosen[code] = None
                continue
            # A mandatory hour module left out is signed at the holder's cap; without a cap (paid per hour
            # worked, like POH-S) there is nothing to fill in, and 0 hours would sign it for nothing.
            cap = cap_hours_for(cm, patients)
            if cap is None:
                errors[code] = [_("Vul het aantal uren per week in voor %(module)s.") % {"module": cm.module.name}]
            else:
                chosen[code] = cap
    if errors:
        # The code is decided by what went wrong, not by the wording, which follows the request's language.
        raise PortalError("module_over_cap" if over_cap else "invalid_modules", _("Controleer de gekozen modules."),
                          fields={"modules": errors})
    return [(by_code[code], hours) for code, hours in chosen.items()]


def offer_choose_modules(*, actor, offer: Offer, modules, now: datetime | None = None) -> list[ModuleChoice]:
    """Save the holder's module choice (before signing, until signing closes). Replaces the previous choice;
    audited. Only the holder's people may choose."""
    from ..access import require_holder_member

    require_holder_member(actor, offer)
    check_signing_not_closed(offer.year, now or timezone.now(), offer.holder_kind)
    with transaction.atomic():
        locked = (Offer.objects.select_for_update(of=("self",))
                  .select_related("standard_contract", "practice").get(pk=offer.pk))
        if locked.status != Offer.Status.OPEN:
            raise ConflictError("offer_not_open", _("Dit aanbod is niet meer open."))
        parsed = _parse_choices(locked, modules)
        ModuleChoice.objects.filter(offer=locked).delete()
        rows = ModuleChoice.objects.bulk_create(
            [ModuleChoice(offer=locked, contract_module=cm, hours=hours) for cm, hours in parsed])
        audit_record(actor=actor, verb="contracting.offer.modules_chosen", obj=locked,
                     after={"modules": {cm.module.code: hours for cm, hours in parsed}})
    return rows


def holder_data(offer: Offer, *, insured_counts: dict[int, int] | None = None,
                pohs_by_practice: dict[int, dict] | None = None) -> dict:
    """The holder as a signature records it. `insured_counts` ({practice id: insured} of the offer's insurer)
    and `pohs_by_practice` ({practice id: pohs_data}), when the caller has read them for many offers at once,
    save the queries for the insured count and the POH-S arrangement."""
    holder = offer.holder
    if insured_counts is not None and offer.practice_id:
        insured = insured_counts.get(offer.practice_id)
    else:
        insured = holder_insured(offer)
    if pohs_by_practice is not None:
        pohs = pohs_by_practice.get(offer.practice_id)
    else:
        pohs = holder_pohs(offer)
    return {"kind": "practice" if offer.practice_id else "care_group", "id": holder.pk, "name": holder.name,
            "agb_code": getattr(holder, "agb_code", ""), "kvk_number": holder.kvk_number,
            "registered_patients": holder_patients(offer),
            # The insurer's own insured among them, the base of the estimate; None: not known, all counted.
            "insured": insured,
            # The practice's POH-S arrangement with its care group: POH-S is estimated net of it.
            "pohs": pohs}


def signature_content(*, contract_content: dict, chosen, holder: dict, offer_id: int, policy: dict | None,
                      agreement: dict | None = None, signed_at: datetime | None = None,
                      signed_by=None) -> tuple[dict, Decimal]:
    """The frozen content of a signature and its estimated yearly amount: the one home of what a signature
    holds. Pure (no queries), so one contract's content, modules and policy version serve every holder that
    signs it.

    `contract_content` is standard_contract_content() of the offer's contract, `chosen` the parsed choice
    (parse_choice: (contract module, hours) pairs), `holder` holder_data(), `policy` signing_policy() of the
    offer, `agreement` offer_agreement() for a care group's contract (the agreed terms and the ketenzorg
    estimate; None for a practice). Without `signed_at` and `signed_by` (a user) it is the preview of what
    signing would freeze."""
    patients = amount_base(holder["registered_patients"], holder.get("insured"))
    pohs = pohs_terms_of(holder.get("pohs"))
    chosen_by_code = {cm.module.code: (cm, hours) for cm, hours in chosen}
    total = Decimal("0.00")
    modules = []
    for item in contract_content["modules"]:
        if item["code"] not in chosen_by_code:
            continue
        cm, hours = chosen_by_code[item["code"]]
        amount = estimated_amount(cm, patients, hours)
        extra = {}
        if item["code"] == POHS_CODE and pohs is not None and amount is not None:
            amount, extra = pohs_net(amount, pohs), {"gross_amount": str(amount)}
        total += amount or 0
        modules.append({**item, "hours": str(hours) if hours is not None else None,
                        "estimated_amount": str(amount) if amount is not None else None, **extra})
    content = {
        **contract_content,
        "modules": modules,
        "holder": holder,
        "offer_id": offer_id,
        "estimated_amount": str(total),
        # The purchasing policy the holder signs under; a version published later does not change it.
        "policy": policy,
    }
    if agreement is not None:
        content["agreement"] = agreement
    if signed_at is not None:
        content["signed_at"] = signed_at.isoformat()
        content["signed_by"] = {"id": signed_by.pk, "name": signed_by.get_full_name(), "email": signed_by.email}
    return content, total


def signing_policy(offer: Offer) -> dict | None:
    """The purchasing-policy version an offer is signed under, as the signature records it: the insurer's
    latest for the offer's year (the same for every offer of one contract)."""
    return policy_version_ref(latest_policy_version(offer))


def offer_signed_content(offer: Offer, parsed) -> tuple[dict, Decimal]:
    return signature_content(contract_content=standard_contract_content(offer.standard_contract), chosen=parsed,
                             holder=holder_data(offer), offer_id=offer.pk, policy=signing_policy(offer),
                             agreement=offer_agreement(offer))


def offer_sign_preview(offer: Offer) -> tuple[dict, list[tuple[ContractModule, Decimal | None]]]:
    """What offer_sign would freeze now for the saved choice (without the signing moment and the signer), and
    that choice checked against the caps. Reads only."""
    saved = [{"module": c.contract_module.module.code, "hours": c.hours}
             for c in offer.choices.select_related("contract_module__module")]
    parsed = _parse_choices(offer, saved)
    content, _total = offer_signed_content(offer, parsed)
    return content, parsed


def offer_sign_preview_hash(offer: Offer) -> str | None:
    """The SHA-256 of offer_sign_preview: what a signatory passes as `expected_hash` to sign the saved choice
    exactly as shown. None when the saved choice cannot be signed as it stands (signing says why)."""
    try:
        preview, _parsed = offer_sign_preview(offer)
    except PortalError:
        return None
    return content_hash(preview)


def offer_sign(*, actor, offer: Offer, now: datetime, modules=None, two_factor_verified: bool,
               expected_hash: str | None = None) -> Signature:
    """Sign an offer: only a signatory of the holder with verified two-factor, only inside the signing window
    (checked here, at request time, never trusting the phase a background job set). Freezes the exact content
    with its SHA-256, including the purchasing-policy version in force (also kept as policy_version). The offer
    row is locked, so of two simultaneous requests one signs and the other gets 409 already_signed. `modules`
    None signs the saved choice.

    "You sign what you saw": with `expected_hash` (the content_hash of the preview the signer read, as
    offer_sign_preview builds it, without the signing moment and signer) the content is compared under the
    lock, and if anything changed since (a colleague's module choice, a new policy version) nothing is signed:
    409 content_changed."""
    from ..access import is_holder_signatory

    if not is_holder_signatory(actor, offer):
        raise Forbidden("not_signatory", _("Alleen een tekenbevoegde van de zorgaanbieder kan ondertekenen."))
    if not two_factor_verified:
        raise Forbidden("two_factor_required",
                        _("Ondertekenen vraagt om tweestapsverificatie: bevestig eerst met de code uit uw app."))
    check_signing_window(offer.year, now, offer.holder_kind)
    with transaction.atomic():
        locked = (Offer.objects.select_for_update(of=("self",))
                  .select_related("standard_contract__insurer", "practice", "care_group").get(pk=offer.pk))
        if locked.status == Offer.Status.SIGNED:
            raise ConflictError("already_signed", _("Dit aanbod is al ondertekend."))
        if locked.status != Offer.Status.OPEN:
            raise ConflictError("offer_not_open", _("Dit aanbod is %(status)s.")
                                % {"status": locked.get_status_display().lower()})
        if modules is None:
            saved = {c.contract_module.module.code: c.hours
                     for c in locked.choices.select_related("contract_module__module")}
            modules = [{"module": code, "hours": hours} for code, hours in saved.items()]
        parsed = _parse_choices(locked, modules)
        parts = {"contract_content": standard_contract_content(locked.standard_contract), "chosen": parsed,
                 "holder": holder_data(locked), "offer_id": locked.pk, "policy": signing_policy(locked),
                 "agreement": offer_agreement(locked)}
        if expected_hash is not None:
            preview, _total = signature_content(**parts)  # exactly what offer_sign_preview shows
            if content_hash(preview) != expected_hash:
                raise ConflictError("content_changed",
                                    _("De inhoud van dit contract is gewijzigd sinds u haar las; er is niets "
                                      "ondertekend. Lees de inhoud opnieuw en bevestig dan."))
        ModuleChoice.objects.filter(offer=locked).delete()
        ModuleChoice.objects.bulk_create(
            [ModuleChoice(offer=locked, contract_module=cm, hours=hours) for cm, hours in parsed])
        content, total = signature_content(**parts, signed_at=now, signed_by=actor)
        try:
            signature = Signature.objects.create(
                offer=locked, signed_by=actor, signed_at=now, content=content, content_hash=content_hash(content),
                estimated_amount=total, policy_version_id=(content["policy"] or {}).get("id"))
        except IntegrityError:
            raise ConflictError("already_signed", _("Dit aanbod is al ondertekend."))
        locked.status = Offer.Status.SIGNED
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, verb="contracting.offer.signed", obj=locked,
                     before={"status": Offer.Status.OPEN},
                     after={"status": Offer.Status.SIGNED, "content_hash": signature.content_hash})
        negotiation_mark_signed(offer=locked)
        # Only if an administrator moved the end of signing past a register's publication.
        register_add_offer(offer=locked, insurer_id=locked.insurer_id, now=now)
        _notify_holder_of_signature(locked, signature)
    return signature


def _notify_holder_of_signature(offer: Offer, signature: Signature) -> None:
    """Everyone of the holder hears that the contract was signed, with its content hash (the receipt)."""
    from accounts.models import Membership
    from accounts.services import notify_users

    holder = {"practice_id": offer.practice_id} if offer.practice_id else {"care_group_id": offer.care_group_id}
    notify_users(user_ids=Membership.objects.filter(**holder).values_list("user_id", flat=True),
                 key=f"offer-signed:{offer.pk}",
                 subject=N_("Ondertekend: %(contract)s"),
                 body=N_("%(signer)s heeft het contract van %(insurer)s voor %(holder)s ondertekend op %(moment)s. "
                         "Kenmerk (SHA-256): %(hash)s"),
                 params={"contract": offer.standard_contract.title, "signer": signature.signed_by.get_full_name(),
                         "insurer": offer.standard_contract.insurer.name, "holder": offer.holder.name,
                         "moment": moment(signature.signed_at), "hash": signature.content_hash},
                 url=reverse("offers:receipt", args=[offer.pk]))


def offer_refuse(*, actor, offer: Offer, now: datetime, reason: str = "") -> Offer:
    """Refuse an open offer (signatory only). Refusing a refused offer again changes nothing."""
    from ..access import is_holder_signatory

    if not is_holder_signatory(actor, offer):
        raise Forbidden("not_signatory", _("Alleen een tekenbevoegde van de zorgaanbieder kan weigeren."))
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        if locked.status == Offer.Status.REFUSED:
            return locked
        check_signing_not_closed(locked.year, now, locked.holder_kind)
        if locked.status != Offer.Status.OPEN:
            raise ConflictError("offer_not_open", _("Dit aanbod is %(status)s.")
                                % {"status": locked.get_status_display().lower()})
        locked.status = Offer.Status.REFUSED
        locked.decided_at = now
        locked.refusal_reason = (reason or "").strip()
        locked.save(update_fields=["status", "decided_at", "refusal_reason"])
        audit_record(actor=actor, verb="contracting.offer.refused", obj=locked, before={"status": "open"},
                     after={"status": "refused", "reason": locked.refusal_reason})
    return locked


def offer_ask_signatories(*, actor, offer: Offer, now: datetime) -> tuple[list, int]:
    """A member who may not sign asks the holder's signatories to sign this open offer before signing closes.
    Once per member and offer, so asking again floods nobody's inbox. Returns (the signatories, how many
    were newly notified); no signatories: nobody to ask, nothing happens."""
    from accounts.services import notify_users

    from ..access import require_holder_member
    from ..selectors import holder_signatories

    require_holder_member(actor, offer)
    if offer.status != Offer.Status.OPEN:
        raise ConflictError("offer_not_open", _("Dit aanbod is %(status)s.")
                            % {"status": offer.get_status_display().lower()})
    check_signing_not_closed(offer.year, now, offer.holder_kind)
    signatories = holder_signatories(offer)
    if not signatories:
        return [], 0
    _opens, closes = _window(offer.year, offer.holder_kind)
    with transaction.atomic():
        sent = notify_users(
            user_ids=[m.user_id for m in signatories], key=f"offer-sign-request:{offer.pk}:{actor.pk}",
            subject=N_("Verzoek om te ondertekenen: %(contract)s"),
            body=N_("%(member)s vraagt u het contract van %(insurer)s voor %(holder)s te ondertekenen. "
                    "Ondertekenen kan tot en met %(last_day)s."),
            params={"contract": offer.standard_contract.title, "member": actor.get_full_name(),
                    "insurer": offer.insurer.name, "holder": offer.holder.name,
                    "last_day": day(last_day(closes))},
            url=reverse("offers:sign", args=[offer.pk]))
        if sent:
            audit_record(actor=actor, verb="contracting.offer.signatories_asked", obj=offer,
                         after={"notified": sent})
    return signatories, sent


EXPIRE_BATCH = 2000  # offers per UPDATE and audit INSERT: at national scale some 50,000 expire at once


def offers_expire(*, year: int, effective_at: datetime, holder_kind: str = HolderKind.PRACTICE) -> int:
    """When signing closes for `holder_kind` (practices: the end of 7 November; care groups: the end of
    1 October), every offer of `year` to that kind of holder still open expires (the holder is then not
    contracted by that insurer for the year), each with an audit event. The open offers are locked (a
    signature that is being written either commits first, and its offer is no longer open, or waits), then
    audited and updated in batches (bounded memory at national scale), all in one transaction. Safe to repeat:
    an expired offer is not open."""
    holder = "practice" if holder_kind == HolderKind.PRACTICE else "care_group"
    with transaction.atomic():
        ids = list(Offer.objects.select_for_update(of=("self",))
                   .filter(year=year, status=Offer.Status.OPEN, **{f"{holder}__isnull": False})
                   .order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), EXPIRE_BATCH):
            batch = ids[start:start + EXPIRE_BATCH]
            # What the audit row names the offer by (its str: contract title and holder).
            offers = (Offer.objects.filter(pk__in=batch).select_related("standard_contract", holder)
                      .only("pk", "practice", "care_group", "standard_contract__title", f"{holder}__name",
                            *(["practice__agb_code"] if holder == "practice" else [])))
            AuditEvent.objects.bulk_create([
                audit_event(actor=None, verb="contracting.offer.expired", obj=offer,
                            before={"status": Offer.Status.OPEN},
                            after={"status": Offer.Status.EXPIRED, "effective_at": effective_at})
                for offer in offers])
            Offer.objects.filter(pk__in=batch).update(status=Offer.Status.EXPIRED, decided_at=effective_at)
    return len(ids)
