"""Results of a survey run through the engine's services (create from a definition, publish to an audience,
respond, close): the attributes the engine copies onto responses are the ones results split by, and an
anonymous survey's results are the same after its responses were detached from their invitations."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from surveys.models import Invitation
from surveys.results import survey_results
from surveys.services import response_save, survey_close, survey_create_from_definition, survey_publish
from tests.factories import InsurerFactory, PracticeFactory, RegionFactory

from .conftest import signed_contract

pytestmark = pytest.mark.django_db

DEFINITION = {
    "key": "tevredenheid", "kind": "gp_satisfaction", "series": "tevredenheid", "title": "Tevredenheid",
    "introduction": "", "anonymous": True, "threshold": 3, "audience": "practices",
    "sections": [{"title": "Oordeel", "questions": [
        {"code": "1", "kind": "scale10", "text": "Contractinhoud", "required": True, "repeat": "insurer"},
        {"code": "2", "kind": "single", "text": "Knelpunten?", "required": True,
         "options": [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]},
    ]}],
}


def test_results_of_a_survey_run_by_the_engine():
    zk, vgz = InsurerFactory(name="Zilveren Kruis"), InsurerFactory(name="VGZ")
    north, south = RegionFactory(name="Noord"), RegionFactory(name="Zuid")
    now = timezone.now()
    # 4 practices in Noord contracted by both insurers, 2 in Zuid by Zilveren Kruis only.
    practices = [PracticeFactory(region=north) for _ in range(4)] + [PracticeFactory(region=south) for _ in range(2)]
    for practice in practices:
        signed_contract(zk, practice, year=2026)
    for practice in practices[:4]:
        signed_contract(vgz, practice, year=2026)
    survey = survey_create_from_definition(actor=None, definition=DEFINITION, year=2026,
                                           opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=5))
    survey_publish(actor=None, survey=survey, now=now)
    grades = {practices[0].pk: (8, 6), practices[1].pk: (7, 6), practices[2].pk: (9, 5), practices[3].pk: (6, 7),
              practices[4].pk: (5, None), practices[5].pk: (7, None)}
    for invitation in Invitation.objects.filter(survey=survey):
        zk_grade, vgz_grade = grades[invitation.practice_id]
        about = {str(zk.pk): zk_grade, **({str(vgz.pk): vgz_grade} if vgz_grade else {})}
        response_save(actor=None, invitation=invitation, answers={"1": about, "2": "ja"}, now=now, submit=True)
    survey_close(actor=None, survey=survey, now=survey.closes_at)
    survey.refresh_from_db()

    results = survey_results(survey, insurer=zk, dimension="region")
    [block] = results.blocks
    whole, noord, zuid = block.groups
    # Zilveren Kruis: 6 grades, (8 + 7 + 9 + 6 + 5 + 7) / 6 = 7.0; Noord (4): 7.5; Zuid 2, below 3; the
    # withheld group holds 2 < 3, so Noord is withheld as well (Noord = the whole minus Zuid otherwise).
    assert (whole.n, whole.mean) == (6, Decimal("7.0"))
    assert (noord.label, noord.shown, zuid.label, zuid.shown) == ("Noord", False, "Zuid", False)
    assert noord.note.startswith("niet getoond")
    # VGZ: 4 grades, (6 + 6 + 5 + 7) / 4 = 6.0, all S1 only.
    results = survey_results(survey, insurer=vgz, dimension="segment", value="s1")
    assert [(g.n, g.mean) for g in results.blocks[0].groups] == [(4, Decimal("6.0"))]
