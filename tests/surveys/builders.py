"""Surveys, questions and responses written straight to the tables, for the results tests (the engine's services
that invite and collect responses are tested on their own)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from surveys.models import Answer, Question, Response, Survey

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
