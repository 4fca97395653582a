"""Addenda to a signed contract: proposed by a purchaser of the offer's insurer, accepted (signed with
two-factor, the content frozen with its SHA-256) or refused with a reason by the holder's signatory, or
withdrawn by the insurer while still proposed. A signed contract itself is never edited; only an accepted
addendum changes what it says (selectors.contract_terms)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.notices import N_, day, label
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError

from ..models import ContractAddendum, Offer, Signature, Unit
from ..pricing import TENTH, parse_hours
from ..selectors.addenda import contract_term, contract_terms
from .contracts import MAX_TARIFF, content_hash

CENT = Decimal("0.01")
HOURS_IN_WEEK = Decimal("168")
TITLE_MAX = 200
TEXT_MAX = 20000


# --- Checking a proposal --------------------------------------------------------------------------------
def _parse_tariff(raw) -> tuple[Decimal | None, str | None, str | None]:
    """A tariff in euros as typed or sent ("12,50", "12.50", 12.5): (value, None, None), or (None, the
    error code, the problem) where the code is negative_tariff or invalid_changes."""
    if raw in (None, ""):
        return None, None, None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        return None, "invalid_changes", _("Geef een bedrag in euro's, bijvoorbeeld 12,50.")
    if value < 0:
        return None, "negative_tariff", _("Een tarief kan niet negatief zijn.")
    if value > MAX_TARIFF:  # before quantize: '1e30' has more digits than a Decimal context holds
        return None, "invalid_changes", _("Dit tarief is te hoog.")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        return None, "invalid_changes", _("Een tarief heeft ten hoogste twee decimalen.")
    return value.quantize(CENT), None, None


def parse_changes(signed_modules: list[dict], changes) -> list[dict]:
    """Check `changes` ([{"module": code, "tariff": ..., "hours": ...}]) against the modules of the signed
    contract and return them normalised (tariff and hours as strings or None). Pure. Raises PortalError 400
    with the problem per module in `fields["changes"]`: code unknown_module (a module the contract does not
    hold), negative_tariff, or invalid_changes."""
    if changes in (None, ""):
        return []
    if not isinstance(changes, list | tuple):
        raise PortalError("invalid_changes", _("Controleer de wijzigingen per module."),
                          fields={"changes": {"": [_("Geef een lijst van wijzigingen per module.")]}})
    by_code = {m["code"]: m for m in signed_modules}
    errors: dict[str, list[str]] = {}
    codes: set[str] = set()
    parsed = []
    unknown = negative = False
    for index, item in enumerate(changes):
        if not isinstance(item, dict):
            errors[str(index)] = [_("Geef per wijziging een module met een tarief of uren.")]
            continue
        code = str(item.get("module") or "")
        module = by_code.get(code)
        if module is None:
            errors[code or str(index)] = [_("Deze module hoort niet bij dit contract.")]
            unknown = True
            continue
        if code in codes:
            errors[code] = [_("Deze module staat twee keer in de wijzigingen.")]
            continue
        codes.add(code)
        problems = []
        tariff, error_code, problem = _parse_tariff(item.get("tariff"))
        if problem:
            problems.append(problem)
            negative = negative or error_code == "negative_tariff"
        hours = None
        raw_hours = item.get("hours")
        if raw_hours not in (None, ""):
            if module["unit"] != Unit.PER_WEEKLY_HOUR_YEAR:
                problems.append(_("Deze module wordt niet per uur vergoed."))
            else:
                hours = parse_hours(raw_hours)
                if hours is None or hours > HOURS_IN_WEEK:
                    problems.append(_("Geef een positief aantal uren per week, bijvoorbeeld 7,5."))
                    hours = None
                else:
                    hours = hours.quantize(TENTH, rounding=ROUND_HALF_UP)
        if not problems and tariff is None and hours is None:
            problems.append(_("Geef een nieuw tarief of een nieuw aantal uren."))
        if problems:
            errors[code] = problems
            continue
        parsed.append({"module": code, "tariff": str(tariff) if tariff is not None else None,
                       "hours": str(hours) if hours is not None else None})
    if errors:
        code = "unknown_module" if unknown else "negative_tariff" if negative else "invalid_changes"
        raise PortalError(code, _("Controleer de wijzigingen per module."), fields={"changes": errors})
    return parsed


def _parse_date(raw) -> date:
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise PortalError("invalid_effective_from", _("Geef een geldige ingangsdatum."),
                          fields={"effective_from": [_("Geef een datum, bijvoorbeeld 2027-07-01.")]}) from None


def _check_in_term(offer: Offer, effective_from: date) -> None:
    first, last = contract_term(offer)
    if not first <= effective_from <= last:
        detail = _("De ingangsdatum moet binnen de looptijd van het contract liggen: van %(first)s tot en met "
                   "%(last)s.") % {"first": formats.date_format(first, "j F Y"),
                                   "last": formats.date_format(last, "j F Y")}
        raise PortalError("effective_from_outside_term", detail, fields={"effective_from": [detail]})


# --- What is signed ---------------------------------------------------------------------------------------
def addendum_content(addendum: ContractAddendum, signature: Signature, terms: list[dict], *,
                     signed_at: datetime | None = None, signed_by=None) -> dict:
    """The content of an addendum as its signatory reads and signs it: the addendum, the contract it changes
    (with that contract's own signature hash) and, per changed module, the terms before (contract_terms for
    the year it takes effect, so earlier addenda included) and after. Pure. Without `signed_at` and
    `signed_by` it is the preview whose SHA-256 the signatory passes as `expected_hash`."""
    before = {line["code"]: line for line in terms}
    signed = signature.content
    changes = []
    for change in addendum.changes:
        line = before.get(change["module"], {})
        changes.append({
            "module": change["module"], "name": line.get("name", change["module"]), "unit": line.get("unit"),
            "tariff_before": line.get("tariff"), "tariff": change["tariff"] or line.get("tariff"),
            "hours_before": line.get("hours"),
            "hours": change["hours"] if change["hours"] is not None else line.get("hours"),
        })
    content = {
        "addendum": {
            "id": addendum.pk, "number": addendum.number, "kind": addendum.kind, "title": addendum.title,
            "text": addendum.text, "effective_from": addendum.effective_from.isoformat(),
            "proposed_at": addendum.proposed_at.isoformat(),
            "proposed_by": {"id": addendum.proposed_by_id, "name": addendum.proposed_by.get_full_name()},
        },
        "contract": {
            "offer_id": addendum.offer_id, "insurer": signed.get("insurer"), "title": signed.get("title"),
            "years": signed.get("years"), "holder": signed.get("holder"),
            "signature_hash": signature.content_hash,
        },
        "changes": changes,
    }
    if signed_at is not None:
        content["signed_at"] = signed_at.isoformat()
        content["signed_by"] = {"id": signed_by.pk, "name": signed_by.get_full_name(), "email": signed_by.email}
    return content


def addendum_preview(addendum: ContractAddendum) -> dict:
    """What accepting would freeze now (without the signing moment and signer). Reads only."""
    signature = Signature.objects.get(offer_id=addendum.offer_id)
    offer = addendum.offer
    return addendum_content(addendum, signature, contract_terms(offer, addendum.effective_from.year,
                                                                signature=signature))


def addendum_preview_hash(addendum: ContractAddendum) -> str:
    return content_hash(addendum_preview(addendum))


# --- State ------------------------------------------------------------------------------------------------
def _check_open(addendum: ContractAddendum) -> None:
    if addendum.status == ContractAddendum.Status.PROPOSED:
        return
    if addendum.status == ContractAddendum.Status.ACCEPTED:
        raise ConflictError("addendum_already_accepted", _("Dit addendum is al ondertekend."))
    if addendum.status == ContractAddendum.Status.REFUSED:
        raise ConflictError("addendum_not_open", _("Dit addendum is geweigerd; er kan niets meer mee."))
    raise ConflictError("addendum_not_open", _("Dit addendum is ingetrokken; er kan niets meer mee."))


def _lock(addendum: ContractAddendum) -> tuple[Offer, ContractAddendum]:
    """The offer, then the addendum (parents before children), locked and read again."""
    offer = (Offer.objects.select_for_update(of=("self",))
             .select_related("standard_contract", "insurer", "practice", "care_group").get(pk=addendum.offer_id))
    locked = (ContractAddendum.objects.select_for_update(of=("self",)).select_related("proposed_by")
              .get(pk=addendum.pk))
    locked.offer = offer
    return offer, locked


def _holder_user_ids(offer: Offer):
    from accounts.models import Membership

    holder = {"practice_id": offer.practice_id} if offer.practice_id else {"care_group_id": offer.care_group_id}
    return Membership.objects.filter(**holder).values_list("user_id", flat=True)


def _purchaser_user_ids(offer: Offer):
    from accounts.models import Membership, Role

    return Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=offer.insurer_id).values_list(
        "user_id", flat=True)


def _params(addendum: ContractAddendum, offer: Offer) -> dict:
    return {"title": addendum.title, "number": addendum.number, "contract": offer.standard_contract.title,
            "insurer": offer.insurer.name, "holder": offer.holder.name, "kind": label(addendum.get_kind_display()),
            "effective_from": day(addendum.effective_from)}


# --- Services ---------------------------------------------------------------------------------------------
def addendum_propose(*, actor, offer: Offer, kind: str, title: str, text: str, changes, effective_from,
                     now: datetime | None = None, exception_clause: bool = False) -> ContractAddendum:
    """A purchaser of the offer's insurer proposes a change to the signed contract. `changes` is checked
    against the signed modules (parse_changes), `effective_from` must lie inside the contract's term. Locks
    the offer (numbers are given out one at a time). Proposing the same again while it is still proposed (a
    double click, a retried request) gives the same addendum. The holder's people are notified."""
    from ..access import require_insurer_purchaser

    require_insurer_purchaser(actor, offer.insurer_id)
    now = now or timezone.now()
    if kind not in ContractAddendum.Kind.values:
        raise PortalError("invalid_kind", _("Kies de soort addendum."),
                          fields={"kind": [_("Kies maatwerk of een tussentijdse aanpassing.")]})
    # A mid-term adjustment has its own rules (the exception clause, yearly, the cycle for the change): it is
    # proposed through services.adjustments.adjustment_propose, which passes exception_clause=True.
    if kind == ContractAddendum.Kind.ADJUSTMENT and not exception_clause:
        raise ConflictError("adjustment_via_exception_clause",
                            _("Een tussentijdse aanpassing loopt via de aanpassingsclausule van het "
                              "meerjarencontract: stel haar voor als tussentijdse aanpassing, met de grond en het "
                              "jaar waarin zij ingaat."), fields={"kind": [_("Kies maatwerk.")]})
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Verplicht.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Ten hoogste %(n)s tekens.") % {"n": TITLE_MAX}]
    if not text:
        errors["text"] = [_("Verplicht.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("Ten hoogste %(n)s tekens.") % {"n": TEXT_MAX}]
    if errors:
        raise PortalError("invalid", _("Geef het addendum een titel en een tekst."), fields=errors)
    effective_from = _parse_date(effective_from)
    with transaction.atomic():
        locked = (Offer.objects.select_for_update(of=("self",))
                  .select_related("standard_contract", "insurer", "practice", "care_group").get(pk=offer.pk))
        if locked.status != Offer.Status.SIGNED:
            raise ConflictError("offer_not_signed", _("Alleen een ondertekend contract kan een addendum krijgen."))
        _check_in_term(locked, effective_from)
        signature = Signature.objects.only("content").get(offer=locked)
        parsed = parse_changes(signature.content["modules"], changes)
        same = ContractAddendum.objects.filter(
            offer=locked, status=ContractAddendum.Status.PROPOSED, kind=kind, title=title, text=text,
            effective_from=effective_from, changes=parsed).first()
        if same is not None:
            return same
        number = (ContractAddendum.objects.filter(offer=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        addendum = ContractAddendum.objects.create(
            offer=locked, number=number, kind=kind, title=title, text=text, changes=parsed,
            effective_from=effective_from, proposed_by=actor, proposed_at=now)
        audit_record(actor=actor, verb="contracting.addendum.proposed", obj=addendum,
                     after={"offer": locked.pk, "number": number, "kind": kind, "changes": parsed,
                            "effective_from": effective_from})
        from accounts.services import notify_users

        notify_users(user_ids=_holder_user_ids(locked), key=f"addendum-proposed:{addendum.pk}",
                     subject=N_("Addendum ter ondertekening: %(title)s"),
                     body=N_("%(insurer)s stelt een addendum voor op het contract %(contract)s van %(holder)s "
                             "(%(kind)s, geldt vanaf %(effective_from)s). Een tekenbevoegde kan het lezen en "
                             "ondertekenen of weigeren."),
                     params=_params(addendum, locked), url=reverse("offers:addendum", args=[addendum.pk]))
    return addendum


def addendum_accept(*, actor, addendum: ContractAddendum, code: str, expected_hash: str | None = None,
                    now: datetime | None = None) -> ContractAddendum:
    """The holder's signatory signs a proposed addendum with a code from the authenticator app. The content
    (addendum_content) is frozen with its SHA-256 and from then on counts in contract_terms.

    "You sign what you saw": with `expected_hash` (the hash of addendum_preview the signatory read) the
    content is compared under the lock, and if it changed (an earlier addendum signed meanwhile changes the
    terms before) nothing is signed: 409 content_changed. The state and the hash are first checked without
    the lock, so an addendum that cannot be signed spends no code; the code is checked (and a wrong one
    committed to the throttle) outside the transaction, then everything again under the locks of the offer
    and the addendum. Accepting an accepted addendum is 409 addendum_already_accepted and changes nothing."""
    from accounts.otp import totp_verify

    from ..access import is_holder_signatory

    offer = addendum.offer
    if not is_holder_signatory(actor, offer):
        raise Forbidden("not_signatory", _("Alleen een tekenbevoegde van de zorgaanbieder kan een addendum "
                                           "ondertekenen."))
    now = now or timezone.now()
    fresh = ContractAddendum.objects.select_related("offer", "proposed_by").get(pk=addendum.pk)
    _check_open(fresh)
    if fresh.kind == ContractAddendum.Kind.ADJUSTMENT:
        # A mid-term adjustment is accepted by the end of its year's signing, checked here at request time
        # (the sweep that withdraws it afterwards may run a little later).
        from .adjustments import adjustment_accept_refusal

        refusal = adjustment_accept_refusal(fresh, now)
        if refusal is not None:
            raise refusal
    changed = ConflictError("content_changed", _("De inhoud van dit addendum is gewijzigd sinds u het las; er is "
                                                 "niets ondertekend. Lees de inhoud opnieuw en bevestig dan."))
    if expected_hash is not None and addendum_preview_hash(fresh) != expected_hash:
        raise changed
    totp_verify(user=actor, code=code, purpose="signing")
    with transaction.atomic():
        offer, locked = _lock(addendum)
        _check_open(locked)
        signature = Signature.objects.get(offer=offer)
        terms = contract_terms(offer, locked.effective_from.year, signature=signature)
        if expected_hash is not None and content_hash(addendum_content(locked, signature, terms)) != expected_hash:
            raise changed
        content = addendum_content(locked, signature, terms, signed_at=now, signed_by=actor)
        locked.status = ContractAddendum.Status.ACCEPTED
        locked.decided_by, locked.decided_at = actor, now
        locked.content, locked.content_hash = content, content_hash(content)
        locked.save(update_fields=["status", "decided_by", "decided_at", "content", "content_hash"])
        audit_record(actor=actor, verb="contracting.addendum.accepted", obj=locked,
                     before={"status": ContractAddendum.Status.PROPOSED},
                     after={"status": ContractAddendum.Status.ACCEPTED, "content_hash": locked.content_hash})
        from accounts.services import notify_users

        notify_users(user_ids=_purchaser_user_ids(offer), key=f"addendum-accepted:{locked.pk}",
                     subject=N_("Addendum ondertekend: %(title)s"),
                     body=N_("%(holder)s heeft addendum %(number)s op %(contract)s ondertekend; het geldt vanaf "
                             "%(effective_from)s."),
                     params=_params(locked, offer), url=reverse("purchasing:addendum", args=[locked.pk]))
    return locked


def addendum_refuse(*, actor, addendum: ContractAddendum, reason: str,
                    now: datetime | None = None) -> ContractAddendum:
    """The holder's signatory refuses a proposed addendum, with a reason; the contract stays as it was.
    Refusing a refused addendum again changes nothing. The insurer's purchasers are notified."""
    from ..access import is_holder_signatory

    if not is_holder_signatory(actor, addendum.offer):
        raise Forbidden("not_signatory", _("Alleen een tekenbevoegde van de zorgaanbieder kan een addendum "
                                           "weigeren."))
    reason = (reason or "").strip()
    if not reason:
        raise PortalError("reason_required", _("Geef een reden waarom u het addendum weigert."),
                          fields={"reason": [_("Verplicht.")]})
    now = now or timezone.now()
    with transaction.atomic():
        offer, locked = _lock(addendum)
        if locked.status == ContractAddendum.Status.REFUSED:
            return locked
        _check_open(locked)
        locked.status = ContractAddendum.Status.REFUSED
        locked.decided_by, locked.decided_at, locked.refusal_reason = actor, now, reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        audit_record(actor=actor, verb="contracting.addendum.refused", obj=locked,
                     before={"status": ContractAddendum.Status.PROPOSED},
                     after={"status": ContractAddendum.Status.REFUSED, "reason": reason})
        from accounts.services import notify_users

        notify_users(user_ids=_purchaser_user_ids(offer), key=f"addendum-refused:{locked.pk}",
                     subject=N_("Addendum geweigerd: %(title)s"),
                     body=N_("%(holder)s heeft addendum %(number)s op %(contract)s geweigerd. Reden: %(reason)s"),
                     params={**_params(locked, offer), "reason": reason},
                     url=reverse("purchasing:addendum", args=[locked.pk]))
    return locked


def addendum_withdraw(*, actor, addendum: ContractAddendum, now: datetime | None = None) -> ContractAddendum:
    """A purchaser of the offer's insurer withdraws an addendum that is still proposed. Withdrawing again
    changes nothing; a signed or refused addendum cannot be withdrawn (409)."""
    from ..access import require_insurer_purchaser

    require_insurer_purchaser(actor, addendum.offer.insurer_id)
    now = now or timezone.now()
    with transaction.atomic():
        offer, locked = _lock(addendum)
        if locked.status == ContractAddendum.Status.WITHDRAWN:
            return locked
        _check_open(locked)
        locked.status = ContractAddendum.Status.WITHDRAWN
        locked.decided_by, locked.decided_at = actor, now
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(actor=actor, verb="contracting.addendum.withdrawn", obj=locked,
                     before={"status": ContractAddendum.Status.PROPOSED},
                     after={"status": ContractAddendum.Status.WITHDRAWN})
        from accounts.services import notify_users

        notify_users(user_ids=_holder_user_ids(offer), key=f"addendum-withdrawn:{locked.pk}",
                     subject=N_("Addendum ingetrokken: %(title)s"),
                     body=N_("%(insurer)s heeft addendum %(number)s op %(contract)s ingetrokken; het contract "
                             "blijft zoals het was."),
                     params=_params(locked, offer), url=reverse("offers:addendum", args=[locked.pk]))
    return locked
