"""Standard contracts: build from the catalogue, check against NZa maxima, publish, and send out offers."""

import hashlib
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import practice_ids_of
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError
from core.numbers import count, hours, money
from insurers.models import Insurer
from providers.models import Practice
from providers.selectors import practices_with_preferent

from ..access import require_insurer_purchaser
from ..models import (
    MAX_TERM_YEARS,
    MIN_TERM_YEARS,
    TERM_RANGE,
    CapRule,
    ContractModule,
    ContractYear,
    HolderKind,
    Indexation,
    Milestone,
    Module,
    NzaMaxTariff,
    Offer,
    StandardContract,
    covering,
)
from ..selectors import offers_deadline_kind, signing_window_at

MAX_TARIFF = Decimal("99999999.99")  # what a tariff column holds (10 digits, 2 decimals)


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise PortalError("invalid_tariff", _("Vul een bedrag in, bijvoorbeeld 12,50."),
                          fields={field: [_("Ongeldig bedrag.")]})
    if amount < 0:
        raise PortalError("invalid_tariff", _("Een tarief kan niet negatief zijn."),
                          fields={field: [_("Negatief.")]})
    if amount > MAX_TARIFF:
        raise PortalError("invalid_tariff", _("Dit tarief is te hoog."), fields={field: [_("Dit tarief is te hoog.")]})
    return amount


def _require_draft(contract: StandardContract) -> None:
    if contract.status != StandardContract.Status.DRAFT:
        raise ConflictError("contract_published",
                            _("Dit standaardcontract is gepubliceerd en kan niet meer wijzigen. "
                              "Maak een nieuw contract voor een wijziging."))


_UNREAD = object()


def contract_year_refusal(year: int, now: datetime, *, window=_UNREAD,
                          holder_kind: str = HolderKind.PRACTICE) -> ConflictError | None:
    """Why no standard contract for `year` can be made, published or asked for at `now`, or None: once the
    year's signing has closed for `holder_kind` (practices: after 7 November; care groups: after 1 October)
    nothing could be signed any more. The contract builder's year choice, the publish page, the practice's
    list of contracts to ask for and the care-group negotiation ask this too, so no page offers what the
    services refuse. `window`: the year's selectors.signing_window_at(year, now, holder_kind) when the caller
    has read it (None: the year has no signing window), which saves its query."""
    if window is _UNREAD:
        window = signing_window_at(year, now, holder_kind)
    if window is not None and window.state == "closed":
        return ConflictError("signing_window_closed",
                             _("De ondertekentermijn voor %(year)s is voorbij; een contract voor dat jaar kan "
                               "niet meer worden gemaakt of gepubliceerd.") % {"year": year},
                             fields={"first_year": [_("Kies een contractjaar waarvoor nog ondertekend kan "
                                                      "worden.")]})
    return None


def standard_contract_create(*, actor, insurer: Insurer, first_year: int, title: str, term_years: int = 1,
                             holder_kind: str = HolderKind.PRACTICE, conditions: str = "",
                             indexation: str = Indexation.NONE, now: datetime | None = None) -> StandardContract:
    """A draft contract for `first_year` running `term_years` (1 to 5); refused once that year's signing has
    closed (contract_year_refusal). `indexation` is the clause (none, staff costs, all) for a multi-year term."""
    require_insurer_purchaser(actor, insurer.pk)
    require_contract_year(first_year)
    refusal = contract_year_refusal(first_year, now or timezone.now(), holder_kind=holder_kind)
    if refusal is not None:
        raise refusal
    title = (title or "").strip()
    if not title:
        raise PortalError("title_required", _("Geef het contract een titel."), fields={"title": [_("Verplicht.")]})
    _check_term(term_years)
    if indexation not in Indexation.values:
        raise PortalError("invalid_indexation", _("Kies geen indexatie, alleen personeelskosten of alle onderdelen."),
                          fields={"indexation": [_("Ongeldige keuze.")]})
    with transaction.atomic():
        contract = StandardContract.objects.create(insurer=insurer, first_year=first_year, title=title,
                                                   term_years=term_years, holder_kind=holder_kind,
                                                   conditions=conditions, indexation=indexation)
        audit_record(actor=actor, verb="contracting.standard_contract.created", obj=contract,
                     after={"first_year": first_year, "term_years": term_years, "holder_kind": holder_kind,
                            "indexation": indexation})
    return contract


