"""Own contract offers (eigen contractaanbod): from 1 February to 1 July a practice or care group proposes its own
terms for contract year Y to an insurer (GCP: "1 februari – 1 juli: partijen overleggen over … eigen
contractaanbod huisartsen"; "ook zorgaanbieders kunnen de zorgverzekeraars een contractaanbod doen als basis
voor verdere onderhandelingen"). The window is the consultation period of contract year Y on the engine's
calendar: from the consultation_start milestone (00:00 on 1 February of Y-1) to the consultation_end milestone
(the end of 1 July), as stored, so an administrator who moves them moves this window too. It is enforced here,
in own_offer_submit, and nowhere else.

The insurer accepts or refuses, refusing always with reasons; its decision is due by the year's definitive
offers (15 September; care groups 15 July), a per-object clock anchored to that milestone. An accepted own offer
becomes a standard contract of that insurer for that one holder (published at acceptance, so the usual checks
apply: NZa maxima, no contract once the year's signing has closed) with an offer (reason own_offer) that the
holder's signatory signs in the signing window like any other. Signed, it is the holder's preferent contract
and is offered to other insurers through the existing follow requests (services.follow)."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.notices import N_, day, label
from accounts.selectors import care_group_ids_of, practice_ids_of
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError
from insurers.models import Insurer

from ..access import require_insurer_purchaser
from ..calendar import MilestoneKind, last_day, local_date
from ..models import (
    TERM_RANGE,
    ContractModule,
    HolderKind,
    Milestone,
    Module,
    Offer,
    OwnOffer,
    OwnOfferLine,
    StandardContract,
)
from ..selectors import offers_deadline_kind
from .clocks import clock_cancel, clock_done, clock_start
from .contracts import _check_tariff, _money, module_holder_refusal, standard_contract_publish

OWN_OFFER_DECISION_CLOCK = {HolderKind.PRACTICE: "contracting.own_offer.decision",
                            HolderKind.CARE_GROUP: "contracting.own_offer.decision_care_group"}
TEXT_LIMIT = 10_000


def own_offer_window(year: int) -> tuple[datetime, datetime] | None:
    """(opens, closes) of contract year `year`'s own-offer window: its consultation period as stored; None for
    a year without a calendar."""
    rows = dict(Milestone.objects.filter(
        contract_year__year=year, kind__in=[MilestoneKind.CONSULTATION_START, MilestoneKind.CONSULTATION_END],
    ).values_list("kind", "due_at"))
    if len(rows) < 2:
        return None
    return rows[MilestoneKind.CONSULTATION_START], rows[MilestoneKind.CONSULTATION_END]


def own_offer_window_refusal(year: int, now: datetime) -> ConflictError | None:
    """Why no own offer for `year` can be made at `now`, or None (the page asks this too)."""
    window = own_offer_window(year)
    if window is None:
        return ConflictError("no_contract_year", _("Contractjaar %(year)s heeft nog geen kalender.") % {"year": year})
    opens, closes = window
    if now < opens:
        return ConflictError("own_offer_window_not_open",
                             _("Een eigen contractaanbod voor %(year)s kan vanaf %(opens)s.")
                             % {"year": year, "opens": formats.date_format(local_date(opens), "j F Y")})
    if now >= closes:
        return ConflictError("own_offer_window_closed",
                             _("Een eigen contractaanbod voor %(year)s kon tot en met %(last_day)s.")
                             % {"year": year, "last_day": formats.date_format(last_day(closes), "j F Y")})
    return None


def _holder_kwargs(actor, practice, care_group) -> dict:
    if (practice is None) == (care_group is None):
        raise ValueError("give exactly one of practice and care_group")
    if practice is not None:
        if actor is not None and practice.pk not in practice_ids_of(actor):
            raise Forbidden("not_holder_member", _("Alleen medewerkers van de zorgaanbieder kunnen dit doen."))
        return {"practice": practice}
    if actor is not None and care_group.pk not in care_group_ids_of(actor):
        raise Forbidden("not_holder_member", _("Alleen medewerkers van de zorgaanbieder kunnen dit doen."))
    return {"care_group": care_group}


def _parse_lines(lines, year: int, holder_kind: str) -> list[tuple[Module, object, str]]:
    """[{"module": code, "tariff": "12.50", "conditions": ""}] against the catalogue: known modules that this kind
    of holder may hold (module_holder_refusal: S2 only for samenwerkingsverbanden), each once, tariffs not
    negative and not above the year's NZa maximum where the NZa has set one."""
    if not lines:
        raise PortalError("modules_required", _("Kies ten minste één module met een tarief."),
                          fields={"lines": [_("Verplicht.")]})
    codes = [str((line or {}).get("module", "")) for line in lines]
    modules = {m.code: m for m in Module.objects.filter(code__in=codes)}
    errors: dict[str, list[str]] = {}
    parsed, seen = [], set()
    for line, code in zip(lines, codes, strict=True):
        module = modules.get(code)
        if module is None:
            errors[code or "?"] = [_("Deze module staat niet in de catalogus.")]
            continue
        if code in seen:
            errors[code] = [_("Deze module staat er twee keer in.")]
            continue
        seen.add(code)
        refusal = module_holder_refusal(module, holder_kind)
        if refusal is not None:
            errors[code] = [refusal.detail]
            continue
        try:
            tariff = _money(line.get("tariff"), "tariff")
            _check_tariff(module, tariff, year)
        except PortalError as exc:
            errors[code] = [exc.detail]
            continue
        parsed.append((module, tariff, str(line.get("conditions") or "").strip()))
    if errors:
        if any(c not in modules for c in errors):
            code = "unknown_module"
        elif any(not modules[c].offerable_to(holder_kind) for c in errors):
            code = "module_not_for_holder"
        else:
            code = "invalid_tariff"
        raise PortalError(code, _("Controleer de modules en tarieven."), fields={"lines": errors})
    return parsed


