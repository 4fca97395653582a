"""Care-group negotiation (nza-monitor-2019.md §1–2: MDZ contracts are an individual begroting/werkplan that
ends in a price agreement): the care group submits, the insurer offers, either side counters, one side accepts
the other's last terms; the agreement becomes an Offer to the care group that its signatory signs with
offer_sign (two-factor, frozen content with the agreed terms and the ketenzorg estimate).

Every step is a new NegotiationStep row (never changed); each service locks the negotiation, so two steps
cannot cross. Steps close with care-group signing at the end of 1 October (contract_year_refusal with
HolderKind.CARE_GROUP)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.notices import N_, amount, day, label
from accounts.selectors import care_group_ids_of
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError
from core.numbers import count, hours
from core.uploads import check_pdf_upload
from insurers.models import Insurer
from providers.models import CareGroup

from ..calendar import last_day
from ..models import (
    ComponentMode,
    ContractModule,
    HolderKind,
    KetenPatientReport,
    Module,
    Negotiation,
    NegotiationStep,
    Offer,
    OIFunction,
    ProgrammeFunding,
    StandardContract,
    StepAttachment,
)
from ..pricing import terms_estimate
from ..selectors import signing_window
from .contracts import content_hash, contract_year_refusal, require_contract_year, standard_contract_content

Side = NegotiationStep.Side
Kind = NegotiationStep.Kind
MAX_NOTE = 5000
MAX_ATTACHMENTS_PER_STEP = 10
MAX_PATIENTS = 2_000_000  # more than any care group's population
MAX_TARIFF = Decimal("1000000")


# --- Terms ------------------------------------------------------------------------------------------------
def _decimal(raw, *, field: str, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise PortalError("invalid_amount", _("%(label)s: vul een bedrag in, bijvoorbeeld 45,00.") % {"label": label},
                          fields={field: [_("Ongeldig bedrag.")]})
    if value < 0:
        raise PortalError("invalid_amount", _("%(label)s: een bedrag kan niet negatief zijn.") % {"label": label},
                          fields={field: [_("Negatief.")]})
    if value > MAX_TARIFF:
        raise PortalError("invalid_amount", _("%(label)s: het bedrag is te hoog.") % {"label": label},
                          fields={field: [_("Te hoog.")]})
    return value.quantize(Decimal("0.01"))


def _count(raw, *, field: str, label: str, code: str = "invalid_patients") -> int:
    text = str(raw).strip() if raw is not None else ""
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if not (digits.isascii() and digits.isdigit()):
        raise PortalError(code, _("%(label)s: vul een geheel aantal in.") % {"label": label},
                          fields={field: [_("Geheel getal.")]})
    value = int(text)
    if value < 0:
        raise PortalError(code, _("%(label)s: het aantal kan niet negatief zijn (u vulde %(value)s in).")
                          % {"label": label, "value": value}, fields={field: [_("Negatief.")]})
    if value > MAX_PATIENTS:
        raise PortalError(code, _("%(label)s: het aantal is te groot.") % {"label": label},
                          fields={field: [_("Te groot.")]})
    return value


def parse_terms(raw) -> dict:
    """Validate the terms of a step and return them normalised (amounts as strings with two decimals):

        {"programmes": [{"code": "ketenzorg-dm2", "expected_patients": 1200, "tariff": "45.00",
                         "components": {"dietetiek": "integral", "voetzorg": "separate", ...},
                         "inclusion_ceiling_percent": "8.00" or None}, ...],
         "oi": [{"code": "oi-wijkmanagement", "tariff": "2.50", "lumpsum": "20000.00" or None,
                 "staffel_from": 10000 or None}, ...],
         "oi_budget": {"ict": "15000.00", ...}}

    Keten programmes carry the expected keten patients (tariff per patient in the keten per quarter); the
    overhead programmes (kwetsbare ouderen, GGZ) a yearly amount to the care group. A component not named is
    in the integral tariff. Bad input: PortalError 400 naming the programme or line, nothing is kept."""
    if not isinstance(raw, dict):
        raise PortalError("invalid_terms", _("De voorwaarden ontbreken."))
    # What a care group may hold (the one rule: Module.offerable_to), with the components of each programme.
    modules = {m.code: m for m in Module.objects.offerable_to(HolderKind.CARE_GROUP).prefetch_related("components")}
    programmes, oi, seen = [], [], set()
    for i, item in enumerate(raw.get("programmes") or []):
        item = item if isinstance(item, dict) else {}
        code = str(item.get("code", ""))
        module = modules.get(code)
        field = f"programmes.{i}"
        if module is None or not module.programme_funding:
            raise PortalError("unknown_programme", _("Onbekend zorgprogramma: ‘%(code)s’.") % {"code": code},
                              fields={field: [_("Onbekend zorgprogramma.")]})
        if code in seen:
            raise PortalError("duplicate_line", _("%(programme)s staat twee keer in het voorstel.")
                              % {"programme": module.name}, fields={field: [_("Dubbel.")]})
        seen.add(code)
        line = {"code": code, "tariff": None, "expected_patients": None, "components": {},
                "inclusion_ceiling_percent": None}
        if module.programme_funding == ProgrammeFunding.KETEN:
            line["tariff"] = str(_decimal(item.get("tariff"), field=field,
                                          label=_("Tarief per patiënt per kwartaal voor %(programme)s")
                                          % {"programme": module.name}))
            line["expected_patients"] = _count(item.get("expected_patients"), field=field,
                                               label=_("Verwachte patiënten in de keten %(programme)s")
                                               % {"programme": module.name})
            known = {c.code: c for c in module.components.all()}
            given = item.get("components") or {}
            if not isinstance(given, dict):
                given = {}
            for comp in given:
                if comp not in known:
                    raise PortalError("unknown_component",
                                      _("%(programme)s kent geen onderdeel ‘%(component)s’.")
                                      % {"programme": module.name, "component": comp},
                                      fields={field: [_("Onbekend onderdeel.")]})
            for comp in known:
                mode = given.get(comp, ComponentMode.INTEGRAL)
                if mode not in ComponentMode.values:
                    raise PortalError("invalid_component_mode",
                                      _("%(component)s in %(programme)s is in het integrale tarief of apart "
                                        "ingekocht.") % {"component": known[comp].name, "programme": module.name},
                                      fields={field: [_("Integraal of apart.")]})
                line["components"][comp] = mode
            ceiling = item.get("inclusion_ceiling_percent")
            if ceiling not in (None, ""):
                percent = _decimal(ceiling, field=field, label=_("Inclusieplafond %(programme)s")
                                   % {"programme": module.name})
                if not (Decimal(0) < percent <= 100):
                    raise PortalError("invalid_ceiling",
                                      _("Het inclusieplafond van %(programme)s is een percentage boven 0 en ten "
                                        "hoogste 100.") % {"programme": module.name},
                                      fields={field: [_("Tussen 0 en 100.")]})
                line["inclusion_ceiling_percent"] = str(percent)
        else:
            line["tariff"] = str(_decimal(item.get("tariff"), field=field,
                                          label=_("Vergoeding overhead per jaar voor %(programme)s")
                                          % {"programme": module.name}))
        programmes.append(line)
    for i, item in enumerate(raw.get("oi") or []):
        item = item if isinstance(item, dict) else {}
        code = str(item.get("code", ""))
        module = modules.get(code)
        field = f"oi.{i}"
        if module is None or module.programme_funding or not code.startswith("oi-"):
            raise PortalError("unknown_oi", _("Onbekende O&I-prestatie: ‘%(code)s’.") % {"code": code},
                              fields={field: [_("Onbekende prestatie.")]})
        if code in seen:
            raise PortalError("duplicate_line", _("%(programme)s staat twee keer in het voorstel.")
                              % {"programme": module.name}, fields={field: [_("Dubbel.")]})
        seen.add(code)
        lumpsum = item.get("lumpsum")
        staffel = item.get("staffel_from")
        oi.append({
            "code": code,
            "tariff": str(_decimal(item.get("tariff"), field=field,
                                   label=_("Tarief per ingeschreven verzekerde voor %(prestatie)s")
                                   % {"prestatie": module.name})),
            "lumpsum": (str(_decimal(lumpsum, field=field, label=_("Basisbedrag %(prestatie)s")
                                     % {"prestatie": module.name})) if lumpsum not in (None, "") else None),
            "staffel_from": (_count(staffel, field=field, code="invalid_staffel",
                                    label=_("Staffel vanaf (verzekerden) %(prestatie)s") % {"prestatie": module.name})
                             if staffel not in (None, "") else None),
        })
    budget = {}
    raw_budget = raw.get("oi_budget") or {}
    if not isinstance(raw_budget, dict):
        raw_budget = {}
    for key, value in raw_budget.items():
        if key not in OIFunction.values:
            raise PortalError("unknown_oi_function", _("Onbekende O&I-functie: ‘%(code)s’.") % {"code": key},
                              fields={"oi_budget": [_("Onbekende functie.")]})
        if value in (None, ""):
            continue
        budget[key] = str(_decimal(value, field="oi_budget", label=OIFunction(key).label))
    if not programmes and not oi:
        raise PortalError("terms_empty", _("Neem ten minste één zorgprogramma of O&I-prestatie op."),
                          fields={"programmes": [_("Verplicht.")]})
    order = {code: i for i, code in enumerate(modules)}
    return {"programmes": sorted(programmes, key=lambda p: order[p["code"]]),
            "oi": sorted(oi, key=lambda p: order[p["code"]]),
            "oi_budget": {k: budget[k] for k in OIFunction.values if k in budget}}


def care_group_population(care_group: CareGroup) -> int:
    """The care group's population: the registered patients of its member practices (one query)."""
    return sum(care_group.practices.values_list("registered_patients", flat=True))


