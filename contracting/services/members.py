"""A care group's member practices: the programmes each takes part in and its POH-S arrangement. Set by the
care group's people; the practice sees both on its own pages."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import memberships_of
from core.audit import audit_record
from core.errors import Forbidden, PortalError
from providers.models import CareGroup, Practice

from ..models import PohsArrangement, PohsVariant, ProgrammeParticipation
from ..selectors.members import programme_modules

CARE_GROUP_ROLES = (Role.CAREGROUP_MEMBER, Role.CAREGROUP_SIGNATORY)


def require_care_group_member(actor, care_group: CareGroup) -> None:
    """Only the care group's own people (actor None is the system)."""
    if actor is not None and not any(m.role in CARE_GROUP_ROLES and m.care_group_id == care_group.pk
                                     for m in memberships_of(actor)):
        raise Forbidden("not_care_group_member", _("Alleen medewerkers van het samenwerkingsverband kunnen dit doen."))


def _require_member_practice(care_group: CareGroup, practice: Practice) -> None:
    if not care_group.practices.filter(pk=practice.pk).exists():
        raise PortalError("not_a_member", _("%(practice)s is niet aangesloten bij %(care_group)s.")
                          % {"practice": practice.name, "care_group": care_group.name},
                          fields={"practice": [_("Geen aangesloten praktijk.")]})


def member_programmes_set(*, actor, care_group: CareGroup, practice: Practice, programmes) -> list[str]:
    """The programmes of `care_group` that `practice` (a member) takes part in, as catalogue codes: replaces
    the previous set. A code that is not one of the catalogue's S2 zorgprogramma's is refused (400
    unknown_programme) and nothing changes. Locks the care group; audited when the set changes; the same set
    again changes nothing. Returns the codes, in catalogue order."""
    require_care_group_member(actor, care_group)
    wanted = [str(code) for code in (programmes or [])]
    modules = {m.code: m for m in programme_modules()}
    unknown = [code for code in wanted if code not in modules]
    if unknown:
        raise PortalError("unknown_programme", _("Onbekend programma: %(codes)s.") % {"codes": ", ".join(unknown)},
                          fields={"programmes": [_("Kies programma's uit de catalogus.")]})
    with transaction.atomic():
        CareGroup.objects.select_for_update().filter(pk=care_group.pk).first()
        _require_member_practice(care_group, practice)
        current = set(ProgrammeParticipation.objects.filter(care_group=care_group, practice=practice)
                      .values_list("module__code", flat=True))
        target = set(wanted)
        if current != target:
            ProgrammeParticipation.objects.filter(care_group=care_group, practice=practice).exclude(
                module__code__in=target).delete()
            ProgrammeParticipation.objects.bulk_create(
                [ProgrammeParticipation(care_group=care_group, practice=practice, module=modules[code])
                 for code in sorted(target - current)])
            audit_record(actor=actor, verb="contracting.care_group.programmes_set", obj=care_group,
                         before={"practice": practice.pk, "programmes": sorted(current)},
                         after={"practice": practice.pk, "programmes": sorted(target)})
    order = list(modules)
    return sorted(target, key=order.index)


def _parse_amount(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise PortalError("invalid_amount", _("Geef een bedrag in euro's, bijvoorbeeld 2500,00."),
                          fields={"care_group_amount": [_("Geef een bedrag in euro's, bijvoorbeeld 2500,00.")]})
    if value < 0:
        raise PortalError("negative_amount", _("Een bedrag kan niet negatief zijn."),
                          fields={"care_group_amount": [_("Een bedrag kan niet negatief zijn.")]})
    if value != value.quantize(Decimal("0.01")) or value >= Decimal("100000000"):
        raise PortalError("invalid_amount", _("Geef een bedrag in euro's, bijvoorbeeld 2500,00."),
                          fields={"care_group_amount": [_("Ten hoogste twee decimalen.")]})
    return value


def pohs_arrangement_set(*, actor, care_group: CareGroup, practice: Practice, variant: str,
                         care_group_amount=None) -> PohsArrangement:
    """Record how POH-S is arranged between `practice` (a member) and `care_group`: one of the three variants
    of PohsVariant. Only the hybrid variant has an amount (what the practice receives for POH-S from the care
    group each year; required, not negative); the others have none. A practice has one arrangement: recording
    it for another of its care groups replaces it. Audited; the same again changes nothing."""
    require_care_group_member(actor, care_group)
    if variant not in PohsVariant.values:
        raise PortalError("invalid_variant", _("Kies een van de drie afspraken over POH-S."),
                          fields={"variant": [_("Kies een van de drie afspraken over POH-S.")]})
    amount = _parse_amount(care_group_amount)
    if variant == PohsVariant.HYBRID and amount is None:
        raise PortalError("amount_required", _("Geef het bedrag dat de praktijk via het samenwerkingsverband "
                                               "voor POH-S ontvangt."),
                          fields={"care_group_amount": [_("Verplicht bij deze afspraak.")]})
    if variant != PohsVariant.HYBRID:
        amount = None
    with transaction.atomic():
        Practice.objects.select_for_update().filter(pk=practice.pk).first()
        _require_member_practice(care_group, practice)
        existing = PohsArrangement.objects.filter(practice=practice).first()
        values = {"care_group_id": care_group.pk, "variant": variant, "care_group_amount": amount}
        if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
            return existing
        before = None if existing is None else {
            "care_group": existing.care_group_id, "variant": existing.variant,
            "care_group_amount": existing.care_group_amount}
        if existing is None:
            arrangement = PohsArrangement.objects.create(practice=practice, updated_by=actor, **values)
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.updated_by = actor
            existing.save(update_fields=[*values, "updated_by", "updated_at"])
            arrangement = existing
        audit_record(actor=actor, verb="contracting.pohs_arrangement.set", obj=arrangement, before=before,
                     after={"care_group": care_group.pk, "variant": variant, "care_group_amount": amount})
    return arrangement


def member_practice_set(*, actor, care_group: CareGroup, practice: Practice, programmes,
                        variant: str | None = None, care_group_amount=None) -> tuple[list[str], PohsArrangement | None]:
    """The care group's members page saves both at once: the programmes and (when `variant` is given) the
    POH-S arrangement, all or nothing."""
    with transaction.atomic():
        codes = member_programmes_set(actor=actor, care_group=care_group, practice=practice, programmes=programmes)
        arrangement = None
        if variant:
            arrangement = pohs_arrangement_set(actor=actor, care_group=care_group, practice=practice,
                                               variant=variant, care_group_amount=care_group_amount)
    return codes, arrangement