def own_offer_submit(*, actor, insurer: Insurer, year: int, title: str, text: str, lines, term_years: int = 1,
                     practice=None, care_group=None, now: datetime) -> OwnOffer:
    """A member of the practice or care group proposes its own terms to `insurer` for contract year `year`,
    inside the year's own-offer window (module docstring). Refused: outside the window, no title or text, an
    unknown module or one this kind of holder may not hold, a negative tariff or one above the NZa maximum, a
    term outside 1..5, while an earlier own offer to the same insurer for the year still waits (withdraw it
    first). Submitting the same again while it
    waits gives the same own offer. Starts the insurer's decision clock and tells its purchasers."""
    holder = _holder_kwargs(actor, practice, care_group)
    holder_kind = HolderKind.PRACTICE if practice is not None else HolderKind.CARE_GROUP
    refusal = own_offer_window_refusal(year, now)
    if refusal is not None:
        raise refusal
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise PortalError("title_required", _("Geef uw aanbod een titel."), fields={"title": [_("Verplicht.")]})
    if not text:
        raise PortalError("text_required", _("Beschrijf uw aanbod: wat u biedt en onder welke voorwaarden."),
                          fields={"text": [_("Verplicht.")]})
    if len(text) > TEXT_LIMIT:
        raise PortalError("text_too_long", _("De toelichting is ten hoogste 10.000 tekens."),
                          fields={"text": [_("Te lang.")]})
    if term_years not in TERM_RANGE:
        raise PortalError("invalid_term", _("De looptijd is 1 tot en met 5 jaar."),
                          fields={"term_years": [_("1 tot en met 5.")]})
    parsed = _parse_lines(lines, year, holder_kind)
    content = {"title": title, "text": text, "term_years": term_years,
               "lines": sorted((m.code, str(t), c) for m, t, c in parsed)}
    deadline = Milestone.objects.get(contract_year__year=year, kind=offers_deadline_kind(holder_kind))
    with transaction.atomic():
        Insurer.objects.select_for_update().filter(pk=insurer.pk).first()  # one submission at a time per insurer
        waiting = OwnOffer.objects.filter(insurer=insurer, year=year, status=OwnOffer.Status.SUBMITTED,
                                          **holder).prefetch_related("lines__module").first()
        if waiting is not None:
            if _content(waiting) == content:
                return waiting
            raise ConflictError("own_offer_waiting",
                                _("Uw eerdere eigen aanbod aan %(insurer)s voor %(year)s wacht nog op een besluit; "
                                  "trek het eerst in.") % {"insurer": insurer.name, "year": year})
        own = OwnOffer.objects.create(insurer=insurer, year=year, title=title, text=text, term_years=term_years,
                                      submitted_by=actor, submitted_at=now, **holder)
        OwnOfferLine.objects.bulk_create([OwnOfferLine(own_offer=own, module=m, tariff=t, conditions=c)
                                          for m, t, c in parsed])
        clock_start(actor=actor, obj=own, kind=OWN_OFFER_DECISION_CLOCK[holder_kind], started_at=now,
                    milestone=deadline)
        audit_record(actor=actor, verb="contracting.own_offer.submitted", obj=own,
                     after={"insurer": insurer.pk, "year": year, "lines": content["lines"], "due_at": own.due_at})
    _notify_purchasers(own)
    return own


