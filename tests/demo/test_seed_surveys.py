"""Demo surveys: every built-in template run for the year in force (closed, with results) and the year in
contracting (open now), with groups on both sides of the anonymity threshold, and something to fill in for the
demo users."""

from collections import Counter

import pytest
import time_machine
from django.db.models import Count

from accounts.models import Membership, Role, User
from contracting.models import Offer
from surveys.models import Answer, Invitation, Response, Survey
from surveys.selectors import respondent_invitations
from surveys.templates_data import TEMPLATES
from tests.demo.test_seed_cycle import DEC_1, PRACTICES, seed, seeded


@pytest.fixture(scope="module")
def seeded_dec_1(django_db_setup, django_db_blocker):
    yield from seeded(django_db_blocker, DEC_1)


@pytest.fixture
def today(seeded_dec_1, db):
    with time_machine.travel(DEC_1, tick=False):
        yield DEC_1


def test_every_template_runs_closed_for_the_year_in_force_and_open_for_the_year_in_contracting(today):
    runs = Counter(Survey.objects.values_list("template", "year", "status"))
    insurers = 8
    for year, status in ((2026, Survey.Status.CLOSED), (2027, Survey.Status.PUBLISHED)):
        for key in TEMPLATES:
            assert runs[(key, year, status)] == (insurers if key == "insurer-evaluation" else 1), (key, year)
    for survey in Survey.objects.filter(year=2027):
        assert survey.opens_at <= today < survey.closes_at, survey.template
    # The GP satisfaction survey of contracting 2027 runs from 8 November to the end of 2026, as the LHV's did.
    gp = Survey.objects.get(template="gp-satisfaction", year=2027)
    assert (gp.opens_at.date().isoformat(), gp.closes_at.isoformat()) == ("2026-11-08", "2026-12-31T23:00:00+00:00")


def test_closed_runs_have_results_and_anonymous_ones_are_detached(today):
    for survey in Survey.objects.filter(year=2026):
        submitted = survey.responses.filter(status=Response.Status.SUBMITTED)
        assert submitted.exists(), survey
        assert not survey.responses.filter(status=Response.Status.DRAFT).exists()
        if survey.anonymous:
            assert not submitted.filter(invitation__isnull=False).exists()
    # The NZa provider survey: 9% of the 300 practices, as the 2019 survey reached some 9% of the practices.
    nza = Survey.objects.get(template="nza-provider", year=2026)
    assert nza.invitations.count() == PRACTICES
    assert nza.responses.count() == 27


def test_hidden_questions_have_no_answers(today):
    nza = Survey.objects.get(template="nza-provider", year=2026)
    # Q16 only after Q15 = Ja: every response that answered Q16 answered Q15 with "ja".
    q16 = set(Answer.objects.filter(question__survey=nza, question__code="Q16").values_list("response_id", flat=True))
    q15_yes = set(Answer.objects.filter(question__survey=nza, question__code="Q15", option="ja")
                  .values_list("response_id", flat=True))
    assert q16 and q16 <= q15_yes
    # 17b per theme only where 17 reported an obstacle (column 4 or 5).
    obstacles = set(Answer.objects.filter(question__survey=nza, question__code="Q17", option__in=["4", "5"])
                    .values_list("response_id", "row"))
    follow_ups = set(Answer.objects.filter(question__survey=nza, question__code="Q17b")
                     .values_list("response_id", "row"))
    assert follow_ups and follow_ups <= obstacles


def test_some_insurers_groups_reach_the_threshold_and_some_do_not(today):
    gp = Survey.objects.get(template="gp-satisfaction", year=2026)
    per_insurer = dict(Answer.objects.filter(question__survey=gp, question__code="T1")
                       .values_list("repeat_key").annotate(n=Count("id")).values_list("repeat_key", "n"))
    assert any(n >= gp.threshold for n in per_insurer.values()), per_insurer
    assert any(n < gp.threshold for n in per_insurer.values()), per_insurer
    evaluations = Survey.objects.filter(template="insurer-evaluation", year=2026).annotate(n=Count("responses"))
    sizes = sorted(evaluations.values_list("n", flat=True))
    assert sizes[0] < 5 <= sizes[-1], sizes


def test_demo_users_have_surveys_to_fill_in_now(today):
    signatory = User.objects.filter(memberships__role=Role.PRACTICE_SIGNATORY, email__endswith=".demo").first()
    assert Membership.objects.filter(user=signatory, is_gp=True).exists()
    open_now = {i.survey.template for i in respondent_invitations(signatory, now=today)}
    assert {"gp-satisfaction", "nza-provider", "insurer-evaluation"} <= open_now
    assert not Response.objects.filter(invitation__survey__year=2027, invitation__user=signatory).exists()
    # The insurers' NZa questionnaire: a draft filled in from the portal, to check and submit.
    questionnaire = Survey.objects.get(template="nza-insurer", year=2027)
    drafts = questionnaire.responses.filter(status=Response.Status.DRAFT)
    assert drafts.count() == questionnaire.invitations.count() == 8
    assert Answer.objects.filter(response__in=drafts, question__code="V1", number__gt=0).count() == 8


def test_every_practice_holder_is_a_gp_asked_about_its_insurers(today):
    gps = Membership.objects.filter(is_gp=True)
    assert gps.count() == Membership.objects.filter(role=Role.PRACTICE_SIGNATORY).count()
    # The practices that signed have a signatory: all but the undecided ones (demo.moments).
    assert PRACTICES - 10 < gps.count() < PRACTICES
    invitations = Invitation.objects.filter(survey__template="gp-satisfaction", survey__year=2027)
    assert invitations.count() == gps.count()
    # Each is asked about the insurers its practice signed with for 2027 (nothing for the few that refused).
    signed = set(Offer.objects.filter(year=2027, status=Offer.Status.SIGNED, practice__isnull=False)
                 .values_list("practice_id", flat=True))
    without = {i.practice_id for i in invitations if not i.attributes["insurers"]}
    assert without == {i.practice_id for i in invitations} - signed
    assert len(without) < 10


def test_seeding_again_adds_no_survey_data(today):
    before = (Survey.objects.count(), Invitation.objects.count(), Response.objects.count(), Answer.objects.count(),
              User.objects.count())
    seed(DEC_1)
    assert (Survey.objects.count(), Invitation.objects.count(), Response.objects.count(), Answer.objects.count(),
            User.objects.count()) == before


def test_demo_users_are_told_of_the_open_surveys_once_the_worker_has_swept(today):
    from accounts.models import Notification

    purchaser = User.objects.get(email="inkoper@zilverenkruis.demo")
    questionnaire = Survey.objects.get(template="nza-insurer", year=2027)
    evaluation = Survey.objects.get(template="insurer-evaluation", year=2027, owner_insurer__name="Zilveren Kruis")
    keys = set(Notification.objects.filter(user=purchaser, key__startswith="surveys.").values_list("key", flat=True))
    # Invited to answer the NZa's questionnaire; its own evaluation it runs, it does not answer.
    assert keys == {f"surveys.invite.{questionnaire.pk}"}
    assert not Invitation.objects.filter(survey=evaluation, insurer__isnull=False).exists()
    # Nothing for the closed runs.
    closed = Survey.objects.filter(status=Survey.Status.CLOSED).values_list("pk", flat=True)
    assert not Notification.objects.filter(key__in=[f"surveys.invite.{pk}" for pk in closed]).exists()