# --- Who and when ----------------------------------------------------------------------------------------
def _side_of(actor, negotiation: Negotiation) -> str:
    """The side `actor` acts for in this negotiation; another organisation's user may not act (Forbidden)."""
    if negotiation.care_group_id in care_group_ids_of(actor):
        return Side.CARE_GROUP
    if any(m.role == Role.INSURER_PURCHASER and m.insurer_id == negotiation.insurer_id
           for m in _memberships(actor)):
        return Side.INSURER
    raise Forbidden("not_party", _("Alleen het samenwerkingsverband en de zorgverzekeraar van deze onderhandeling "
                                   "kunnen een stap zetten."))


def _memberships(actor):
    from accounts.selectors import memberships_of

    return memberships_of(actor)


def negotiation_refusal(year: int, now: datetime) -> ConflictError | None:
    """Why no step can be taken for `year` at `now`, or None: negotiation and signing close for care groups
    at the end of 1 October (the one rule: contract_year_refusal for HolderKind.CARE_GROUP)."""
    refusal = contract_year_refusal(year, now, holder_kind=HolderKind.CARE_GROUP)
    if refusal is None:
        return None
    window = signing_window(year, HolderKind.CARE_GROUP)
    return ConflictError("negotiation_closed",
                         _("De onderhandelingen over %(year)s zijn gesloten: voorstellen en akkoord konden tot en "
                           "met %(last_day)s.") % {"year": year,
                                                    "last_day": formats.date_format(last_day(window[1]), "j F Y")})


