import copy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from surveys.models import Question, Survey
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    OverlegTeamFactory,
    PracticeFactory,
    RegionFactory,
    make_member,
)

from .builders import YES_NO, make_question, make_survey, many, per

AMS = ZoneInfo("Europe/Amsterdam")

# A small definition with one question of every kind and the conditions the NZa survey uses.
DEFINITION = {
    "key": "proef", "kind": "custom", "series": "proef", "title": "Proefenquête",
    "introduction": "Een korte enquête.", "anonymous": False, "threshold": 3, "audience": "practices",
    "sections": [
        {"title": "Contract", "help_text": "Over uw contract.", "questions": [
            {"code": "Q1", "kind": "single", "text": "Hebt u een contract?", "required": True,
             "options": [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]},
            {"code": "Q2", "kind": "text", "text": "Waarom niet?", "required": True, "show_if": "Q1",
             "show_if_values": ["nee"]},
            {"code": "Q3", "kind": "multiple", "text": "Welke modules?",
             "options": [{"value": "s1", "label": "S1"}, {"value": "s2", "label": "S2"},
                         {"value": "s3", "label": "S3"}]},
        ]},
        {"title": "Oordeel", "questions": [
            {"code": "Q4", "kind": "scale10", "text": "Rapportcijfer", "required": True,
             "options": [{"value": "1", "label": "slecht"}, {"value": "10", "label": "uitstekend"}]},
            {"code": "Q5", "kind": "scale5", "text": "Tevreden?"},
            {"code": "Q6", "kind": "matrix", "text": "Thema's", "rows": [
                {"value": "tijd", "label": "Tijd"}, {"value": "geld", "label": "Geld"}],
             "options": [{"value": "goed", "label": "Goed"}, {"value": "slecht", "label": "Slecht"}]},
            {"code": "Q6b", "kind": "matrix", "text": "Knelpunten per thema", "show_if": "Q6",
             "show_if_values": ["slecht"], "show_if_same_row": True, "rows": [
                 {"value": "tijd", "label": "Tijd"}, {"value": "geld", "label": "Geld"}],
             "options": [{"value": "klein", "label": "Klein"}, {"value": "groot", "label": "Groot"}]},
            {"code": "Q7", "kind": "number", "text": "Aantal patiënten", "min_value": 0, "max_value": 5000},
        ]},
    ],
}


@pytest.fixture
def definition():
    return copy.deepcopy(DEFINITION)


@pytest.fixture
def window():
    """Opens 1 March 2026 09:00, closes at the end of 31 March 2026 (00:00 on 1 April), Amsterdam time."""
    return datetime(2026, 3, 1, 9, 0, tzinfo=AMS), datetime(2026, 4, 1, 0, 0, tzinfo=AMS)


def signed_contract(insurer, holder, year=2026):
    """A signed contract of `holder` (a practice or a care group) with `insurer` for `year`: only the rows the
    survey audiences read (the contracting flow that signs it is tested in tests/contracting)."""
    from contracting.models import HolderKind, Offer, StandardContract
    from providers.models import CareGroup

    is_group = isinstance(holder, CareGroup)
    contract = StandardContract.objects.create(
        insurer=insurer, first_year=year, title=f"Contract {insurer.pk} {year}", status="published",
        holder_kind=HolderKind.CARE_GROUP if is_group else HolderKind.PRACTICE)
    return Offer.objects.create(standard_contract=contract, insurer=insurer, year=year, region=holder.region,
                                status=Offer.Status.SIGNED, **{"care_group" if is_group else "practice": holder})


@pytest.fixture
def draft_survey(db, definition, window):
    from surveys.services import survey_create_from_definition

    return survey_create_from_definition(actor=None, definition=definition, year=2026, opens_at=window[0],
                                         closes_at=window[1])