def _check_term(term_years) -> None:
    if term_years not in TERM_RANGE:
        raise PortalError("invalid_term", _("De looptijd is %(low)s tot en met %(high)s jaar.")
                          % {"low": MIN_TERM_YEARS, "high": MAX_TERM_YEARS},
                          fields={"term_years": [_("%(low)s tot en met %(high)s.")
                                                 % {"low": MIN_TERM_YEARS, "high": MAX_TERM_YEARS}]})


def standard_contract_update(*, actor, contract: StandardContract, **fields) -> StandardContract:
    require_insurer_purchaser(actor, contract.insurer_id)
    allowed = {"title", "conditions", "adjustment_clause", "term_years", "indexation", "requires_qualification"}
    if set(fields) - allowed:
        raise ValueError(f"unknown fields {set(fields) - allowed}")
    if fields.get("requires_qualification") and contract.holder_kind != HolderKind.PRACTICE:
        raise PortalError("qualification_not_for_holder",
                          _("Alleen een contract voor praktijken kan na kwalificatie worden aangeboden; met een "
                            "samenwerkingsverband wordt het contract per verband afgesproken."),
                          fields={"requires_qualification": [_("Alleen voor praktijken.")]})
    if "term_years" in fields:
        _check_term(fields["term_years"])
    if "indexation" in fields and fields["indexation"] not in Indexation.values:
        raise PortalError("invalid_indexation", _("Kies geen indexatie, alleen personeelskosten of alle onderdelen."),
                          fields={"indexation": [_("Ongeldige keuze.")]})
    with transaction.atomic():
        locked = StandardContract.objects.select_for_update().get(pk=contract.pk)
        _require_draft(locked)
        before = {k: getattr(locked, k) for k in fields}
        for key, value in fields.items():
            setattr(locked, key, value)
        if before != fields:
            locked.save(update_fields=list(fields))
            audit_record(actor=actor, verb="contracting.standard_contract.changed", obj=locked, before=before,
                         after=fields)
    return locked


def nza_max_for(module: Module, year: int) -> Decimal | None:
    row = NzaMaxTariff.objects.filter(module=module, year=year).first()
    return row.max_tariff if row else None


def _check_tariff(module: Module, tariff: Decimal, year: int) -> None:
    if not module.has_nza_max:
        return
    maximum = nza_max_for(module, year)
    if maximum is not None and tariff > maximum:
        raise PortalError(
            "tariff_above_nza_max",
            _("Het tarief voor %(module)s (%(tariff)s) ligt boven het NZa-maximumtarief voor %(year)s "
              "(%(maximum)s).") % {"module": module.name, "tariff": money(tariff), "year": year,
                                   "maximum": money(maximum)},
            fields={"tariff": [_("Ten hoogste %(maximum)s.") % {"maximum": money(maximum)}]},
        )


def module_holder_refusal(module: Module, holder_kind: str) -> PortalError | None:
    """Why a contract for `holder_kind` may not offer `module`, or None (the rule: Module.offerable_to; S2
    ketenzorg and O&I only for samenwerkingsverbanden)."""
    if module.offerable_to(holder_kind):
        return None
    if module.retired:
        detail = _("%(module)s is vervallen en kan niet meer worden aangeboden.") % {"module": module.name}
    elif holder_kind == HolderKind.PRACTICE:
        detail = _("%(module)s is multidisciplinaire zorg (S2): die wordt alleen met samenwerkingsverbanden "
                   "gecontracteerd, niet in een contract voor praktijken.") % {"module": module.name}
    else:
        detail = _("%(module)s hoort in een contract voor praktijken, niet in een contract voor "
                   "samenwerkingsverbanden.") % {"module": module.name}
    return PortalError("module_not_for_holder", detail, fields={"module": [_("Niet voor deze zorgaanbieder.")]})


