"""Writes of the contract years and their calendars: creating a year (and the next one, before its cycle
starts), moving a milestone (with the milestones counted from it and the clocks anchored to it), and the
year's phase."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError

from ..calendar import PHASE_ORDER, MilestoneKind, local_date
from ..engine import calendar_rule, calendar_rules, dependent_rules, relative_due_at
from ..models import ContractYear, Milestone

FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_contract_year(year: int) -> None:
    """The years the portal can hold a calendar for (the admin form asks the same)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PortalError("invalid_year", _("Contractjaar %(year)s valt buiten het bereik %(first)s–%(last)s.")
                          % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR})


def calendar_due_moments(year: int, existing: dict[str, datetime] | None = None) -> dict[str, datetime]:
    """The moment of every registered rule in contract year `year`: the default of a fixed-day rule, or for a
    rule counted from another milestone, that milestone's moment (as stored in `existing`, so a date an
    administrator moved counts) plus the offset."""
    existing = existing or {}
    due: dict[str, datetime] = {}
    for rule in calendar_rules():  # anchors come before the rules counted from them
        if rule.kind in existing:
            due[rule.kind] = existing[rule.kind]
        elif rule.is_relative:
            due[rule.kind] = relative_due_at(rule, due[rule.relative_to])
        else:
            due[rule.kind] = rule.due_at(year)
    return due


def _contract_year_ensure(*, actor, year: int) -> tuple[ContractYear, bool, list[str]]:
    check_contract_year(year)
    with transaction.atomic():
        # Two sweeps (or a sweep and an administrator) may create the same year at once: the unique year makes
        # the second INSERT wait for the first and then fail inside get_or_create's savepoint, which reads the
        # committed row instead. The row lock then serialises adding milestones, so exactly one of them records
        # the creation.
        contract_year, created = ContractYear.objects.get_or_create(year=year)
        contract_year = ContractYear.objects.select_for_update().get(pk=contract_year.pk)
        existing = dict(contract_year.milestones.values_list("kind", "due_at"))
        due = calendar_due_moments(year, existing)
        missing = [Milestone(contract_year=contract_year, kind=kind, due_at=moment)
                   for kind, moment in due.items() if kind not in existing]
        Milestone.objects.bulk_create(missing, ignore_conflicts=True)
        if created or missing:
            audit_record(actor=actor, verb="contracting.contract_year.created" if created
                         else "contracting.contract_year.milestones_added", obj=contract_year,
                         after={"milestones": [m.kind for m in missing]})
    return contract_year, created, [m.kind for m in missing]


def contract_year_ensure(*, actor, year: int) -> ContractYear:
    """Create contract year `year` with a milestone for every registered calendar rule, or add the missing
    ones (a rule an app registered since). Safe to repeat, and safe with two callers at once: existing
    milestones (and dates an admin changed) are left as they are, and the creation is audited once."""
    return _contract_year_ensure(actor=actor, year=year)[0]


def contract_year_ensure_next(*, year: int) -> dict:
    """Year `year` + 1 with its whole calendar (the effect of year `year`'s end of signing)."""
    _year, created, added = _contract_year_ensure(actor=None, year=year + 1)
    return {"year": year + 1, "created": created, "milestones_added": len(added)}


def contract_years_required(now: datetime) -> list[int]:
    """The contract years that must exist at `now`: the one whose cycle runs this calendar year (contract year
    Y is prepared during Y-1, from the evaluation on 1 January), and the next one as soon as that year's
    signing has closed, so its cycle can be prepared before it starts on 1 January. One query."""
    year = local_date(now).year + 1
    close = (Milestone.objects.filter(contract_year__year=year, kind=MilestoneKind.SIGNING_CLOSE)
             .values_list("due_at", flat=True).first())
    if close is None:
        close = calendar_rule(MilestoneKind.SIGNING_CLOSE).due_at(year)
    return [year, year + 1] if now >= close else [year]


def contract_years_roll_over(*, now: datetime) -> list[int]:
    """The sweep's first step: create the contract years `contract_years_required` names when they are
    missing, and add the milestones of newly registered rules to them. Returns the years created. Two
    queries when nothing is missing."""
    years = contract_years_required(now)
    registered = {rule.kind for rule in calendar_rules()}
    present: dict[int, set[str]] = {year: set() for year in years}
    for year, kind in Milestone.objects.filter(contract_year__year__in=years).values_list("contract_year__year",
                                                                                          "kind"):
        present[year].add(kind)
    created = []
    for year in years:
        if registered - present[year]:
            _contract_year, was_created, _added = _contract_year_ensure(actor=None, year=year)
            if was_created:
                created.append(year)
    return created


def milestone_reschedule(*, actor, milestone: Milestone, due_at: datetime) -> Milestone:
    """Move a milestone to another moment. Refused once the milestone has been applied: its effects are
    history. Audited with the old and the new moment. The milestones counted from it (the signing reminders
    before the end of signing, or any app's relative rule) move along when they have not been applied yet,
    and so do the clocks anchored to it that are still running (a follow request's decision date).

    Only an administrator (staff) moves a date: the end of signing decides who may still sign. Actor None is
    the system (demo data, the benchmark)."""
    from .clocks import clocks_follow_milestone

    if actor is not None and not actor.is_staff:
        raise Forbidden("not_staff", _("Alleen een beheerder kan de datum van een mijlpaal verplaatsen."))
    if timezone.is_naive(due_at):
        raise PortalError("naive_datetime", _("Geef het moment met tijdzone op."))
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.applied_at is not None:
            raise ConflictError(
                "milestone_already_applied",
                _("‘%(milestone)s’ is al verwerkt op %(applied_at)s; de datum kan niet meer wijzigen.")
                % {"milestone": locked.label,
                   "applied_at": f"{timezone.localtime(locked.applied_at):%d-%m-%Y %H:%M}"},
            )
        if locked.due_at == due_at:
            return locked
        before = {"due_at": locked.due_at}
        locked.due_at = due_at
        locked.save(update_fields=["due_at"])
        audit_record(actor=actor, verb="contracting.milestone.rescheduled", obj=locked,
                     before=before, after={"due_at": due_at})
        for rule in dependent_rules(locked.kind):
            dependent = Milestone.objects.filter(contract_year_id=locked.contract_year_id, kind=rule.kind,
                                                 applied_at__isnull=True).first()
            if dependent is not None:
                milestone_reschedule(actor=actor, milestone=dependent, due_at=relative_due_at(rule, due_at))
        clocks_follow_milestone(actor=actor, milestone=locked)
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
