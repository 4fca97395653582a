"""Meetings of a round: planned by either side with agenda and attendees, minutes written in Markdown (shown
through core.markdown.render_markdown, sanitised on output), attachments checked by core.uploads."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from core.audit import audit_record
from core.errors import PortalError
from core.uploads import check_upload

from ..access import require_round_party
from ..models import ConsultationRound, Meeting, MeetingAttachment
from .common import TITLE_MAX, clean_text

ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "odt", "png", "jpg", "jpeg")
MAX_FILES = 5


def round_party_user_ids(round: ConsultationRound) -> set[int]:
    """Who can be recorded as attending: the team's members and its insurer's purchasers."""
    return set(Membership.objects.filter(
        Q(role=Role.OTH_MEMBER, overleg_team_id=round.overleg_team_id)
        | Q(role=Role.INSURER_PURCHASER, insurer_id=round.overleg_team.insurer_id)).values_list("user_id", flat=True))


def _attendees(round: ConsultationRound, attendee_ids) -> list[int]:
    wanted = {int(pk) for pk in attendee_ids or ()}
    unknown = wanted - round_party_user_ids(round)
    if unknown:
        raise PortalError("unknown_attendee", _("Alleen leden van het overlegteam en zorginkopers van de "
                                                "zorgverzekeraar kunnen als aanwezig worden vastgelegd."),
                          fields={"attendees": [_("Onbekende deelnemer.")]})
    return sorted(wanted)


def meeting_plan(*, actor, round: ConsultationRound, title: str, starts_at: datetime, location: str = "",
                 agenda: str = "", attendee_ids=(), other_attendees: str = "", now: datetime) -> Meeting:
    """Plan a meeting of `round`. Planning the same (title and moment) again gives the same meeting."""
    require_round_party(actor, round)
    title = clean_text(title, field="title", required=_("Geef het overleg een titel."), limit=TITLE_MAX)
    location = clean_text(location, field="location", limit=200)
    agenda = clean_text(agenda, field="agenda")
    other_attendees = clean_text(other_attendees, field="other_attendees", limit=2000)
    if starts_at is None:
        raise PortalError("starts_at_required", _("Geef datum en tijd van het overleg."),
                          fields={"starts_at": [_("Verplicht.")]})
    attendees = _attendees(round, attendee_ids)
    with transaction.atomic():
        ConsultationRound.objects.select_for_update().get(pk=round.pk)
        meeting = Meeting.objects.filter(round=round, title=title, starts_at=starts_at).first()
        if meeting is not None:
            return meeting
        meeting = Meeting.objects.create(round=round, title=title, starts_at=starts_at, location=location,
                                         agenda=agenda, other_attendees=other_attendees, created_by=actor,
                                         created_at=now)
        meeting.attendees.set(attendees)
        audit_record(actor=actor, verb="consultations.meeting.planned", obj=meeting,
                     after={"round": round.pk, "title": title, "starts_at": starts_at, "attendees": attendees})
    return meeting


def meeting_record(*, actor, meeting: Meeting, minutes: str, attendee_ids=None, other_attendees: str | None = None,
                   now: datetime) -> Meeting:
    """Write the minutes (Markdown) and who attended. The same again changes nothing."""
    require_round_party(actor, meeting.round)
    minutes = clean_text(minutes, field="minutes")
    attendees = None if attendee_ids is None else _attendees(meeting.round, attendee_ids)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before_attendees = sorted(meeting.attendees.values_list("pk", flat=True))
        others = meeting.other_attendees if other_attendees is None else clean_text(
            other_attendees, field="other_attendees", limit=2000)
        if meeting.minutes == minutes and others == meeting.other_attendees and (
                attendees is None or attendees == before_attendees):
            return meeting
        before = {"minutes": meeting.minutes, "attendees": before_attendees, "other_attendees": meeting.other_attendees}
        meeting.minutes, meeting.other_attendees = minutes, others
        meeting.minutes_updated_at, meeting.minutes_updated_by = now, actor
        meeting.save(update_fields=["minutes", "other_attendees", "minutes_updated_at", "minutes_updated_by"])
        if attendees is not None:
            meeting.attendees.set(attendees)
        audit_record(actor=actor, verb="consultations.meeting.recorded", obj=meeting, before=before,
                     after={"minutes": minutes, "attendees": attendees if attendees is not None else before_attendees,
                            "other_attendees": others})
    return meeting


def meeting_attach(*, actor, meeting: Meeting, files, now: datetime) -> list[MeetingAttachment]:
    """Add files to a meeting (PDF, office documents, images; each checked before anything is stored). The
    same file (same name and content) again is not stored twice."""
    require_round_party(actor, meeting.round)
    files = [f for f in (files or []) if f]
    if not files:
        raise PortalError("attachments_required", _("Kies een of meer bestanden."),
                          fields={"attachments": [_("Verplicht.")]})
    if len(files) > MAX_FILES:
        raise PortalError("too_many_attachments", _("Ten hoogste %(n)s bestanden tegelijk.") % {"n": MAX_FILES},
                          fields={"attachments": [_("Te veel bestanden.")]})
    checked = [(upload, check_upload(upload, kinds=ATTACHMENT_KINDS, field="attachments")) for upload in files]
    saved = []
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        for upload, info in checked:
            existing = meeting.attachments.filter(name=info.name, sha256=info.sha256).first()
            if existing is not None:
                saved.append(existing)
                continue
            attachment = MeetingAttachment(meeting=meeting, name=info.name, size=info.size, sha256=info.sha256,
                                           content_type=info.content_type, uploaded_by=actor, uploaded_at=now)
            attachment.file.save(f"bijlage.{info.extension}", upload, save=False)
            attachment.save()
            audit_record(actor=actor, verb="consultations.meeting.attached", obj=attachment,
                         after={"meeting": meeting.pk, "name": info.name, "size": info.size, "sha256": info.sha256})
            saved.append(attachment)
    return saved