def standard_contract_set_module(*, actor, contract: StandardContract, module: Module, tariff, conditions: str = "",
                                 cap_hours=None, mandatory: bool = False,
                                 requires_qualification: bool = False) -> ContractModule:
    """Add a module to a draft contract or change its terms. Refused: a module the contract's kind of holder
    may not hold (module_holder_refusal), a tariff above the NZa maximum, a cap outside the module's range
    (praktijkmanagement: 3 to 6 hours a week per normpraktijk)."""
    require_insurer_purchaser(actor, contract.insurer_id)
    refusal = module_holder_refusal(module, contract.holder_kind)
    if refusal is not None:
        raise refusal
    tariff = _money(tariff, "tariff")
    _check_tariff(module, tariff, contract.first_year)
    if cap_hours in ("", None):
        cap_hours = None
    elif module.cap_rule == CapRule.NONE:
        raise PortalError("no_cap", _("%(module)s kent geen urenplafond.") % {"module": module.name},
                          fields={"cap_hours": [_("Geen plafond.")]})
    else:
        cap_hours = _money(cap_hours, "cap_hours")
        low, high = module.cap_hours_min or Decimal(0), module.cap_hours_max
        if not (low <= cap_hours <= high):
            values = {"module": module.name, "low": hours(low), "high": hours(high),
                      "patients": count(module.cap_patients)}
            if low == high:
                detail = _("Het plafond voor %(module)s is ten hoogste %(high)s uur per week per %(patients)s "
                           "patiënten.") % values
                field = _("Ten hoogste %(high)s uur.") % values
            else:
                detail = _("Het plafond voor %(module)s ligt tussen %(low)s en %(high)s uur per week per "
                           "%(patients)s patiënten.") % values
                field = _("%(low)s–%(high)s uur.") % values
            raise PortalError("cap_out_of_range", detail, fields={"cap_hours": [field]})
    mandatory = mandatory or module.always_mandatory
    if mandatory and requires_qualification:
        raise PortalError("mandatory_needs_no_qualification",
                          _("%(module)s is altijd onderdeel van het contract en kan dus niet pas na kwalificatie "
                            "worden gekozen.") % {"module": module.name},
                          fields={"requires_qualification": [_("Niet bij een verplichte module.")]})
    with transaction.atomic():
        locked = StandardContract.objects.select_for_update().get(pk=contract.pk)
        _require_draft(locked)
        existing = ContractModule.objects.filter(standard_contract=locked, module=module).first()
        values = {"tariff": tariff, "conditions": conditions or "", "cap_hours": cap_hours, "mandatory": mandatory,
                  "requires_qualification": bool(requires_qualification)}
        if existing is None:
            cm = ContractModule.objects.create(standard_contract=locked, module=module, **values)
            audit_record(actor=actor, verb="contracting.standard_contract.module_added", obj=locked,
                         after={"module": module.code, **values})
            return cm
        before = {k: getattr(existing, k) for k in values}
        if before != values:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.save(update_fields=list(values))
            audit_record(actor=actor, verb="contracting.standard_contract.module_changed", obj=locked,
                         before={"module": module.code, **before}, after={"module": module.code, **values})
        return existing


def standard_contract_remove_module(*, actor, contract: StandardContract, module: Module) -> None:
    require_insurer_purchaser(actor, contract.insurer_id)
    with transaction.atomic():
        locked = StandardContract.objects.select_for_update().get(pk=contract.pk)
        _require_draft(locked)
        deleted, _details = ContractModule.objects.filter(standard_contract=locked, module=module).delete()
        if deleted:
            audit_record(actor=actor, verb="contracting.standard_contract.module_removed", obj=locked,
                         after={"module": module.code})


def standard_contract_content(contract: StandardContract) -> dict:
    """What the holder sees and signs, as plain data: the base of previews, signatures and diffs."""
    modules = contract.modules.select_related("module").order_by("module__segment", "module__sort_order")
    return {
        "insurer": {"id": contract.insurer_id, "name": contract.insurer.name},
        "title": contract.title,
        "years": [contract.first_year + i for i in range(contract.term_years)],
        "conditions": contract.conditions,
        "adjustment_clause": contract.adjustment_clause if contract.term_years > 1 else "",
        # The indexation clause (the figures per year are set later and applied by the engine).
        "indexation": contract.indexation if contract.term_years > 1 else Indexation.NONE,
        "modules": [{**{"code": cm.module.code, "name": cm.module.name, "segment": cm.module.segment,
                        "unit": cm.module.unit, "tariff": str(cm.tariff), "conditions": cm.conditions,
                        "cap_hours": str(cm.cap_hours) if cm.cap_hours is not None else None,
                        "mandatory": cm.mandatory}, **_care_group_terms(cm)} for cm in modules],
    }


