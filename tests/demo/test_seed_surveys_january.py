"""Demo surveys on 10 January 2027: the runs of 2027 (now in force) are closed before the day, those of 2028 (in
contracting) open around it."""

import pytest
import time_machine

from surveys.models import Survey
from tests.demo.test_seed_cycle import JAN_10, seeded


@pytest.fixture(scope="module")
def seeded_jan_10(django_db_setup, django_db_blocker):
    yield from seeded(django_db_blocker, JAN_10)


@pytest.mark.usefixtures("seeded_jan_10", "db")
def test_closed_runs_end_before_the_day_and_open_ones_run_around_it():
    with time_machine.travel(JAN_10, tick=False):
        years = {}
        for survey in Survey.objects.all():
            years.setdefault(survey.year, set()).add(survey.status)
            if survey.status == Survey.Status.CLOSED:
                assert survey.closes_at <= JAN_10
            else:
                assert survey.opens_at <= JAN_10 < survey.closes_at
        assert years == {2027: {Survey.Status.CLOSED}, 2028: {Survey.Status.PUBLISHED}}
