"""Surveys: create one from a definition (surveys/definitions.py), publish it, close it.

Each service checks who acts, audits inside its transaction and is safe to repeat; bad input is a PortalError
with a Dutch message and nothing is saved."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import ConflictError, PortalError

from ..access import require_survey_owner
from ..definitions import definition_check
from ..models import Invitation, Question, Response, Section, Survey

A = Survey.Audience


def _audience_check(audience, audience_region, audience_insurer) -> None:
    if audience not in A.values:
        raise PortalError("audience_invalid", _("Kies een doelgroep."), fields={"audience": [_("Kies een doelgroep.")]})
    if audience == A.REGION and audience_region is None:
        message = _("Kies de regio van de doelgroep.")
        raise PortalError("audience_region_missing", message, fields={"audience_region": [message]})
    if audience != A.REGION and audience_region is not None:
        message = _("Een regio hoort alleen bij de doelgroep ‘praktijken en samenwerkingsverbanden in een regio’.")
        raise PortalError("audience_region_unexpected", message, fields={"audience_region": [message]})
    if audience == A.CONTRACTANTS and audience_insurer is None:
        message = _("Kies de zorgverzekeraar van wie de gecontracteerden de enquête krijgen.")
        raise PortalError("audience_insurer_missing", message, fields={"audience_insurer": [message]})
    if audience != A.CONTRACTANTS and audience_insurer is not None:
        message = _("Een zorgverzekeraar hoort alleen bij de doelgroep ‘de gecontracteerden van een zorgverzekeraar’.")
        raise PortalError("audience_insurer_unexpected", message, fields={"audience_insurer": [message]})


def survey_dates_check(*, year, opens_at: datetime, closes_at: datetime) -> None:
    """The one check of a survey's year and opening and closing moments."""
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        message = _("Het contractjaar is een jaartal tussen 2000 en 2100.")
        raise PortalError("year_invalid", message, fields={"year": [message]})
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            message = _("Geef een datum en tijd op.")
            raise PortalError("moment_invalid", message, fields={name: [message]})
    if closes_at <= opens_at:
        message = _("De enquête moet sluiten na het moment dat hij opent.")
        raise PortalError("closes_before_opening", message, fields={"closes_at": [message]})


def survey_create_from_definition(*, actor, definition: dict, year: int, opens_at: datetime, closes_at: datetime,
                                  owner_insurer=None, audience: str | None = None, audience_region=None,
                                  audience_insurer=None) -> Survey:
    """Create a draft survey with its sections and questions from `definition` (the format of
    surveys/definitions.py), for contract year `year`, open from `opens_at` until `closes_at` (exclusive).

    `audience` overrides the definition's; `audience_region` goes with the audience "region",
    `audience_insurer` with "contractants" (defaults to `owner_insurer` there). Who acts: a purchaser of
    `owner_insurer`, or for a survey without owner the NZa or an administrator; actor None is the system.

    Safe to repeat: a survey from the same template key for the same year and owner is returned as it is
    (give a definition another key for a second survey). Nothing is saved when the definition or the
    arguments are wrong (PortalError with every problem in Dutch)."""
    require_survey_owner(actor, getattr(owner_insurer, "pk", None))
    definition_check(definition)
    survey_dates_check(year=year, opens_at=opens_at, closes_at=closes_at)
    audience = audience or definition.get("audience")
    if audience == A.CONTRACTANTS and audience_insurer is None:
        audience_insurer = owner_insurer
    _audience_check(audience, audience_region, audience_insurer)

    with transaction.atomic():
        if owner_insurer is not None:
            type(owner_insurer).objects.select_for_update().filter(pk=owner_insurer.pk).first()
        existing = Survey.objects.filter(template=definition["key"], year=year, owner_insurer=owner_insurer).first()
        if existing is not None:
            return existing
        survey = Survey.objects.create(
            kind=definition["kind"], series=definition.get("series", ""), template=definition["key"], year=year,
            title=definition["title"].strip(), introduction=definition.get("introduction", ""),
            owner_insurer=owner_insurer, audience=audience, audience_region=audience_region,
            audience_insurer=audience_insurer, anonymous=definition.get("anonymous", False),
            threshold=definition.get("threshold", 5), opens_at=opens_at, closes_at=closes_at,
            reminder_days_before=definition.get("reminder_days_before", 7),
            created_by=actor if getattr(actor, "pk", None) else None)
        questions: list[Question] = []
        conditions: list[tuple[Question, str]] = []
        for s_position, s_def in enumerate(definition["sections"], start=1):
            section = Section.objects.create(survey=survey, position=s_position, title=s_def["title"].strip(),
                                             help_text=s_def.get("help_text", ""))
            for q_def in s_def["questions"]:
                question = Question(
                    survey=survey, section=section, code=q_def["code"].strip(), position=len(questions) + 1,
                    kind=q_def["kind"], text=q_def["text"].strip(), help_text=q_def.get("help_text", ""),
                    required=q_def.get("required", False), options=q_def.get("options") or [],
                    rows=q_def.get("rows") or [],
                    min_value=None if q_def.get("min_value") is None else Decimal(str(q_def["min_value"])),
                    max_value=None if q_def.get("max_value") is None else Decimal(str(q_def["max_value"])),
                    show_if_values=q_def.get("show_if_values") or [],
                    show_if_same_row=q_def.get("show_if_same_row", False), repeat=q_def.get("repeat", ""),
                    source_note=q_def.get("source_note", ""))
                questions.append(question)
                if q_def.get("show_if"):
                    conditions.append((question, q_def["show_if"]))
        Question.objects.bulk_create(questions)
        by_code = {q.code: q for q in questions}
        for question, code in conditions:
            question.show_if = by_code[code]
        if conditions:
            Question.objects.bulk_update([q for q, _code in conditions], ["show_if"])
        audit_record(actor=actor, verb="surveys.survey.created", obj=survey,
                     after={"template": survey.template, "year": year, "audience": audience,
                            "questions": len(questions), "opens_at": opens_at, "closes_at": closes_at})
    return survey


