"""The sweep through a real Celery worker consuming from the test Redis (not eager mode)."""

from datetime import datetime

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from contracting.calendar import AMSTERDAM, MilestoneKind, Phase
from contracting.models import ContractYear, EffectRun, Milestone
from contracting.services import contract_year_ensure
from contracting.tasks import sweep_milestones_task


def test_beat_schedules_the_sweep_every_minute():
    entry = celery_app.conf.beat_schedule["contracting-sweep-milestones"]
    assert entry["task"] == sweep_milestones_task.name
    assert entry["task"] in celery_app.tasks
    # crontab(minute="*") fires in every minute of every hour
    assert entry["schedule"].minute == set(range(60))


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sweep(settings):
    if not celery_app.conf.broker_url.startswith("redis://"):
        pytest.fail("This test needs REDIS_URL: run it through scripts/test, which starts Redis")
    contract_year_ensure(actor=None, year=2025)  # its whole calendar lies in the past
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        result = sweep_milestones_task.delay()
        applied = result.get(timeout=60)
    year = ContractYear.objects.get(year=2025)
    assert not year.milestones.filter(applied_at__isnull=True).exists()
    # The sweep runs at the real time, so it also created the years around today and applied their past
    # milestones; what it reports is everything it applied.
    assert applied == Milestone.objects.filter(applied_at__isnull=False).count() >= len(MilestoneKind.values)
    assert year.phase == Phase.IN_FORCE
    assert year.phase_since == datetime(2025, 1, 1, 0, 0, tzinfo=AMSTERDAM)  # follow decisions before 1 January
    assert EffectRun.objects.filter(milestone__contract_year=year, effect="contracting.phase").count() == 6