class World:
    """Two insurers with an overlegteam each; users of every role; four surveys:
    - gp: the GP satisfaction survey (series "gp-tevredenheid"): Q1 1-10 per insurer (6 GPs rate Zilveren
      Kruis, 3 of them VGZ too), Q2 ja/nee once, Q3 open text;
    - evaluation: Zilveren Kruis's evaluation of its contractants (7 responses);
    - nza: the NZa provider survey (5 responses);
    - draft: a draft nobody sees results of."""


@pytest.fixture
def world(db):
    w = World()
    w.zk, w.vgz = InsurerFactory(name="Zilveren Kruis"), InsurerFactory(name="VGZ")
    w.region = RegionFactory(name="Amsterdam")
    w.team_zk = OverlegTeamFactory(name="OTH Amsterdam-ZK", region=w.region, insurer=w.zk)
    w.team_vgz = OverlegTeamFactory(name="OTH Amsterdam-VGZ", region=w.region, insurer=w.vgz)
    w.users = {
        "nza": make_member(Role.NZA_ANALYST, email="analist@nza.example"),
        "zk": make_member(Role.INSURER_PURCHASER, w.zk, email="inkoper@zk.example"),
        "vgz": make_member(Role.INSURER_PURCHASER, w.vgz, email="inkoper@vgz.example"),
        "oth_zk": make_member(Role.OTH_MEMBER, w.team_zk, email="lid@oth-zk.example"),
        "oth_vgz": make_member(Role.OTH_MEMBER, w.team_vgz, email="lid@oth-vgz.example"),
        "practice": make_member(Role.PRACTICE_MEMBER, PracticeFactory(), email="praktijk@example.nl"),
        "care_group": make_member(Role.CAREGROUP_MEMBER, CareGroupFactory(), email="zorggroep@example.nl"),
    }
    w.gp = make_survey(kind=Survey.Kind.GP_SATISFACTION, series="gp-tevredenheid", title="Tevredenheid huisartsen",
                       audience=Survey.Audience.GP_MEMBERS)
    w.gp_q1 = make_question(w.gp, "Q1", Question.Kind.SCALE10, repeat=Question.Repeat.INSURER,
                            text="Contractinhoud")
    w.gp_q2 = make_question(w.gp, "Q2", Question.Kind.SINGLE, options=YES_NO, text="Knelpunten gemeld?")
    w.gp_q3 = make_question(w.gp, "Q3", Question.Kind.TEXT, text="Grootste knelpunt")
    many(3, w.gp, {w.gp_q1: per({w.zk.pk: 8, w.vgz.pk: 5}), w.gp_q2: "ja", w.gp_q3: "Administratie"},
         region=w.region.pk, segment="s1", provider_type="gp", insurers=[w.zk.pk, w.vgz.pk])
    many(3, w.gp, {w.gp_q1: per({w.zk.pk: 6}), w.gp_q2: "nee"}, region=w.region.pk, segment="s1",
         provider_type="gp", insurers=[w.zk.pk])
    w.evaluation = make_survey(kind=Survey.Kind.EVALUATION, series="evaluatie-zk", owner_insurer=w.zk,
                               title="Evaluatie contractering", audience=Survey.Audience.CONTRACTANTS,
                               audience_insurer=w.zk)
    w.ev_q1 = make_question(w.evaluation, "E1", Question.Kind.SCALE5, text="Tevreden over het proces?")
    w.ev_q2 = make_question(w.evaluation, "E2", Question.Kind.SINGLE, options=YES_NO, text="Op tijd?")
    many(4, w.evaluation, {w.ev_q1: 4, w.ev_q2: "ja"}, segment="s1")
    many(3, w.evaluation, {w.ev_q1: 2, w.ev_q2: "nee"}, segment="both")
    w.nza = make_survey(kind=Survey.Kind.NZA_PROVIDER, title="NZa-enquête zorgaanbieders")
    w.nza_q1 = make_question(w.nza, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(5, w.nza, {w.nza_q1: "ja"})
    w.draft = make_survey(status=Survey.Status.DRAFT, owner_insurer=w.zk, title="Concept")
    return w
