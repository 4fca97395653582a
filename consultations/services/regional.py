"""Regiobijeenkomsten (models/regional.py): the insurer's purchasers organise, invite the region's practices
and care groups, cancel, and record attendance afterwards; a practice's or care group's people register (and
cancel their registration) until the meeting starts.

Each service locks the meeting row first (then its invitations), checks the state again under the lock, does
nothing when the state is already what is asked, and writes one audit event for a change. Notices go through
accounts.services.notify_users in the same transaction (the outbox sends them after commit)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.notices import N_, moment
from accounts.selectors import care_group_ids_of, practice_ids_of
from accounts.services import notify_users
from contracting.access import require_insurer_purchaser
from contracting.models import ContractYear
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError
from providers.models import CareGroup, MarketShare, Practice

from ..models import RegionalMeeting, RegionalMeetingInvitation

TITLE_MAX = 200
TEXT_LIMIT = 10_000
ATTENDEES_MAX = 20  # people from one practice or care group


def _locked(meeting: RegionalMeeting) -> RegionalMeeting:
    return RegionalMeeting.objects.select_for_update(of=("self",)).select_related("insurer", "region").get(
        pk=meeting.pk)


def _meeting_fields(*, title: str, starts_at, ends_at, location: str, online_url: str, agenda: str,
                    now: datetime) -> dict:
    title, location, online_url, agenda = (str(v or "").strip() for v in (title, location, online_url, agenda))
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Geef de bijeenkomst een titel.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("De titel is te lang (hoogstens %(n)s tekens).") % {"n": TITLE_MAX}]
    if starts_at is None:
        errors["starts_at"] = [_("Vul de datum en het begintijdstip in.")]
    elif starts_at <= now:
        errors["starts_at"] = [_("Een regiobijeenkomst plant u in de toekomst.")]
    if ends_at is None:
        errors["ends_at"] = [_("Vul het eindtijdstip in.")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("De bijeenkomst eindigt na het begin.")]
    if not location and not online_url:
        errors["location"] = [_("Vul een locatie in, een link voor online deelname, of beide.")]
    if online_url:
        try:
            URLValidator(schemes=["https", "http"])(online_url)
        except ValidationError:
            errors["online_url"] = [_("Geef een volledige link, beginnend met https://.")]
    if len(agenda) > TEXT_LIMIT or len(location) > 300:
        errors["agenda"] = [_("De tekst is te lang.")]
    if errors:
        raise PortalError("invalid_meeting", _("Controleer de gegevens van de bijeenkomst."), fields=errors)
    return {"title": title, "starts_at": starts_at, "ends_at": ends_at, "location": location,
            "online_url": online_url, "agenda": agenda}


def _meeting_url(meeting: RegionalMeeting) -> str:
    return reverse("consultations:regional_invitation", args=[meeting.pk])


def regional_meeting_create(*, actor, insurer, region, year: int, title: str, starts_at: datetime,
                            ends_at: datetime, location: str = "", online_url: str = "", agenda: str = "",
                            now: datetime) -> RegionalMeeting:
    """A purchaser of `insurer` plans a meeting for the providers of `region` about its policy for contract year
    `year`, and every practice and care group of the region is invited (regional_meeting_invite). Refused: not a
    purchaser of the insurer (403), a region where the insurer has no insured (no market share), a year without
    a calendar, no title, a start in the past, an end before the start, neither a place nor a link. The same
    meeting again (insurer, region, year, title and start) gives the one that exists."""
    require_insurer_purchaser(actor, insurer.pk)
    fields = _meeting_fields(title=title, starts_at=starts_at, ends_at=ends_at, location=location,
                             online_url=online_url, agenda=agenda, now=now)
    if not ContractYear.objects.filter(year=year).exists():
        raise PortalError("no_contract_year", _("Contractjaar %(year)s bestaat niet.") % {"year": year},
                          fields={"year": [_("Kies een contractjaar uit de lijst.")]})
    if not MarketShare.objects.filter(insurer=insurer, region=region).exists():
        raise PortalError("region_not_served",
                          _("%(insurer)s heeft geen verzekerden in regio %(region)s.")
                          % {"insurer": insurer.name, "region": region.name},
                          fields={"region": [_("Kies een regio waar uw verzekerden wonen.")]})
    with transaction.atomic():
        existing = (RegionalMeeting.objects.select_for_update()
                    .filter(insurer=insurer, region=region, year=year, title=fields["title"],
                            starts_at=fields["starts_at"]).first())
        if existing is not None:
            return existing
        meeting = RegionalMeeting.objects.create(insurer=insurer, region=region, year=year, created_by=actor,
                                                 created_at=now, **fields)
        audit_record(actor=actor, verb="consultations.regional_meeting.created", obj=meeting,
                     after={"insurer": insurer.pk, "region": region.pk, "year": year, "title": meeting.title,
                            "starts_at": meeting.starts_at.isoformat()})
        regional_meeting_invite(actor=actor, meeting=meeting, now=now)
    return meeting


def regional_meeting_invite(*, actor, meeting: RegionalMeeting, now: datetime) -> int:
    """Invite every practice and care group of the meeting's region that has no invitation yet (a practice that
    joined the region later is invited by calling this again), and tell their people. Returns how many were
    newly invited. Refused for a cancelled meeting and once it has started."""
    with transaction.atomic():
        meeting = _locked(meeting)
        if actor is not None:
            require_insurer_purchaser(actor, meeting.insurer_id)
        _check_planned(meeting, now)
        invited_practices = set(meeting.invitations.filter(practice__isnull=False).values_list("practice_id",
                                                                                              flat=True))
        invited_groups = set(meeting.invitations.filter(care_group__isnull=False).values_list("care_group_id",
                                                                                             flat=True))
        practices = [pk for pk in Practice.objects.filter(region=meeting.region_id).values_list("pk", flat=True)
                     if pk not in invited_practices]
        groups = [pk for pk in CareGroup.objects.filter(region=meeting.region_id).values_list("pk", flat=True)
                  if pk not in invited_groups]
        RegionalMeetingInvitation.objects.bulk_create(
            [RegionalMeetingInvitation(meeting=meeting, practice_id=pk, invited_at=now) for pk in practices]
            + [RegionalMeetingInvitation(meeting=meeting, care_group_id=pk, invited_at=now) for pk in groups],
            batch_size=2000)
        if not practices and not groups:
            return 0
        audit_record(actor=actor, verb="consultations.regional_meeting.invited", obj=meeting,
                     after={"practices": len(practices), "care_groups": len(groups)})
        users = (Membership.objects.filter(Q(practice__in=practices) | Q(care_group__in=groups))
                 .values_list("user_id", flat=True))
        notify_users(
            user_ids=users, key=f"consultations.regional_meeting:{meeting.pk}:invited",
            subject=N_("Uitnodiging: %(title)s"),
            body=N_("%(insurer)s nodigt u uit voor een regiobijeenkomst over het inkoopbeleid %(year)s in regio "
                    "%(region)s op %(starts)s. Meld u aan in het portaal."),
            params={"title": meeting.title, "insurer": meeting.insurer.name, "year": meeting.year,
                    "region": meeting.region.name, "starts": moment(meeting.starts_at)},
            url=_meeting_url(meeting))
        return len(practices) + len(groups)


def _check_planned(meeting: RegionalMeeting, now: datetime) -> None:
    if meeting.is_cancelled:
        raise ConflictError("meeting_cancelled", _("Deze regiobijeenkomst is afgelast."))
    if now >= meeting.starts_at:
        raise ConflictError("meeting_started", _("Deze regiobijeenkomst is al begonnen of voorbij."))


def regional_meeting_cancel(*, actor, meeting: RegionalMeeting, reason: str, now: datetime) -> RegionalMeeting:
    """A purchaser of the insurer calls the meeting off before it starts, with a reason, and everyone invited is
    told. Cancelling a cancelled meeting changes nothing."""
    reason = str(reason or "").strip()
    with transaction.atomic():
        meeting = _locked(meeting)
        require_insurer_purchaser(actor, meeting.insurer_id)
        if meeting.is_cancelled:
            return meeting
        if not reason:
            raise PortalError("reason_required", _("Geef een reden waarom de bijeenkomst niet doorgaat."),
                              fields={"reason": [_("Verplicht.")]})
        if len(reason) > TEXT_LIMIT:
            raise PortalError("text_too_long", _("De tekst is te lang."), fields={"reason": [_("Te lang.")]})
        if now >= meeting.starts_at:
            raise ConflictError("meeting_started", _("Deze regiobijeenkomst is al begonnen of voorbij."))
        meeting.status, meeting.cancel_reason = RegionalMeeting.Status.CANCELLED, reason
        meeting.save(update_fields=["status", "cancel_reason"])
        audit_record(actor=actor, verb="consultations.regional_meeting.cancelled", obj=meeting,
                     before={"status": RegionalMeeting.Status.PLANNED},
                     after={"status": meeting.status, "reason": reason})
        invitations = meeting.invitations.all()
        users = Membership.objects.filter(
            Q(practice__in=invitations.filter(practice__isnull=False).values("practice_id"))
            | Q(care_group__in=invitations.filter(care_group__isnull=False).values("care_group_id"))
        ).values_list("user_id", flat=True)
        notify_users(user_ids=users, key=f"consultations.regional_meeting:{meeting.pk}:cancelled",
                     subject=N_("Afgelast: %(title)s"),
                     body=N_("%(insurer)s heeft de regiobijeenkomst van %(starts)s afgelast: %(reason)s"),
                     params={"title": meeting.title, "insurer": meeting.insurer.name,
                             "starts": moment(meeting.starts_at), "reason": reason},
                     url=_meeting_url(meeting))
    return meeting


def _holder_invitation(actor, invitation: RegionalMeetingInvitation) -> RegionalMeetingInvitation:
    locked = RegionalMeetingInvitation.objects.select_for_update().get(pk=invitation.pk)
    if actor is not None:
        own = (locked.practice_id in practice_ids_of(actor) if locked.practice_id
               else locked.care_group_id in care_group_ids_of(actor))
        if not own:
            raise Forbidden("not_holder_member", _("Alleen medewerkers van de uitgenodigde zorgaanbieder kunnen "
                                                   "zich aanmelden."))
    return locked


def regional_meeting_register(*, actor, invitation: RegionalMeetingInvitation, attendees: int = 1,
                              now: datetime) -> RegionalMeetingInvitation:
    """A member of the invited practice or care group registers it, for `attendees` people (1 to 20), until the
    meeting starts; registering again changes the number. Refused: not the holder's member (403), a cancelled
    or started meeting (409), a number outside 1..20."""
    try:
        attendees = int(attendees)
    except (TypeError, ValueError):
        attendees = 0
    if not 1 <= attendees <= ATTENDEES_MAX:
        raise PortalError("invalid_attendees",
                          _("Meld 1 tot en met %(max)s personen aan.") % {"max": ATTENDEES_MAX},
                          fields={"attendees": [_("Een getal van 1 tot en met %(max)s.") % {"max": ATTENDEES_MAX}]})
    with transaction.atomic():
        meeting = _locked(invitation.meeting)
        invitation = _holder_invitation(actor, invitation)
        _check_planned(meeting, now)
        if invitation.is_registered and invitation.attendees == attendees:
            return invitation
        before = {"registered": invitation.is_registered, "attendees": invitation.attendees}
        if not invitation.is_registered:
            invitation.registered_at, invitation.registered_by = now, actor
        invitation.attendees = attendees
        invitation.save(update_fields=["registered_at", "registered_by", "attendees"])
        audit_record(actor=actor, verb="consultations.regional_meeting.registered", obj=invitation,
                     before=before, after={"registered": True, "attendees": attendees})
    return invitation


def regional_meeting_unregister(*, actor, invitation: RegionalMeetingInvitation,
                                now: datetime) -> RegionalMeetingInvitation:
    """The holder's member cancels the registration until the meeting starts. Not registered: nothing
    changes."""
    with transaction.atomic():
        meeting = _locked(invitation.meeting)
        invitation = _holder_invitation(actor, invitation)
        if not invitation.is_registered:
            return invitation
        _check_planned(meeting, now)
        before = {"registered": True, "attendees": invitation.attendees}
        invitation.registered_at, invitation.registered_by, invitation.attendees = None, None, 0
        invitation.save(update_fields=["registered_at", "registered_by", "attendees"])
        audit_record(actor=actor, verb="consultations.regional_meeting.unregistered", obj=invitation,
                     before=before, after={"registered": False})
    return invitation


def regional_meeting_record_attendance(*, actor, meeting: RegionalMeeting, attended_ids,
                                       now: datetime) -> RegionalMeeting:
    """A purchaser of the insurer records, once the meeting has started, which invited practices and care groups
    were there (`attended_ids`: invitation ids of this meeting); every other invitation is recorded as absent.
    Recording again replaces the record; the same record again changes nothing. Refused: a cancelled meeting, one
    that has not started, an id that is not an invitation of this meeting."""
    try:
        wanted = {int(pk) for pk in attended_ids}
    except (TypeError, ValueError):
        raise PortalError("unknown_invitation", _("Kies alleen uitgenodigde zorgaanbieders van deze bijeenkomst."),
                          fields={"attended": [_("Onbekende keuze.")]}) from None
    with transaction.atomic():
        meeting = _locked(meeting)
        require_insurer_purchaser(actor, meeting.insurer_id)
        if meeting.is_cancelled:
            raise ConflictError("meeting_cancelled", _("Deze regiobijeenkomst is afgelast."))
        if now < meeting.starts_at:
            raise ConflictError("meeting_not_started",
                                _("De aanwezigheid legt u vast als de bijeenkomst is begonnen."))
        invitations = meeting.invitations.select_for_update()
        known = set(invitations.filter(pk__in=wanted).values_list("pk", flat=True))
        if known != wanted:
            raise PortalError("unknown_invitation",
                              _("Kies alleen uitgenodigde zorgaanbieders van deze bijeenkomst."),
                              fields={"attended": [_("Onbekende keuze.")]})
        changed = (invitations.filter(pk__in=wanted).exclude(attended=True).exists()
                   or invitations.exclude(pk__in=wanted).exclude(attended=False).exists())
        if not changed and meeting.attendance_recorded_at is not None:
            return meeting
        invitations.filter(pk__in=wanted).update(attended=True)
        invitations.exclude(pk__in=wanted).update(attended=False)
        meeting.attendance_recorded_at = now
        meeting.save(update_fields=["attendance_recorded_at"])
        audit_record(actor=actor, verb="consultations.regional_meeting.attendance_recorded", obj=meeting,
                     after={"attended": sorted(wanted)})
    return meeting