def _check_open(negotiation: Negotiation, now: datetime) -> None:
    if negotiation.status in (Negotiation.Status.AGREED, Negotiation.Status.SIGNED):
        raise ConflictError("negotiation_agreed",
                            _("Over deze onderhandeling is al overeenstemming bereikt; een nieuw voorstel kan niet "
                              "meer."))
    if negotiation.status == Negotiation.Status.EXPIRED:
        raise ConflictError("negotiation_closed", _("Deze onderhandeling is gesloten zonder akkoord."))
    refusal = negotiation_refusal(negotiation.year, now)
    if refusal is not None:
        raise refusal


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise PortalError("note_too_long", _("Een toelichting is ten hoogste 5.000 tekens."),
                          fields={"note": [_("Te lang.")]})
    return note


@dataclass(frozen=True)
class Upload:
    """A file for a step: its kind (StepAttachment.Kind) and the uploaded file."""

    kind: str
    file: object


def _check_uploads(uploads) -> list[tuple[Upload, object]]:
    """Every upload checked before anything is saved (core.uploads.check_pdf_upload)."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_ATTACHMENTS_PER_STEP:
        raise PortalError("too_many_attachments", _("Ten hoogste %(count)s bijlagen per stap.")
                          % {"count": MAX_ATTACHMENTS_PER_STEP})
    checked = []
    for upload in uploads:
        if upload.kind not in StepAttachment.Kind.values:
            raise PortalError("attachment_kind", _("Onbekende soort bijlage."))
        checked.append((upload, check_pdf_upload(upload.file, field=upload.kind)))
    return checked


def _write_step(*, actor, negotiation: Negotiation, kind: str, side: str, terms: dict, note: str, now: datetime,
                checked=()) -> NegotiationStep:
    number = negotiation.steps.count() + 1
    step = NegotiationStep.objects.create(negotiation=negotiation, number=number, kind=kind, side=side,
                                          actor=actor, at=now, terms=terms, note=note)
    for upload, pdf in checked:
        attachment = StepAttachment(step=step, kind=upload.kind, name=pdf.name, size=pdf.size, sha256=pdf.sha256)
        attachment.file.save(f"{upload.kind}.pdf", upload.file, save=False)
        attachment.save()
    audit_record(actor=actor, verb=f"contracting.negotiation.{kind}", obj=negotiation,
                 after={"step": number, "side": side, "terms": terms,
                        "attachments": [pdf.sha256 for _u, pdf in checked]})
    return step


def _same_as_last(last: NegotiationStep | None, *, actor, kind: str, terms: dict, note: str) -> bool:
    """A repeated request (a double click, a retry) gives the step it already wrote."""
    return (last is not None and last.actor_id == actor.pk and last.kind == kind and last.terms == terms
            and last.note == note)


def _notify_other_side(negotiation: Negotiation, step: NegotiationStep) -> None:
    from accounts.services import notify_users

    if step.side == Side.CARE_GROUP:
        users = Membership.objects.filter(role=Role.INSURER_PURCHASER, insurer_id=negotiation.insurer_id)
        url = reverse("purchasing:negotiation", args=[negotiation.pk])
    else:
        users = Membership.objects.filter(care_group_id=negotiation.care_group_id)
        url = reverse("caregroup:negotiation", args=[negotiation.pk])
    notify_users(user_ids=users.values_list("user_id", flat=True), key=f"negotiation-step:{step.pk}",
                 subject=N_("Onderhandeling %(year)s: %(kind)s"),
                 body=N_("%(care_group)s en %(insurer)s: stap %(number)s (%(kind)s) door %(who)s."),
                 params={"year": negotiation.year, "kind": label(Kind(step.kind).label),
                         "care_group": negotiation.care_group.name, "insurer": negotiation.insurer.name,
                         "number": step.number, "who": actor_name(step)},
                 url=url)


def actor_name(step: NegotiationStep) -> str:
    return step.actor.get_full_name() or step.actor.email


# --- Steps -----------------------------------------------------------------------------------------------
def negotiation_submit(*, actor, care_group: CareGroup, insurer: Insurer, year: int, terms, budget, work_plan,
                       note: str = "", attachments=(), now: datetime) -> NegotiationStep:
    """The care group opens the negotiation with its begroting and werkplan (both PDF) and its proposed terms.
    Only the care group's people; once per care group, insurer and year (a repeat gives the same step)."""
    if care_group.pk not in care_group_ids_of(actor):
        raise Forbidden("not_care_group_member", _("Alleen medewerkers van het samenwerkingsverband kunnen een "
                                                   "begroting en werkplan indienen."))
    require_contract_year(year)
    refusal = negotiation_refusal(year, now)
    if refusal is not None:
        raise refusal
    terms = parse_terms(terms)
    note = _note(note)
    missing = {}
    if budget is None:
        missing[StepAttachment.Kind.BUDGET] = [_("Voeg de begroting toe (PDF).")]
    if work_plan is None:
        missing[StepAttachment.Kind.WORK_PLAN] = [_("Voeg het werkplan toe (PDF).")]
    if missing:
        raise PortalError("documents_required", _("Een indiening bevat een begroting en een werkplan, beide als "
                                                  "PDF."), fields=missing)
    checked = _check_uploads([Upload(StepAttachment.Kind.BUDGET, budget),
                              Upload(StepAttachment.Kind.WORK_PLAN, work_plan), *attachments])
    with transaction.atomic():
        negotiation, _created = Negotiation.objects.get_or_create(
            insurer=insurer, care_group=care_group, year=year, defaults={"created_at": now})
        negotiation = Negotiation.objects.select_for_update().get(pk=negotiation.pk)
        last = negotiation.steps.order_by("-number").first()
        if _same_as_last(last, actor=actor, kind=Kind.SUBMISSION, terms=terms, note=note):
            return last
        _check_open(negotiation, now)
        if last is not None:
            raise ConflictError("already_submitted", _("Deze onderhandeling loopt al; doe een tegenvoorstel."))
        step = _write_step(actor=actor, negotiation=negotiation, kind=Kind.SUBMISSION, side=Side.CARE_GROUP,
                           terms=terms, note=note, now=now, checked=checked)
        _notify_other_side(negotiation, step)
    return step