def _care_group_terms(cm: ContractModule) -> dict:
    """The S2 terms of a care-group contract line (none for a practice contract's lines)."""
    terms = {}
    if cm.expected_patients is not None:
        terms["expected_patients"] = cm.expected_patients
    if cm.lumpsum is not None:
        terms["lumpsum"] = str(cm.lumpsum)
    if cm.staffel_from is not None:
        terms["staffel_from"] = cm.staffel_from
    if cm.components:
        terms["components"] = cm.components
    if cm.inclusion_ceiling_percent is not None:
        terms["inclusion_ceiling_percent"] = str(cm.inclusion_ceiling_percent)
    return terms


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def require_contract_year(year: int) -> None:
    """Policies and contracts are for a contract year with a GCP calendar: without one, no deadline applies
    and nothing could be signed."""
    if not ContractYear.objects.filter(year=year).exists():
        raise PortalError("no_contract_year", _("Contractjaar %(year)s heeft nog geen kalender.") % {"year": year},
                          fields={"first_year": [_("Kies een contractjaar uit de kalender.")]})


def _publication_deadline(contract: StandardContract) -> datetime | None:
    kind = offers_deadline_kind(contract.holder_kind)
    m = Milestone.objects.filter(contract_year__year=contract.first_year, kind=kind).first()
    return m.due_at if m else None


def standard_contract_publish_refusal(contract: StandardContract, now: datetime) -> PortalError | None:
    """Why publishing `contract` at `now` would be refused, or None. The one home of these checks:
    standard_contract_publish raises what this returns (under the contract's lock), and the publish page
    shows it instead of the button."""
    modules = list(contract.modules.select_related("module"))
    if not modules:
        return PortalError("no_modules", _("Voeg eerst modules aan het contract toe."))
    for cm in modules:
        refusal = module_holder_refusal(cm.module, contract.holder_kind)
        if refusal is not None:
            return refusal
        if cm.module.has_nza_max:
            if nza_max_for(cm.module, contract.first_year) is None:
                return ConflictError("nza_max_missing",
                                     _("De NZa heeft het maximumtarief voor %(module)s voor %(year)s nog niet "
                                       "vastgesteld; publiceren kan daarna.")
                                     % {"module": cm.module.name, "year": contract.first_year})
            try:
                _check_tariff(cm.module, cm.tariff, contract.first_year)
            except PortalError as exc:
                return exc
    # One published standard contract per insurer, kind of holder and year; an accepted own offer is a
    # contract for its one holder beside it.
    clash = None if hasattr(contract, "own_offer") else StandardContract.objects.filter(
        insurer_id=contract.insurer_id, holder_kind=contract.holder_kind, first_year=contract.first_year,
        status=StandardContract.Status.PUBLISHED, own_offer__isnull=True).exclude(pk=contract.pk).first()
    if clash:
        return ConflictError("already_published_for_year",
                             _("Er is al een gepubliceerd standaardcontract voor %(year)s: ‘%(title)s’.")
                             % {"year": contract.first_year, "title": clash.title})
    return contract_year_refusal(contract.first_year, now, holder_kind=contract.holder_kind)


def standard_contract_publish(*, actor, contract: StandardContract, now: datetime) -> StandardContract:
    """Publish a draft: its content freezes and offers go to every practice whose preferent insurer this is.
    Due by 15 September (care groups: 15 July); later is recorded as late, but once signing has closed for
    the year nothing could be signed any more, so publishing is refused (standard_contract_publish_refusal
    lists every refusal). Publishing twice is harmless."""
    require_insurer_purchaser(actor, contract.insurer_id)
    with transaction.atomic():
        locked = StandardContract.objects.select_for_update().select_related("insurer").get(pk=contract.pk)
        if locked.status == StandardContract.Status.PUBLISHED:
            return locked
        # Hold the year's NZa maxima of these modules until the contract is published: nza_tariff_set locks its
        # row before it checks the published contracts, so a maximum cannot drop under a tariff in between.
        list(NzaMaxTariff.objects.select_for_update().filter(
            year=locked.first_year, module__in=locked.modules.values("module")).order_by("pk")
            .values_list("pk", flat=True))
        refusal = standard_contract_publish_refusal(locked, now)
        if refusal is not None:
            raise refusal
        deadline = _publication_deadline(locked)
        locked.status = StandardContract.Status.PUBLISHED
        locked.published_at = now
        locked.is_late = bool(deadline and now >= deadline)
        locked.content_hash = content_hash(standard_contract_content(locked))
        locked.save(update_fields=["status", "published_at", "is_late", "content_hash"])
        created = 0
        # An accepted own offer is a contract for its one holder (services.own_offers makes that offer).
        if locked.holder_kind == HolderKind.PRACTICE and not hasattr(locked, "own_offer"):
            created = offers_create_for_preferent(contract=locked)
        audit_record(actor=actor, verb="contracting.standard_contract.published", obj=locked,
                     after={"content_hash": locked.content_hash, "is_late": locked.is_late, "offers": created})
    return locked


