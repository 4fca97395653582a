"""Surveys, questions and responses written straight to the tables, for the results tests (the engine's services
that invite and collect responses are tested on their own)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from surveys.models import Answer, Question, Response, Survey
from tests.factories import (
    CareGroupFactory,
    InsurerFactory,
    OverlegTeamFactory,
    PracticeFactory,
    RegionFactory,
    make_member,
)

YES_NO = [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]


def make_survey(**fields) -> Survey:
    """A survey that closed yesterday (results exist once a survey has closed)."""
    now = timezone.now()
    values = {"kind": Survey.Kind.CUSTOM, "year": 2026, "title": "Enquête", "audience": Survey.Audience.PRACTICES,
              "anonymous": True, "threshold": 5, "opens_at": now - timedelta(days=30),
              "closes_at": now - timedelta(days=1), "status": Survey.Status.CLOSED}
    values.update(fields)
    return Survey.objects.create(**values)


def make_question(survey: Survey, code: str, kind: str, **fields) -> Question:
    position = survey.questions.count() + 1
    return Question.objects.create(survey=survey, code=code, kind=kind, position=position,
                                   text=fields.pop("text", f"Vraag {code}"), **fields)


def respond(survey: Survey, answers: dict, *, status=Response.Status.SUBMITTED, invitation=None,
            **attributes) -> Response:
    """One response with `attributes` (segment, provider_type, region, insurers) and `answers`, per question:
    an option (str), options (list), a number (int/Decimal), a text (for a text question), {row: option} for a
    matrix, or {repeat_key: value} wrapped in `per(...)` for a repeated question."""
    now = timezone.now()
    response = Response.objects.create(survey=survey, invitation=invitation, status=status, attributes=attributes,
                                       started_at=now,
                                       updated_at=now, submitted_at=now if status == Response.Status.SUBMITTED
                                       else None)
    rows = []
    for question, value in answers.items():
        repeats = value.items() if isinstance(value, per) else [("", value)]
        for repeat_key, v in repeats:
            rows.extend(_cells(response, question, str(repeat_key), v))
    Answer.objects.bulk_create(rows)
    return response


class per(dict):
    """Answers to a repeated question, by repeat key (an insurer's or care group's id)."""


def _cells(response, question, repeat_key, value):
    def cell(**kw):
        return Answer(response=response, question=question, repeat_key=repeat_key, **kw)

    if question.kind == Question.Kind.MATRIX:
        return [cell(row=row, option=option) for row, option in value.items()]
    if question.kind == Question.Kind.MULTIPLE:
        return [cell(option=option) for option in value]
    if question.kind == Question.Kind.SINGLE:
        return [cell(option=value)]
    if question.kind == Question.Kind.TEXT:
        return [cell(text=value)]
    return [cell(number=Decimal(value))]


def many(n: int, survey: Survey, answers: dict, **attributes) -> None:
    for _ in range(n):
        respond(survey, answers, **attributes)


class World:
    """Two insurers with an overlegteam each; users of every role; four surveys:
    - gp: the GP satisfaction survey (series "gp-tevredenheid"): Q1 1-10 per insurer (6 GPs rate Zilveren
      Kruis, 3 of them VGZ too), Q2 ja/nee once, Q3 open text;
    - evaluation: Zilveren Kruis's evaluation of its contractants (7 responses);
    - nza: the NZa provider survey (5 responses);
    - draft: a draft nobody sees results of."""


def results_world() -> World:
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