def negotiation_offer(*, actor, insurer: Insurer, care_group: CareGroup, year: int, terms, note: str = "",
                      attachments=(), now: datetime) -> NegotiationStep:
    """The insurer's offer to a care group: the first step of a new negotiation, or the answer to the care
    group's submission. Later proposals are counters (negotiation_counter)."""
    if not any(m.role == Role.INSURER_PURCHASER and m.insurer_id == insurer.pk for m in _memberships(actor)):
        raise Forbidden("not_purchaser", _("Alleen een zorginkoper van deze zorgverzekeraar kan dit doen."))
    require_contract_year(year)
    refusal = negotiation_refusal(year, now)
    if refusal is not None:
        raise refusal
    terms = parse_terms(terms)
    note = _note(note)
    checked = _check_uploads(attachments)
    with transaction.atomic():
        negotiation, _created = Negotiation.objects.get_or_create(
            insurer=insurer, care_group=care_group, year=year, defaults={"created_at": now})
        negotiation = Negotiation.objects.select_for_update().get(pk=negotiation.pk)
        last = negotiation.steps.order_by("-number").first()
        if _same_as_last(last, actor=actor, kind=Kind.OFFER, terms=terms, note=note):
            return last
        _check_open(negotiation, now)
        if negotiation.first_offer_at is not None:
            raise ConflictError("already_offered", _("U heeft al een aanbod gedaan; doe een tegenvoorstel."))
        step = _write_step(actor=actor, negotiation=negotiation, kind=Kind.OFFER, side=Side.INSURER, terms=terms,
                           note=note, now=now, checked=checked)
        negotiation.first_offer_at = now
        negotiation.save(update_fields=["first_offer_at"])
        _notify_other_side(negotiation, step)
    return step


