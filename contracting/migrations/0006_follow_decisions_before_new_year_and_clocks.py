"""Data for the deadline engine:

1. The follow-decision deadline is "before 1 January": due at 00:00 on 1 January Amsterdam time, no longer at
   the end of 1 January. Milestones not applied yet that still hold the old default move, and so do the
   follow requests of those years that copied it.
2. Questions and follow requests get their clocks (the single source of their due moment from now on): a
   question's answer clock with the due moment it already had, a follow request's decision clock anchored to
   its year's follow-decision milestone. Answered questions and decided requests get a clock that is done.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.db import migrations

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUESTION_CLOCK, QUESTION_EFFECT = "contracting.question.answer", "contracting.question.overdue"
FOLLOW_CLOCK, FOLLOW_EFFECT = "contracting.follow_request.decision", "contracting.follow_request.overdue"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def forwards(apps, schema_editor):
    Milestone = apps.get_model("contracting", "Milestone")
    FollowRequest = apps.get_model("contracting", "FollowRequest")
    Question = apps.get_model("contracting", "Question")
    Clock = apps.get_model("contracting", "Clock")
    ContentType = apps.get_model("contenttypes", "ContentType")

    anchors = {}
    for milestone in Milestone.objects.filter(kind="follow_decisions_due").select_related("contract_year"):
        year = milestone.contract_year.year
        old_default, new_default = _midnight(date(year, 1, 2)), _midnight(date(year, 1, 1))
        if milestone.applied_at is None and milestone.due_at == old_default:
            milestone.due_at = new_default
            milestone.save(update_fields=["due_at"])
            FollowRequest.objects.filter(year=year, due_at=old_default).update(due_at=new_default)
        anchors[year] = milestone

    question_type, _ = ContentType.objects.get_or_create(app_label="contracting", model="question")
    follow_type, _ = ContentType.objects.get_or_create(app_label="contracting", model="followrequest")
    have = set(Clock.objects.filter(kind__in=[QUESTION_CLOCK, FOLLOW_CLOCK]).values_list("kind", "object_id"))
    clocks = [
        Clock(content_type=question_type, object_id=q.pk, kind=QUESTION_CLOCK, effect=QUESTION_EFFECT,
              started_at=q.asked_at, due_at=q.due_at, done_at=q.answered_at)
        for q in Question.objects.exclude(due_at=None).iterator() if (QUESTION_CLOCK, q.pk) not in have
    ]
    for fr in FollowRequest.objects.exclude(due_at=None).iterator():
        if (FOLLOW_CLOCK, fr.pk) in have:
            continue
        anchor = anchors.get(fr.year)
        due_at = anchor.due_at if anchor is not None else fr.due_at
        if due_at != fr.due_at:
            FollowRequest.objects.filter(pk=fr.pk).update(due_at=due_at)
        clocks.append(Clock(content_type=follow_type, object_id=fr.pk, kind=FOLLOW_CLOCK, effect=FOLLOW_EFFECT,
                            started_at=fr.requested_at, due_at=due_at, milestone=anchor,
                            done_at=fr.decided_at if fr.status != "pending" else None))
    Clock.objects.bulk_create(clocks, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("contracting", "0005_deadline_engine"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
