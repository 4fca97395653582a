"""Writes of the contracting app: contract years, their calendar, and the deadline sweep."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ConflictError, PortalError

from ..calendar import GCP_CALENDAR, PHASE_ORDER, SIGNING_REMINDER_DAYS, MilestoneKind, signing_reminder_due_at
from ..engine import effects_for
from ..models import ContractYear, Milestone, MilestoneEffect, SweepRun

logger = logging.getLogger(__name__)


def contract_year_ensure(*, actor, year: int) -> ContractYear:
    """Create contract year `year` with a milestone for every row of the GCP calendar, or add the missing ones.

    Safe to repeat: existing milestones (and dates an admin changed) are left as they are.
    """
    if not 2000 <= year <= 2100:
        raise PortalError("invalid_year", _("Contractjaar %(year)s valt buiten het bereik 2000–2100.") % {"year": year})
    with transaction.atomic():
        contract_year, created = ContractYear.objects.get_or_create(year=year)
        existing = set(contract_year.milestones.values_list("kind", flat=True))
        missing = [
            Milestone(contract_year=contract_year, kind=rule.kind, due_at=rule.due_at(year))
            for rule in GCP_CALENDAR
            if rule.kind not in existing
        ]
        Milestone.objects.bulk_create(missing, ignore_conflicts=True)
        if created or missing:
            audit_record(actor=actor, verb="contracting.contract_year.created" if created
                         else "contracting.contract_year.milestones_added", obj=contract_year,
                         after={"milestones": [m.kind for m in missing]})
    return contract_year


def milestone_reschedule(*, actor, milestone: Milestone, due_at: datetime) -> Milestone:
    """Move a milestone to another moment. Refused once the milestone has been applied: its effects are
    history. Audited with the old and the new moment. Moving the end of signing moves the signing reminders
    that have not gone out yet along with it (14, 7 and 2 days before the new last day)."""
    if timezone.is_naive(due_at):
        raise PortalError("naive_datetime", _("Geef het moment met tijdzone op."))
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.applied_at is not None:
            raise ConflictError(
                "milestone_already_applied",
                _("‘%(milestone)s’ is al verwerkt op %(applied_at)s; de datum kan niet meer wijzigen.")
                % {"milestone": locked.get_kind_display(),
                   "applied_at": f"{timezone.localtime(locked.applied_at):%d-%m-%Y %H:%M}"},
            )
        if locked.due_at == due_at:
            return locked
        before = {"due_at": locked.due_at}
        locked.due_at = due_at
        locked.save(update_fields=["due_at"])
        audit_record(actor=actor, verb="contracting.milestone.rescheduled", obj=locked,
                     before=before, after={"due_at": due_at})
        if locked.kind == MilestoneKind.SIGNING_CLOSE:
            reminders = Milestone.objects.filter(contract_year_id=locked.contract_year_id,
                                                 kind__in=list(SIGNING_REMINDER_DAYS), applied_at__isnull=True)
            for reminder in reminders:
                milestone_reschedule(actor=actor, milestone=reminder,
                                     due_at=signing_reminder_due_at(reminder.kind, due_at))
    return locked


def contract_year_advance_phase(*, contract_year: ContractYear, phase: str, effective_at: datetime) -> bool:
    """Move the year forward to `phase`; never backward (a late sweep may apply milestones out of order).
    The caller holds the year's row lock."""
    if PHASE_ORDER.index(phase) <= PHASE_ORDER.index(contract_year.phase):
        return False
    before = {"phase": contract_year.phase}
    contract_year.phase = phase
    contract_year.phase_since = effective_at
    contract_year.save(update_fields=["phase", "phase_since"])
    audit_record(actor=None, verb="contracting.contract_year.phase_changed", obj=contract_year,
                 before=before, after={"phase": phase, "effective_at": effective_at})
    return True


def _apply_milestone(milestone: Milestone, *, now: datetime) -> dict:
    summary = {}
    done = set(milestone.effects.values_list("effect", flat=True))
    for effect in effects_for(milestone.kind):
        if effect.name in done:
            continue
        if effect.is_too_late(due_at=milestone.due_at, now=now):
            status, result = MilestoneEffect.Status.SKIPPED, {"reason": "late", "late_after": str(effect.late_after)}
        else:
            status = MilestoneEffect.Status.APPLIED
            result = effect.func(milestone=milestone, effective_at=milestone.due_at, now=now) or {}
        MilestoneEffect.objects.create(milestone=milestone, effect=effect.name, status=status,
                                       effective_at=milestone.due_at, applied_at=now, result=result)
        summary[effect.name] = {"status": status, **result}
    return summary


def milestones_sweep(*, now: datetime) -> SweepRun | None:
    """Apply every milestone that is due at `now` and not yet applied, oldest first, each in its own
    transaction. Catches up after downtime by construction (it selects on due_at <= now, not on "today").

    Two sweeps at once are harmless: each milestone row is claimed with SELECT ... FOR UPDATE SKIP LOCKED
    and checked again under the lock, and MilestoneEffect's unique constraint backs that up. The year row is
    locked after its milestone (always in that order), because phase effects change it.
    Returns the recorded run, or None when nothing was due.
    """
    started = timezone.now()
    due = list(
        Milestone.objects.filter(due_at__lte=now, applied_at__isnull=True)
        .order_by("due_at", "pk").values_list("pk", flat=True)
    )
    details = []
    for pk in due:
        try:
            with transaction.atomic():
                milestone = (
                    Milestone.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, applied_at__isnull=True).first()
                )
                if milestone is None:
                    continue  # applied meanwhile, or another sweep holds it
                milestone.contract_year = ContractYear.objects.select_for_update().get(pk=milestone.contract_year_id)
                summary = _apply_milestone(milestone, now=now)
                milestone.applied_at = now
                milestone.save(update_fields=["applied_at"])
                audit_record(actor=None, verb="contracting.milestone.applied", obj=milestone,
                             after={"due_at": milestone.due_at, "effects": summary})
        except IntegrityError:
            # Another sweep recorded an effect of this milestone first; its transaction owns the work.
            logger.info("milestone %s: another sweep got there first", pk)
            continue
        details.append({"milestone": pk, "year": milestone.contract_year.year, "kind": milestone.kind,
                        "due_at": milestone.due_at.isoformat(), "effects": summary})
    if not details:
        return None
    return SweepRun.objects.create(started_at=started, finished_at=timezone.now(), as_of=now,
                                   applied_count=len(details), details=details)