def _locked_with_last(negotiation: Negotiation):
    locked = Negotiation.objects.select_for_update().select_related("care_group", "insurer").get(pk=negotiation.pk)
    return locked, locked.steps.order_by("-number").first()


def negotiation_counter(*, actor, negotiation: Negotiation, terms, note: str = "", attachments=(),
                        now: datetime) -> NegotiationStep:
    """A proposal by the side that did not write the last step: a counter, or, when the insurer answers the
    care group's submission, its offer."""
    side = _side_of(actor, negotiation)
    terms = parse_terms(terms)
    note = _note(note)
    checked = _check_uploads(attachments)
    with transaction.atomic():
        locked, last = _locked_with_last(negotiation)
        kind = Kind.OFFER if side == Side.INSURER and locked.first_offer_at is None else Kind.COUNTER
        if _same_as_last(last, actor=actor, kind=kind, terms=terms, note=note):
            return last
        _check_open(locked, now)
        if last is None or last.side == side:
            raise ConflictError("not_your_turn", _("De andere partij is aan zet: wacht op haar voorstel."))
        step = _write_step(actor=actor, negotiation=locked, kind=kind, side=side, terms=terms, note=note,
                           now=now, checked=checked)
        if kind == Kind.OFFER:
            locked.first_offer_at = now
            locked.save(update_fields=["first_offer_at"])
        _notify_other_side(locked, step)
    return step


