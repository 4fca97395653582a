"""The respond page in a real browser, on the engine's own sample definition (any definition works the same;
the GP satisfaction survey has its own browser test): a condition shows a question live when its answer is
given and hides it again, a matrix follow-up shows only the rows its condition picks, a draft is saved, and
the submitted response keeps only what was shown."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from surveys.models import Answer, Response
from surveys.services import survey_create_from_definition, survey_publish
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, PracticeFactory, make_member
from tests.surveys.conftest import DEFINITION

pytestmark = pytest.mark.django_db(transaction=True)


def test_conditions_show_questions_live_and_the_server_keeps_only_what_was_shown(page, shot):
    now = timezone.now()
    survey = survey_create_from_definition(actor=None, definition=DEFINITION, year=now.year,
                                           opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10))
    practice = PracticeFactory(name="Huisartsenpraktijk De Es")
    make_member(Role.PRACTICE_MEMBER, practice, email="es@praktijk.example")
    survey_publish(actor=None, survey=survey, now=now)

    login(page, "es@praktijk.example", DEFAULT_PASSWORD)
    page.goto("/enquetes/")
    page.get_by_role("link", name="Proefenquête").click()
    q2 = page.locator('[data-question="Q2"]')
    q6b = page.locator('[data-question="Q6b"]')
    assert q2.is_hidden() and q6b.is_hidden()
    page.get_by_label("Nee").check()
    assert q2.is_visible()
    shot(page, "condition-shown")
    page.get_by_label("Ja", exact=True).check()
    assert q2.is_hidden()
    page.get_by_label("Tijd: Slecht").check()
    page.get_by_label("Geld: Goed").check()
    assert q6b.is_visible()
    assert q6b.locator('tr[data-row="tijd"]').is_visible() and q6b.locator('tr[data-row="geld"]').is_hidden()
    page.get_by_label("Tijd: Groot").check()
    page.get_by_role("button", name="Bewaren als concept").click()
    assert "bewaard als concept" in page.locator("main").inner_text()
    assert Response.objects.get().status == "draft"

    page.locator('input[name="q|Q4||"][value="8"]').check()
    page.get_by_role("button", name="Indienen").click()
    assert "Uw antwoorden zijn ingediend." in page.locator("main").inner_text()
    shot(page, "submitted")
    response = Response.objects.get()
    assert response.status == "submitted"
    assert sorted(Answer.objects.filter(response=response).values_list("question__code", "row", "option")) == [
        ("Q1", "", "ja"), ("Q4", "", ""), ("Q6", "geld", "goed"), ("Q6", "tijd", "slecht"), ("Q6b", "tijd", "groot")]
