"""The NZa's "Wat wacht op u": a contract year whose register is public (19 November) and whose monitor is not
published yet asks to be checked and published, with when its figures were computed."""

from datetime import datetime

import pytest

from accounts.models import Membership, Role
from contracting.calendar import AMSTERDAM
from contracting.models import ContractYear
from contracting.selectors import home_tasks
from contracting.selectors.calendar import contract_year_timeline
from contracting.services import contract_year_ensure, deadlines_sweep
from monitor import indicators
from monitor.services import monitor_publish, monitor_recompute, monitor_request_recompute
from tests.factories import InsurerFactory, OverlegTeamFactory, PracticeFactory, make_member

pytestmark = pytest.mark.django_db

# 1 December 2026: the register of contract year 2027 has been public since 19 November 2026.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def no_indicators(monkeypatch):
    monkeypatch.setattr(indicators, "_REGISTRY", {})


def tasks_of(user, year=2027):
    timeline = contract_year_timeline(ContractYear.objects.get(year=year), NOW)
    return [t.text for t in home_tasks(list(Membership.objects.filter(user=user)), timeline, NOW)
            if "Monitor" in t.text]


def test_the_nza_is_asked_to_compute_check_and_publish_a_year_whose_register_is_public(no_indicators):
    contract_year_ensure(actor=None, year=2027)
    contract_year_ensure(actor=None, year=2028)  # its register is public on 19 November 2027: nothing yet
    nza = make_member(Role.NZA_ANALYST, email="analist@nza.example")
    assert tasks_of(nza) == ["Monitor 2027: het register is openbaar, maar de cijfers zijn nog niet berekend. "
                             "Bereken ze en publiceer het jaar."]

    deadlines_sweep(now=datetime(2026, 12, 1, 2, 0, tzinfo=AMSTERDAM))  # the engine is up to date
    # Asked for: nothing to do until the figures are there.
    run = monitor_request_recompute(actor=nza, year=2027, now=datetime(2026, 12, 1, 3, 0, tzinfo=AMSTERDAM))
    assert tasks_of(nza) == []
    monitor_recompute(year=2027, now=datetime(2026, 12, 1, 3, 0, tzinfo=AMSTERDAM), run=run)
    assert tasks_of(nza) == ["Monitor 2027: het register is openbaar; controleer de cijfers (berekend op "
                             "1 december 2026 03:00) en publiceer het jaar."]

    monitor_publish(actor=nza, year=2027, now=NOW)
    assert tasks_of(nza) == []


def test_no_one_else_is_asked(no_indicators):
    contract_year_ensure(actor=None, year=2027)
    for role, organisation in ((Role.INSURER_PURCHASER, InsurerFactory()),
                               (Role.PRACTICE_SIGNATORY, PracticeFactory()),
                               (Role.OTH_MEMBER, OverlegTeamFactory())):
        assert tasks_of(make_member(role, organisation)) == []
