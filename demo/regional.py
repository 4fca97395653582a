"""Demo regiobijeenkomsten: for each overlegteam's insurer and region, and for each demo practice's preferent
insurer and region, one meeting about the policy of the year in contracting that was held (about three weeks
after the policies were due, or two weeks ago if that is still ahead), with registrations and the attendance
recorded, and one about the next year's policy three weeks from the seed's day that the demo practices have
registered for (so a demo practice user sees both, and the overlegteam its counts).

Through the services, at moments counted back from the seed's day. Registrations are bounded (the demo
practices and at most REGISTERED_MAX others per meeting, registered by the insurer's office: actor None), so
the step costs the same at 50,000 practices apart from the invitation rows, which are bulk inserts. A meeting is
found again by insurer, region, year and title, so a second run on any day adds nothing."""

from datetime import date, datetime, timedelta

from accounts.models import User
from consultations.models import RegionalMeeting
from consultations.services import (
    regional_meeting_create,
    regional_meeting_record_attendance,
    regional_meeting_register,
)
from contracting.calendar import local_date
from insurers.models import Insurer
from providers.models import OverlegTeam, Practice, Region

from .moments import at
from .organisations import INSURERS, demo_practice_agb_codes
from .registry import DemoContext, demo_step
from .scripted import purchaser_email

REGISTERED_MAX = 12
AGENDA = ("1. Opening en kennismaking\n2. Het inkoopbeleid %(year)s: wat verandert er\n"
          "3. Standaardcontract en modules\n4. Vragen uit de regio\n5. Afsluiting")


def _purchasers() -> dict[int, User]:
    by_name = {i.name: i.pk for i in Insurer.objects.all()}
    emails = {purchaser_email(s.key): by_name[s.name] for s in INSURERS if s.name in by_name}
    return {emails[u.email]: u for u in User.objects.filter(email__in=emails)}


def _pairs(demo_practices: list[Practice]) -> list[tuple[int, int]]:
    pairs = set(OverlegTeam.objects.values_list("insurer_id", "region_id"))
    for practice in demo_practices:
        insurer = practice.preferent_insurer
        if insurer is not None:
            pairs.add((insurer.pk, practice.region_id))
    return sorted(pairs)


def seed_regional_meetings(*, now: datetime, contracting_year: int, next_year: int | None) -> dict[str, int]:
    purchasers = _purchasers()
    demo = list(Practice.objects.filter(agb_code__in=demo_practice_agb_codes()).select_related("region"))
    demo_ids = {p.pk for p in demo}
    today = local_date(now)
    held_day = min(date(contracting_year - 1, 4, 21), today - timedelta(days=14))
    coming_day = today + timedelta(days=21)
    created = 0
    for insurer_id, region_id in _pairs(demo):
        purchaser = purchasers.get(insurer_id)
        if purchaser is None:
            continue
        insurer, region = Insurer.objects.get(pk=insurer_id), Region.objects.get(pk=region_id)
        plans = [(contracting_year, f"Toelichting inkoopbeleid {contracting_year}", at(held_day, 19, 30))]
        if next_year is not None:
            plans.append((next_year, f"Vooruitblik inkoopbeleid {next_year}", at(coming_day, 19, 30)))
        for year, title, starts_at in plans:
            if RegionalMeeting.objects.filter(insurer=insurer, region=region, year=year, title=title).exists():
                continue
            planned_at = min(starts_at - timedelta(days=30), now - timedelta(minutes=1))
            meeting = regional_meeting_create(
                actor=purchaser, insurer=insurer, region=region, year=year, title=title, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2), location="Regiokantoor, Stationsplein 1",
                online_url="https://vergaderen.example/regiobijeenkomst", agenda=AGENDA % {"year": year},
                now=planned_at)
            created += 1
            invitations = list(meeting.invitations.order_by("pk"))
            chosen = [i for i in invitations if i.practice_id in demo_ids]
            chosen += [i for i in invitations if i.practice_id not in demo_ids][::3][:REGISTERED_MAX]
            registered_at = planned_at + timedelta(days=1) if starts_at > now else planned_at + timedelta(hours=1)
            for n, invitation in enumerate(chosen):
                regional_meeting_register(actor=None, invitation=invitation, attendees=1 + n % 2,
                                          now=min(registered_at, starts_at - timedelta(minutes=1)))
            if starts_at + timedelta(days=1) <= now:
                # Most of those registered came; every fourth did not, and one unregistered holder walked in.
                present = [i.pk for n, i in enumerate(chosen) if n % 4 != 3]
                walk_in = next((i.pk for i in invitations if i not in chosen), None)
                regional_meeting_record_attendance(actor=purchaser, meeting=meeting,
                                                   attended_ids=present + ([walk_in] if walk_in else []),
                                                   now=starts_at + timedelta(days=1))
    return {"regional_meetings": created}


@demo_step("consultations.regional_meetings", order=50)
def _step(ctx: DemoContext) -> dict[str, int]:
    years = sorted(ctx.years)
    contracting_year = years[1] if len(years) > 1 else years[0]
    next_year = years[2] if len(years) > 2 else None
    return seed_regional_meetings(now=ctx.now, contracting_year=contracting_year, next_year=next_year)
