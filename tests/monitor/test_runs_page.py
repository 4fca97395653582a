"""The NZa's Berekeningen page: per year the latest run, its freshness and source, "Nu herberekenen" with a
progress bar that htmx polls, and "Publiceren" with a confirmation; nobody else sees it."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from contracting.calendar import AMSTERDAM
from contracting.services import contract_year_ensure
from monitor.models import MonitorPublication, MonitorRun
from monitor.services import monitor_recompute
from monitor.tasks import monitor_run_task
from tests.factories import InsurerFactory, OverlegTeamFactory, PracticeFactory, make_member
from tests.helpers import page_html_as, text
from tests.monitor.practices_indicator import engine_caught_up, register_practices

NIGHT = datetime(2026, 11, 30, 3, 15, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    from monitor import indicators

    monkeypatch.setattr(indicators, "_REGISTRY", {})
    register_practices()


@pytest.fixture
def nza(db):
    return make_member(Role.NZA_ANALYST, email="analist@nza.example")


@pytest.fixture
def year2027(db):
    with time_machine.travel(NIGHT, tick=False):
        contract_year_ensure(actor=None, year=2027)
        engine_caught_up(2027)
        PracticeFactory(), PracticeFactory()


def test_a_year_not_computed_yet_says_when_it_will_be(client, nza, year2027):
    page = text(page_html_as(client, nza, reverse("monitor:runs")))
    assert "Contractjaar 2027" in page
    assert "Nog niet berekend: de cijfers worden vannacht berekend, of nu met de knop hieronder." in page
    assert "Publiceren" not in page  # nothing to publish yet


def test_the_page_shows_when_and_from_what_the_figures_were_computed(client, nza, year2027):
    with time_machine.travel(NIGHT, tick=False):
        monitor_recompute(year=2027, now=NIGHT)
    page = text(page_html_as(client, nza, reverse("monitor:runs")))
    # The run computed as of 03:15; the latest change it read is the 2027 calendar, made at the same moment.
    assert "Berekend op 30 november 2026 03:15 uit gegevens tot 30 november 2026 03:15." in page
    assert "klaar 1 van 1 indicatoren berekend · klaar op 30 november 2026 03:15" in page
    assert "aanbiedingen 0 —" in page  # the source table: no 2027 offers yet
    assert "Nu herberekenen" in page and "Publiceren (2027)" in page


def test_recompute_button_queues_a_run_whose_progress_bar_fills(client, nza, year2027,
                                                                django_capture_on_commit_callbacks):
    client.force_login(nza)
    with django_capture_on_commit_callbacks() as dispatched:
        response = client.post(reverse("monitor:run_recompute", args=[2027]))
        again = client.post(reverse("monitor:run_recompute", args=[2027]))  # a second click: the same run
    assert response.status_code == again.status_code == 302
    assert len(dispatched) == 1
    run = MonitorRun.objects.get()
    assert run.status == MonitorRun.Status.QUEUED
    html = client.get(reverse("monitor:runs")).content.decode()
    progress_url = reverse("monitor:run_progress", args=[run.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 2s"' in html  # polls while queued
    assert "De cijfers van 2027 worden berekend." in text(html)
    assert '<progress max="1" value="0"' in html
    assert "disabled" in html  # no second run while this one waits
    polled = client.get(progress_url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled
    monitor_run_task(run.pk)  # the worker
    polled = client.get(progress_url, headers={"HX-Request": "true"})
    fragment = polled.content.decode()
    assert 'data-status="done"' in fragment and "hx-get" not in fragment  # done: the polling stops
    assert "1 van 1 indicatoren berekend" in text(fragment)
    assert polled["HX-Refresh"] == "true"  # and the page reloads once with the new run's freshness
    assert "Berekend op" in text(client.get(reverse("monitor:runs")).content.decode())


def test_publishing_needs_the_confirmation(client, nza, year2027):
    monitor_recompute(year=2027, now=NIGHT)
    client.force_login(nza)
    url = reverse("monitor:run_publish", args=[2027])
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Vink aan dat de cijfers hierna niet meer veranderen; er is niets gepubliceerd." in text(
        refused.content.decode())
    assert not MonitorPublication.objects.exists()
    assert client.post(url, {"2027-confirm": "on"}).status_code == 302
    page = text(client.get(reverse("monitor:runs")).content.decode())
    assert "De cijfers van 2027 zijn gepubliceerd." in page
    assert "gepubliceerd op" in page and "Nu herberekenen" not in page
    # A recompute asked for anyway (an old page) is refused with the service's message.
    client.post(reverse("monitor:run_recompute", args=[2027]))
    assert "De cijfers van 2027 zijn gepubliceerd en worden niet meer herberekend." in text(
        client.get(reverse("monitor:runs")).content.decode())
    assert MonitorRun.objects.count() == 1


def test_a_failed_publication_shows_why(client, nza, year2027):
    client.force_login(nza)
    response = client.post(reverse("monitor:run_publish", args=[2027]), {"2027-confirm": "on"})
    assert response.status_code == 409
    assert "Er zijn nog geen berekende cijfers van 2027 om te publiceren." in text(response.content.decode())


@pytest.mark.parametrize("who", ["purchaser", "practice", "team"])
def test_nobody_but_the_nza_sees_or_uses_the_page(client, year2027, who):
    insurer = InsurerFactory()
    user = {"purchaser": lambda: make_member(Role.INSURER_PURCHASER, insurer),
            "practice": lambda: make_member(Role.PRACTICE_SIGNATORY, PracticeFactory()),
            "team": lambda: make_member(Role.OTH_MEMBER, OverlegTeamFactory(insurer=insurer))}[who]()
    run = monitor_recompute(year=2027, now=NIGHT)
    client.force_login(user)
    assert client.get(reverse("monitor:runs")).status_code == 403
    assert client.post(reverse("monitor:run_recompute", args=[2027])).status_code == 403
    assert client.post(reverse("monitor:run_publish", args=[2027]), {"2027-confirm": "on"}).status_code == 403
    assert client.get(reverse("monitor:run_progress", args=[run.pk])).status_code == 404  # the NZa's object
    assert MonitorRun.objects.count() == 1 and not MonitorPublication.objects.exists()


def test_anonymous_visitors_go_to_the_login(client, year2027):
    response = client.get(reverse("monitor:runs"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_page_reads_a_fixed_number_of_queries(client, nza, year2027, django_assert_num_queries):
    def page_queries():
        with django_assert_num_queries(9):
            # session, user, the memberships (nav), the contract years with their latest run, those runs, the
            # publications with who published, the latest done run per year, those runs, the unread notices (nav)
            client.get(reverse("monitor:runs"))

    client.force_login(nza)
    monitor_recompute(year=2027, now=NIGHT)
    page_queries()
    for year in (2028, 2029):
        contract_year_ensure(actor=None, year=year)
        monitor_recompute(year=year, now=NIGHT)
        monitor_recompute(year=year, now=NIGHT)
    page_queries()


def test_the_admin_shows_runs_snapshots_and_publications_read_only(client, nza, year2027):
    from tests.factories import UserFactory

    run = monitor_recompute(year=2027, now=NIGHT)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for model in ("monitorrun", "monitorsnapshot", "monitorpublication"):
        assert client.get(reverse(f"admin:monitor_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:monitor_{model}_add")).status_code == 403
    page = client.get(reverse("admin:monitor_monitorrun_change", args=[run.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()  # nothing to edit
