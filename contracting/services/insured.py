"""Insured counts: how many of a practice's registered patients each insurer insures, the base of that
insurer's estimate for the practice (pricing.amount_base)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import memberships_of, user_has_role
from core.audit import audit_event
from core.errors import Forbidden, PortalError
from core.models import AuditEvent
from core.numbers import count
from providers.models import InsuredCount, Practice


def _parse_count(raw) -> tuple[int | None, str | None]:
    if isinstance(raw, bool):
        return None, "invalid_insured"
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except (TypeError, ValueError):
        return None, "invalid_insured"
    if value < 0:
        return None, "negative_insured"
    return value, None


def insured_counts_set(*, actor, insurer, counts) -> list[InsuredCount]:
    """Store the number of `insurer`'s insured among the registered patients of each practice in `counts`
    ({practice id: number}). A purchaser of that insurer, an administrator or the system (actor None).

    All or nothing: a number that is not a whole number, is negative, or makes the counts of all insurers of a
    practice together more than its registered patients is refused (400, per practice in `fields["counts"]`)
    and nothing is stored. Locks the practices in primary-key order (a concurrent change of the registered
    patients or of another insurer's count waits). Each changed count is audited; the same numbers again change
    nothing."""
    if actor is not None and not (actor.is_superuser or user_has_role(actor, Role.ADMINISTRATOR)
                                  or any(m.role == Role.INSURER_PURCHASER and m.insurer_id == insurer.pk
                                         for m in memberships_of(actor))):
        raise Forbidden("not_purchaser", _("Alleen een zorginkoper van deze zorgverzekeraar kan dit doen."))
    errors: dict[str, list[str]] = {}
    wanted: dict[int, int] = {}
    codes = set()
    for practice_id, raw in dict(counts).items():
        value, problem = _parse_count(raw)
        if problem == "negative_insured":
            errors[str(practice_id)] = [_("Een aantal verzekerden kan niet negatief zijn.")]
        elif problem:
            errors[str(practice_id)] = [_("Geef een heel aantal verzekerden, bijvoorbeeld 700.")]
        if problem:
            codes.add(problem)
            continue
        wanted[int(getattr(practice_id, "pk", practice_id))] = value
    with transaction.atomic():
        practices = {p.pk: p for p in Practice.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
        for practice_id in wanted:
            if practice_id not in practices:
                errors[str(practice_id)] = [_("Deze praktijk bestaat niet.")]
                codes.add("unknown_practice")
        existing = {(c.practice_id, c.insurer_id): c for c in InsuredCount.objects.filter(practice_id__in=practices)}
        totals: dict[int, int] = {}
        for (practice_id, insurer_id), row in existing.items():
            if insurer_id != insurer.pk:
                totals[practice_id] = totals.get(practice_id, 0) + row.insured
        for practice_id, value in wanted.items():
            practice = practices.get(practice_id)
            if practice is None:
                continue
            total = totals.get(practice_id, 0) + value
            if total > practice.registered_patients:
                errors[str(practice_id)] = [_(
                    "Samen %(total)s verzekerden bij alle verzekeraars, meer dan de %(registered)s ingeschreven "
                    "patiënten van %(practice)s.") % {"total": count(total),
                                                      "registered": count(practice.registered_patients),
                                                      "practice": practice.name}]
                codes.add("insured_above_registered")
        if errors:
            code = next(c for c in ("negative_insured", "insured_above_registered", "unknown_practice",
                                     "invalid_insured") if c in codes)
            raise PortalError(code, _("Controleer de aantallen verzekerden."), fields={"counts": errors})
        rows, events = [], []
        for practice_id, value in sorted(wanted.items()):
            row = existing.get((practice_id, insurer.pk))
            if row is not None and row.insured == value:
                rows.append(row)
                continue
            before = None if row is None else {"insured": row.insured}
            if row is None:
                row = InsuredCount.objects.create(practice_id=practice_id, insurer=insurer, insured=value)
            else:
                row.insured = value
                row.save(update_fields=["insured", "updated_at"])
            rows.append(row)
            events.append(audit_event(actor=actor, verb="providers.insured_count.set", obj=row, before=before,
                                      after={"practice": practice_id, "insurer": insurer.pk, "insured": value}))
        AuditEvent.objects.bulk_create(events)
    return rows