# The engine's per-object clocks of a published survey (registered in surveys/effects.py): its invitations go
# out when it opens, a reminder N days before it closes, and it closes. Each runs once and catches up after
# downtime (the sweep runs an effect of a clock that fell due while the worker was down, with the clock's own
# moment as its effective time).
INVITE_CLOCK = "surveys.survey.invite"
REMIND_CLOCK = "surveys.survey.remind"
CLOSE_CLOCK = "surveys.survey.close"
INVITATION_BATCH = 2000


def survey_reminder_at(survey: Survey) -> datetime | None:
    """When the reminder goes out: `reminder_days_before` days before closing, at the same time of day in
    Amsterdam (so across a DST switch it stays 00:00 local); None without a reminder or when that moment is not
    after the opening."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    if not survey.reminder_days_before:
        return None
    local = survey.closes_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    moment = (local.replace(tzinfo=None) - timedelta(days=survey.reminder_days_before)).replace(
        tzinfo=ZoneInfo("Europe/Amsterdam"))
    return moment if moment > survey.opens_at else None


def survey_publish(*, actor, survey: Survey, now: datetime) -> Survey:
    """Publish a draft survey: its audience is resolved into invitations (one per respondent, with the
    respondent's attributes), and the engine's clocks are started for the invitations at opening, the reminder
    and the closing. Who acts: the survey's owner. Refused once it would already be closed. Safe to repeat: a
    published survey is returned as it is. Locks the survey row."""
    from contracting.services import clock_start

    from ..audiences import audience_invitations

    require_survey_owner(actor, survey.owner_insurer_id)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != Survey.Status.DRAFT:
            return survey
        if survey.closes_at <= now:
            raise ConflictError("survey_closes_in_the_past",
                                _("Deze enquête zou al gesloten zijn; kies eerst een latere sluitingsdatum."))
        invitations = audience_invitations(survey)
        Invitation.objects.bulk_create(invitations, batch_size=INVITATION_BATCH)
        survey.status, survey.published_at = Survey.Status.PUBLISHED, now
        survey.save(update_fields=["status", "published_at"])
        clock_start(actor=actor, obj=survey, kind=INVITE_CLOCK, started_at=survey.opens_at)
        reminder_at = survey_reminder_at(survey)
        if reminder_at is not None:
            clock_start(actor=actor, obj=survey, kind=REMIND_CLOCK, started_at=reminder_at)
        clock_start(actor=actor, obj=survey, kind=CLOSE_CLOCK, started_at=survey.closes_at)
        audit_record(actor=actor, verb="surveys.survey.published", obj=survey,
                     after={"invitations": len(invitations), "opens_at": survey.opens_at,
                            "closes_at": survey.closes_at, "reminder_at": reminder_at})
    return survey


def survey_close(*, actor, survey: Survey, now: datetime) -> Survey:
    """Close a published survey (the engine does it at closing time): no response changes any more. An
    anonymous survey's responses are detached from their invitations and their moments set to the closing
    moment, so nothing links an answer to who gave it (the invitation keeps only that it was answered, for the
    response rate). Safe to repeat."""
    require_survey_owner(actor, survey.owner_insurer_id)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status == Survey.Status.CLOSED:
            return survey
        if survey.status != Survey.Status.PUBLISHED:
            raise ConflictError("survey_not_published", _("Alleen een gepubliceerde enquête kan sluiten."))
        detached = 0
        if survey.anonymous:
            detached = Response.objects.filter(survey=survey, invitation__isnull=False).update(
                invitation=None, started_at=survey.closes_at, updated_at=survey.closes_at)
            Response.objects.filter(survey=survey, submitted_at__isnull=False).update(submitted_at=survey.closes_at)
        survey.status = Survey.Status.CLOSED
        survey.save(update_fields=["status"])
        audit_record(actor=actor, verb="surveys.survey.closed", obj=survey,
                     after={"at": now, "anonymous_detached": detached})
    return survey