def negotiation_accept(*, actor, negotiation: Negotiation, note: str = "", now: datetime,
                       expected_step: int | None = None) -> NegotiationStep:
    """One side accepts the other side's last proposal as it stands (`expected_step`: the number of the step
    the person read; if a newer one came in meanwhile nothing is accepted). The agreement becomes the
    contract: a standard contract for this care group with the agreed lines, and an Offer that the care
    group's signatory signs by the end of 1 October. Accepting twice gives the same acceptance."""
    side = _side_of(actor, negotiation)
    note = _note(note)
    with transaction.atomic():
        locked, last = _locked_with_last(negotiation)
        if last is not None and last.kind == Kind.ACCEPTANCE:
            if last.actor_id == actor.pk:
                return last
            raise ConflictError("negotiation_agreed", _("Over deze onderhandeling is al overeenstemming bereikt."))
        _check_open(locked, now)
        if last is None or last.side == side:
            raise ConflictError("not_your_turn", _("U kunt alleen een voorstel van de andere partij aanvaarden."))
        if expected_step is not None and expected_step != last.number:
            raise ConflictError("step_changed", _("Er is intussen een nieuw voorstel; er is niets aanvaard. Lees het "
                                                  "en beslis opnieuw."))
        step = _write_step(actor=actor, negotiation=locked, kind=Kind.ACCEPTANCE, side=side, terms=last.terms,
                           note=note, now=now)
        offer = _agreement_offer(locked, step.terms, now)
        locked.status = Negotiation.Status.AGREED
        locked.agreed_at = now
        locked.offer = offer
        locked.save(update_fields=["status", "agreed_at", "offer"])
        audit_record(actor=actor, verb="contracting.negotiation.agreed", obj=locked,
                     after={"step": step.number, "offer": offer.pk})
        _notify_other_side(locked, step)
        _notify_signatories(locked, offer)
    return step


def _agreement_offer(negotiation: Negotiation, terms: dict, now: datetime) -> Offer:
    """The agreed terms as a contract: one line per programme and O&I prestatie (all of them in the contract),
    published at once (its content is frozen with a hash), and the Offer the care group signs."""
    care_group, year = negotiation.care_group, negotiation.year
    contract = StandardContract.objects.create(
        insurer=negotiation.insurer, holder_kind=HolderKind.CARE_GROUP, first_year=year, term_years=1,
        title=_("Ketenzorg en O&I %(year)s — %(care_group)s") % {"year": year, "care_group": care_group.name},
        conditions=_("Overeengekomen in de onderhandeling van %(care_group)s met %(insurer)s (stap %(step)s).")
        % {"care_group": care_group.name, "insurer": negotiation.insurer.name,
           "step": negotiation.steps.count()},
        status=StandardContract.Status.PUBLISHED, published_at=now)
    modules = {m.code: m for m in Module.objects.filter(code__in=[line["code"] for line in
                                                                  terms["programmes"] + terms["oi"]])}
    lines = []
    for p in terms["programmes"]:
        lines.append(ContractModule(
            standard_contract=contract, module=modules[p["code"]], tariff=Decimal(p["tariff"]), mandatory=True,
            expected_patients=p["expected_patients"], components=p["components"],
            inclusion_ceiling_percent=(Decimal(p["inclusion_ceiling_percent"])
                                       if p["inclusion_ceiling_percent"] is not None else None)))
    for line in terms["oi"]:
        lines.append(ContractModule(
            standard_contract=contract, module=modules[line["code"]], tariff=Decimal(line["tariff"]), mandatory=True,
            lumpsum=Decimal(line["lumpsum"]) if line["lumpsum"] is not None else None,
            staffel_from=line["staffel_from"]))
    ContractModule.objects.bulk_create(lines)
    contract.content_hash = content_hash(standard_contract_content(contract))
    contract.save(update_fields=["content_hash"])
    return Offer.objects.create(standard_contract=contract, care_group=care_group, year=year,
                                insurer=negotiation.insurer, region_id=care_group.region_id,
                                reason=Offer.Reason.PREFERENT)