def _content(own: OwnOffer) -> dict:
    return {"title": own.title, "text": own.text, "term_years": own.term_years,
            "lines": sorted((line.module.code, str(line.tariff), line.conditions) for line in own.lines.all())}


def own_offer_notice_key(own_offer_id: int) -> str:
    return f"own-offer:{own_offer_id}"


def own_offer_decided_notice_key(own_offer_id: int) -> str:
    return f"own-offer-decided:{own_offer_id}"


def _notify_purchasers(own: OwnOffer) -> None:
    from accounts.models import Membership, Role
    from accounts.services import notify_users

    purchasers = Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=own.insurer_id)
    notify_users(user_ids=purchasers.values_list("user_id", flat=True), key=own_offer_notice_key(own.pk),
                 subject=N_("Eigen contractaanbod van %(holder)s"),
                 body=N_("%(holder)s doet een eigen contractaanbod voor %(year)s: ‘%(title)s’. Besluit uiterlijk "
                         "%(last_day)s, en motiveer een afwijzing."),
                 params={"holder": own.holder.name, "year": own.year, "title": own.title,
                         "last_day": day(last_day(own.due_at))},
                 url=reverse("purchasing:own_offer", args=[own.pk]))


def own_offer_withdraw(*, actor, own_offer: OwnOffer, now: datetime) -> OwnOffer:
    """The holder's people withdraw an own offer that still waits for a decision. Withdrawing again changes
    nothing; a decided one cannot be withdrawn."""
    _holder_kwargs(actor, own_offer.practice, own_offer.care_group)
    with transaction.atomic():
        locked = OwnOffer.objects.select_for_update().get(pk=own_offer.pk)
        if locked.status == OwnOffer.Status.WITHDRAWN:
            return locked
        if locked.status != OwnOffer.Status.SUBMITTED:
            raise ConflictError("already_decided", _("Op dit aanbod is al besloten: %(decision)s.")
                                % {"decision": locked.get_status_display().lower()})
        locked.status = OwnOffer.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        clock_cancel(actor=actor, obj=locked, kind=OWN_OFFER_DECISION_CLOCK[_kind(locked)], at=now)
        audit_record(actor=actor, verb="contracting.own_offer.withdrawn", obj=locked,
                     before={"status": "submitted"}, after={"status": "withdrawn"})
    return locked


def _kind(own: OwnOffer) -> str:
    return HolderKind.PRACTICE if own.practice_id else HolderKind.CARE_GROUP