def running_contract_offers(*, insurer_id: int, holder_kind: str, year: int):
    """The signed offers of `insurer_id`'s contracts for `holder_kind` that already cover `year`: a multi-year
    contract signed for an earlier first year stays in force without signing again, so its holder is not asked
    to sign for `year` (offers_create_for_preferent, offer_request and the practice's list ask this)."""
    return covering(Offer.objects.filter(insurer_id=insurer_id, status=Offer.Status.SIGNED,
                                         standard_contract__holder_kind=holder_kind), year, "standard_contract__")


def offers_create_for_preferent(*, contract: StandardContract) -> int:
    """One offer for every practice whose preferent insurer is the contract's insurer, except those whose
    signed multi-year contract with this insurer already covers the year (running_contract_offers). Set-based,
    so it stays quick for thousands of practices; existing offers are left alone. A contract that requires
    qualification goes to nobody here: qualification_decide offers it, one qualified holder at a time."""
    if contract.requires_qualification:
        return 0
    practices = list(
        practices_with_preferent().filter(preferent_insurer_pk=contract.insurer_id).values_list("pk", "region_id")
    )
    existing = set(Offer.objects.filter(standard_contract=contract).values_list("practice_id", flat=True))
    existing |= set(running_contract_offers(insurer_id=contract.insurer_id, holder_kind=HolderKind.PRACTICE,
                                            year=contract.first_year).values_list("practice_id", flat=True))
    new = [Offer(standard_contract=contract, practice_id=pk, region_id=region_id, year=contract.first_year,
                 insurer_id=contract.insurer_id, reason=Offer.Reason.PREFERENT)
           for pk, region_id in practices if pk not in existing]
    Offer.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def offer_request(*, actor, practice: Practice, contract: StandardContract, now: datetime | None = None) -> Offer:
    """A practice asks an insurer (not necessarily its preferent one) for its standard contract. Only the
    practice's own people may ask (actor None: the system), and not once the year's signing window has closed.
    Asking twice gives the same offer."""
    if actor is not None and practice.pk not in practice_ids_of(actor):
        raise Forbidden("not_practice_member", _("Alleen medewerkers van de praktijk kunnen een contract aanvragen."))
    if contract.status != StandardContract.Status.PUBLISHED or contract.holder_kind != HolderKind.PRACTICE:
        raise ConflictError("contract_not_available", _("Dit contract is (nog) niet beschikbaar voor praktijken."))
    existing = Offer.objects.filter(standard_contract=contract, practice=practice).first()
    if existing is not None:
        return existing
    if contract.requires_qualification:
        raise ConflictError("qualification_required",
                            _("%(insurer)s biedt dit contract aan na kwalificatie: beantwoord eerst de uitvraag.")
                            % {"insurer": contract.insurer.name})
    running = (running_contract_offers(insurer_id=contract.insurer_id, holder_kind=HolderKind.PRACTICE,
                                       year=contract.first_year).filter(practice=practice)
               .select_related("standard_contract").first())
    if running is not None:
        raise ConflictError("already_contracted",
                            _("U heeft al een contract met %(insurer)s dat doorloopt tot en met %(last)s; voor "
                              "%(year)s hoeft u niet opnieuw te tekenen.")
                            % {"insurer": contract.insurer.name, "last": running.standard_contract.last_year,
                               "year": contract.first_year})
    refusal = contract_year_refusal(contract.first_year, now or timezone.now())
    if refusal is not None:
        raise ConflictError(refusal.code, _("De ondertekentermijn voor %(year)s is voorbij; aanvragen kan niet meer.")
                            % {"year": contract.first_year})
    with transaction.atomic():
        offer, created = Offer.objects.get_or_create(
            standard_contract=contract, practice=practice,
            defaults={"year": contract.first_year, "insurer_id": contract.insurer_id,
                      "region_id": practice.region_id, "reason": Offer.Reason.REQUESTED})
        if created:
            audit_record(actor=actor, verb="contracting.offer.requested", obj=offer,
                         after={"practice": practice.agb_code, "insurer": contract.insurer_id})
    return offer