def _notify_signatories(negotiation: Negotiation, offer: Offer) -> None:
    from accounts.services import notify_users

    window = signing_window(negotiation.year, HolderKind.CARE_GROUP)
    users = Membership.objects.filter(role=Role.CAREGROUP_SIGNATORY, care_group_id=negotiation.care_group_id)
    notify_users(user_ids=users.values_list("user_id", flat=True), key=f"negotiation-agreed:{negotiation.pk}",
                 subject=N_("Akkoord met %(insurer)s: contract %(year)s ondertekenen"),
                 body=N_("Er is overeenstemming over ketenzorg en O&I voor %(year)s (geschat %(amount)s ketenzorg). "
                         "Onderteken uiterlijk %(last_day)s."),
                 params={"insurer": negotiation.insurer.name, "year": negotiation.year,
                         "amount": amount(agreement_estimate(negotiation, offer).ketenzorg),
                         "last_day": day(last_day(window[1]))},
                 url=reverse("offers:sign", args=[offer.pk]))


def agreement_estimate(negotiation: Negotiation, offer: Offer):
    accepted = negotiation.steps.filter(kind=Kind.ACCEPTANCE).first()
    return terms_estimate(accepted.terms, care_group_population(offer.care_group))


def offer_agreement(offer: Offer) -> dict | None:
    """What a care-group contract's signature carries beyond its lines: the negotiation, the accepted step,
    the agreed terms as accepted, the population and the ketenzorg estimate (expected keten patients × tariff ×
    4 quarters, contracting.pricing). None for a practice's offer (no query)."""
    if not offer.care_group_id:
        return None
    negotiation = Negotiation.objects.filter(offer=offer).first()
    if negotiation is None:
        return None
    accepted = negotiation.steps.filter(kind=Kind.ACCEPTANCE).first()
    population = care_group_population(offer.care_group)
    estimate = terms_estimate(accepted.terms, population)
    return {"negotiation_id": negotiation.pk, "accepted_step": accepted.number,
            "agreed_at": accepted.at.isoformat(), "terms": accepted.terms, "population": population,
            "ketenzorg_estimate": str(estimate.ketenzorg), "oi_estimate": str(estimate.oi)}


def negotiations_close(*, year: int, effective_at: datetime) -> int:
    """At the end of 1 October: every negotiation of `year` still open closes without agreement, audited
    (unsigned agreed offers expire through offers_expire). Safe to repeat."""
    with transaction.atomic():
        open_ones = list(Negotiation.objects.select_for_update().filter(year=year, status=Negotiation.Status.OPEN)
                         .select_related("care_group", "insurer").order_by("pk"))
        for negotiation in open_ones:
            negotiation.status = Negotiation.Status.EXPIRED
            negotiation.save(update_fields=["status"])
            audit_record(actor=None, verb="contracting.negotiation.closed", obj=negotiation,
                         before={"status": Negotiation.Status.OPEN},
                         after={"status": Negotiation.Status.EXPIRED, "effective_at": effective_at})
        agreed = Negotiation.objects.filter(year=year, status=Negotiation.Status.AGREED,
                                            offer__status=Offer.Status.EXPIRED)
        for negotiation in agreed.select_for_update(of=("self",)):
            negotiation.status = Negotiation.Status.EXPIRED
            negotiation.save(update_fields=["status"])
            audit_record(actor=None, verb="contracting.negotiation.closed", obj=negotiation,
                         before={"status": Negotiation.Status.AGREED},
                         after={"status": Negotiation.Status.EXPIRED, "effective_at": effective_at})
    return len(open_ones)