def own_offer_decide(*, actor, own_offer: OwnOffer, decision: str, reason: str = "", now: datetime) -> OwnOffer:
    """A purchaser of the insurer accepts or refuses an own offer that waits. A refusal needs reasons (GCP: an
    insurer that does not follow says why); an acceptance may explain. Accepting publishes a standard contract
    of the insurer for this one holder with the offered modules and tariffs, and makes the holder an offer
    (reason own_offer) to sign in the signing window; refused (and nothing changes) once the year's signing has
    closed, or while the NZa has no maximum tariff for a module. Deciding the same again changes nothing;
    changing a decision is refused."""
    require_insurer_purchaser(actor, own_offer.insurer_id)
    reason = (reason or "").strip()
    if decision not in (OwnOffer.Status.ACCEPTED, OwnOffer.Status.REFUSED):
        raise PortalError("invalid_decision", _("Kies aanvaarden of afwijzen."),
                          fields={"decision": [_("Ongeldige keuze.")]})
    if decision == OwnOffer.Status.REFUSED and not reason:
        raise PortalError("reason_required", _("Motiveer waarom u het eigen contractaanbod afwijst."),
                          fields={"reason": [_("Verplicht bij afwijzen.")]})
    with transaction.atomic():
        locked = (OwnOffer.objects.select_for_update(of=("self",))
                  .select_related("insurer", "practice", "care_group").get(pk=own_offer.pk))
        if locked.status != OwnOffer.Status.SUBMITTED:
            if (locked.status, locked.reason) == (decision, reason):
                return locked
            raise ConflictError("already_decided", _("Op dit aanbod is al besloten: %(decision)s.")
                                % {"decision": locked.get_status_display().lower()})
        if decision == OwnOffer.Status.ACCEPTED:
            locked.contract = _contract_from(actor, locked, now)
        locked.status, locked.reason, locked.decided_by, locked.decided_at = decision, reason, actor, now
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at", "contract"])
        clock_done(actor=actor, obj=locked, kind=OWN_OFFER_DECISION_CLOCK[_kind(locked)], at=now)
        audit_record(actor=actor, verb="contracting.own_offer.decided", obj=locked, before={"status": "submitted"},
                     after={"status": decision, "reason": reason, "contract": locked.contract_id,
                            "late": now >= locked.due_at})
        _notify_holder(locked)
    return locked


def _contract_from(actor, own: OwnOffer, now: datetime) -> StandardContract:
    """The accepted own offer as the insurer's standard contract for this one holder, published, with the
    holder's offer. Runs in own_offer_decide's transaction, so a refusal by publishing undoes it all."""
    kind = _kind(own)
    contract = StandardContract.objects.create(
        insurer=own.insurer, holder_kind=kind, first_year=own.year, term_years=own.term_years,
        title=own.title, conditions=own.text)
    ContractModule.objects.bulk_create([
        ContractModule(standard_contract=contract, module=line.module, tariff=line.tariff, conditions=line.conditions,
                       mandatory=line.module.always_mandatory)
        for line in own.lines.select_related("module")])
    own.contract = contract
    OwnOffer.objects.filter(pk=own.pk).update(contract=contract)  # publishing sees it is an own offer's
    contract = standard_contract_publish(actor=actor, contract=contract, now=now)
    holder = own.holder
    Offer.objects.create(standard_contract=contract, year=own.year, insurer=own.insurer,
                         practice=own.practice, care_group=own.care_group,
                         region_id=getattr(holder, "region_id", None), reason=Offer.Reason.OWN_OFFER)
    return contract


def _notify_holder(own: OwnOffer) -> None:
    from accounts.models import Membership
    from accounts.services import notify_users

    holder = {"practice_id": own.practice_id} if own.practice_id else {"care_group_id": own.care_group_id}
    if own.status == OwnOffer.Status.ACCEPTED:
        body = N_("%(insurer)s heeft uw eigen contractaanbod ‘%(title)s’ aanvaard. Het staat klaar om te "
                  "ondertekenen in de ondertekentermijn.")
    else:
        body = N_("%(insurer)s heeft uw eigen contractaanbod ‘%(title)s’ afgewezen. Motivering: %(reason)s")
    notify_users(user_ids=Membership.objects.filter(**holder).values_list("user_id", flat=True),
                 key=own_offer_decided_notice_key(own.pk),
                 subject=N_("Besluit op uw eigen contractaanbod: %(decision)s"), body=body,
                 params={"insurer": own.insurer.name, "title": own.title, "reason": own.reason,
                         "decision": label(OwnOffer.Status(own.status).label)},
                 url=reverse("offers:own_offer", args=[own.pk]))