def negotiation_mark_signed(*, offer: Offer) -> None:
    """Called when a care-group offer is signed: its negotiation reads signed."""
    if not offer.care_group_id:
        return
    Negotiation.objects.filter(offer=offer, status=Negotiation.Status.AGREED).update(status=Negotiation.Status.SIGNED)


# --- Keten patient numbers and the inclusieplafond ---------------------------------------------------------
def keten_patients_report(*, actor, offer: Offer, programme: str, quarter, patients, now: datetime
                          ) -> KetenPatientReport:
    """The care group reports how many patients are in a programme's keten in a quarter of its signed
    contract. With an agreed inclusieplafond (at most X% of the care group's population in the programme) a
    number above it is refused with the ceiling and the figure, and nothing is saved. Reporting the same
    number again changes nothing; a correction replaces the number (audited)."""
    if offer.care_group_id is None or offer.care_group_id not in care_group_ids_of(actor):
        raise Forbidden("not_care_group_member", _("Alleen medewerkers van het samenwerkingsverband kunnen "
                                                   "patiëntaantallen melden."))
    if offer.status != Offer.Status.SIGNED:
        raise ConflictError("offer_not_signed", _("Patiëntaantallen worden gemeld bij een ondertekend contract."))
    lines = {line["code"]: line for line in offer.signature.content["modules"]}
    line = lines.get(str(programme))
    if line is None or "expected_patients" not in line:
        raise PortalError("unknown_programme", _("Onbekend zorgprogramma in dit contract: ‘%(code)s’.")
                          % {"code": programme}, fields={"programme": [_("Onbekend zorgprogramma.")]})
    name = line["name"]
    q = _count(quarter, field="quarter", code="invalid_quarter", label=_("Kwartaal"))
    if not 1 <= q <= 4:
        raise PortalError("invalid_quarter", _("Het kwartaal is 1, 2, 3 of 4."), fields={"quarter": [_("1 tot 4.")]})
    n = _count(patients, field="patients", label=_("Patiënten in de keten %(programme)s") % {"programme": name})
    population = care_group_population(offer.care_group)
    ceiling_percent = line.get("inclusion_ceiling_percent")
    if ceiling_percent is not None:
        ceiling = int(Decimal(ceiling_percent) * population / 100)
        if n > ceiling:
            raise PortalError(
                "inclusion_ceiling_exceeded",
                _("%(patients)s patiënten in de keten %(programme)s is meer dan het inclusieplafond: ten hoogste "
                  "%(percent)s%% van uw populatie van %(population)s, dat is %(ceiling)s patiënten. Er is niets "
                  "opgeslagen.")
                % {"patients": count(n), "programme": name, "percent": hours(ceiling_percent),
                   "population": count(population), "ceiling": count(ceiling)},
                fields={"patients": [_("Ten hoogste %(ceiling)s.") % {"ceiling": count(ceiling)}]})
    module = Module.objects.get(code=programme)
    with transaction.atomic():
        Offer.objects.select_for_update().get(pk=offer.pk)
        existing = KetenPatientReport.objects.filter(offer=offer, module=module, quarter=q).first()
        if existing is not None:
            if existing.patients == n:
                return existing
            before = existing.patients
            existing.patients, existing.population = n, population
            existing.reported_by, existing.reported_at = actor, now
            existing.save(update_fields=["patients", "population", "reported_by", "reported_at"])
            audit_record(actor=actor, verb="contracting.keten_report.corrected", obj=offer,
                         before={"programme": programme, "quarter": q, "patients": before},
                         after={"programme": programme, "quarter": q, "patients": n})
            return existing
        report = KetenPatientReport.objects.create(offer=offer, module=module, quarter=q, patients=n,
                                                   population=population, reported_by=actor, reported_at=now)
        audit_record(actor=actor, verb="contracting.keten_report.added", obj=offer,
                     after={"programme": programme, "quarter": q, "patients": n, "population": population})
    return report
