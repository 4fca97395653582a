"""Demo surveys: every built-in template (surveys.templates_data) run for the demo's contract year in force,
closed with its results, and for the year in contracting, open now, so a demo user has something to fill in.
The NZa's and the LHV's surveys once per year, the evaluation once per insurer.

Dates follow the sources where that fits the demo moment: the NZa's surveys in February of the contract year
(the 2019 survey ran in February 2019), an insurer's evaluation in January (GCP phase A, finished by the end of
February), the GP satisfaction survey between the close of signing (7 November) and the end of the year before
(the LHV's fourth survey ran in December 2021). A closed run whose calendar window has not passed yet at the demo
moment ends a week before it; an open run whose window is not open now runs from a week ago for four weeks.

Respondents: a fixed share of the audience, capped, so beyond the invitations that publishing makes (survey_publish
resolves the audience) the seed costs the same at 200 and at 50,000 practices. In an open run nobody with a demo
login has answered yet, and the insurers' NZa questionnaires are drafts filled in from the portal, to check and
submit. The GP satisfaction survey asks GPs: each practice's signatory (its holder) is a GP there.

Groups: with these numbers the large insurers' and regions' groups reach the threshold of five and the small ones
do not, so results pages show both a figure and "minder dan 5 antwoorden".
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from accounts.models import Membership, Role, User
from contracting.calendar import start_of_day
from contracting.models import ModuleChoice, Offer, StandardContract
from insurers.models import Insurer
from providers.models import CareGroup, Practice
from surveys.models import Answer, Invitation, Response, Survey
from surveys.prefill import prefill_answers
from surveys.services import survey_close, survey_create_from_definition, survey_publish
from surveys.services.responses import response_check, response_save
from surveys.templates_data import template_definition

from .bulk import fresh_statistics
from .moments import at
from .registry import DemoContext, demo_step
from .survey_answers import AnswerMaker
from .users import DEMO_EMAIL_SUFFIX

CLOSED, OPEN = "closed", "open"
NATIONAL = ("nza-provider", "nza-insurer", "gp-satisfaction")
EVALUATION = "insurer-evaluation"

# Template -> (share of the audience that answered, cap) for a closed run; an open run has a third of it so far.
RESPONSE_RATE = {"nza-provider": (0.09, 400), "gp-satisfaction": (0.3, 400), EVALUATION: (0.3, 120),
                 "nza-insurer": (1.0, 20)}


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime


def _calendar_window(key: str, year: int) -> Window:
    if key == "gp-satisfaction":
        return Window(at(date(year - 1, 11, 8), 9), start_of_day(date(year, 1, 1)))
    if key == EVALUATION:
        return Window(at(date(year, 1, 5), 9), start_of_day(date(year, 2, 1)))
    return Window(at(date(year, 2, 1), 9), start_of_day(date(year, 3, 1)))


def survey_window(key: str, year: int, state: str, now: datetime) -> Window:
    """When the demo's run of template `key` for `year` opens and closes, for a run that is `state` at `now`."""
    window = _calendar_window(key, year)
    if state == CLOSED and window.closes_at > now:
        return Window(now - timedelta(days=37), now - timedelta(days=7))
    if state == OPEN and not window.opens_at <= now < window.closes_at:
        return Window(now - timedelta(days=7), now + timedelta(days=28))
    return window


def _ensure_gp_members() -> int:
    """The demo's GPs: every practice's signatory (its holder) is a GP there, with a demo login or without."""
    return Membership.objects.filter(role=Role.PRACTICE_SIGNATORY, is_gp=False).update(is_gp=True)


def _has_demo_login(invitation: Invitation, login_practices: set[int], login_users: set[int]) -> bool:
    if invitation.user_id:
        return invitation.user_id in login_users
    if invitation.insurer_id:
        return True  # every insurer has demo purchasers
    return invitation.practice_id in login_practices


def _respondents(key: str, state: str, invitations: list[Invitation], rng: random.Random,
                 login_practices: set[int], login_users: set[int]) -> list[Invitation]:
    share, cap = RESPONSE_RATE[key]
    pool = invitations
    if state == OPEN:
        share, cap = share / 3, cap // 3
        pool = [i for i in invitations if not _has_demo_login(i, login_practices, login_users)]
    wanted = min(cap, round(len(invitations) * share), len(pool))
    return sorted(rng.sample(pool, wanted), key=lambda i: i.pk)


def _respond(survey: Survey, questions: list, respondents: list[Invitation], maker: AnswerMaker, window: Window,
             now: datetime) -> int:
    """Submitted responses of `respondents`, answered at a moment inside the window and before `now`."""
    last = min(window.closes_at, now) - timedelta(hours=1)
    span = max(1, int((last - window.opens_at).total_seconds() // 3600))
    responses, answer_rows = [], []
    for invitation in respondents:
        moment = window.opens_at + timedelta(hours=(invitation.pk * 7919) % span)
        answers = maker.answers(f"{survey.template}:{survey.year}:{survey.owner_insurer_id}:{invitation.pk}",
                                invitation.attributes)
        rows = response_check(survey=survey, invitation=invitation, answers=answers, complete=True,
                              questions=questions)
        responses.append(Response(survey=survey, invitation=invitation, status=Response.Status.SUBMITTED,
                                  attributes=invitation.attributes, started_at=moment, updated_at=moment,
                                  submitted_at=moment))
        answer_rows.append(rows)
    Response.objects.bulk_create(responses)
    for response, rows in zip(responses, answer_rows, strict=True):
        for row in rows:
            row.response = response
    Answer.objects.bulk_create([row for rows in answer_rows for row in rows], batch_size=2_000)
    for invitation, response in zip(respondents, responses, strict=True):
        invitation.responded_at = response.submitted_at
    Invitation.objects.bulk_update(respondents, ["responded_at"], batch_size=500)
    return len(responses)


def _prefill_drafts(survey: Survey, invitations: list[Invitation], now: datetime) -> int:
    """The insurers' questionnaires of an open run: drafts with what the portal knows."""
    insurers = {i.pk: i for i in Insurer.objects.all()}
    made = 0
    for invitation in invitations:
        if invitation.insurer_id is None or Response.objects.filter(invitation=invitation).exists():
            continue
        answers = prefill_answers(survey, insurer=insurers[invitation.insurer_id])
        response_save(actor=None, invitation=invitation, answers=answers, now=now)
        made += 1
    return made


def _run(ctx: DemoContext, key: str, year: int, state: str, owner: Insurer | None, slugs: dict[int, str],
         logins: tuple[set[int], set[int]], counts: dict[str, int]) -> None:
    window = survey_window(key, year, state, ctx.now)
    survey = survey_create_from_definition(actor=None, definition=template_definition(key, year=year), year=year,
                                           opens_at=window.opens_at, closes_at=window.closes_at,
                                           owner_insurer=owner)
    if survey.status != Survey.Status.DRAFT:
        return  # seeded before
    survey = survey_publish(actor=None, survey=survey, now=window.opens_at - timedelta(days=1))
    invitations = list(survey.invitations.order_by("id"))
    counts["survey_invitations"] = counts.get("survey_invitations", 0) + len(invitations)
    rng = random.Random(f"{key}:{year}:{getattr(owner, 'pk', '')}")
    respondents = _respondents(key, state, invitations, rng, *logins)
    questions = list(survey.questions.order_by("position"))
    if key == "nza-insurer":
        # An insurer's answers are its own figures where the portal has them.
        responded = sum(_respond(survey, questions, [invitation], AnswerMaker(
            questions, insurer_slugs=slugs, prefill=prefill_answers(survey, insurer=invitation.insurer)),
            window, ctx.now) for invitation in respondents)
    else:
        responded = _respond(survey, questions, respondents, AnswerMaker(questions, insurer_slugs=slugs), window,
                             ctx.now)
    counts["survey_responses"] = counts.get("survey_responses", 0) + responded
    if state == OPEN and key == "nza-insurer":
        counts["survey_drafts"] = counts.get("survey_drafts", 0) + _prefill_drafts(survey, invitations, ctx.now)
    if state == CLOSED:
        survey_close(actor=None, survey=survey, now=window.closes_at)
    counts["surveys"] = counts.get("surveys", 0) + 1


# What publishing (surveys.audiences) and the figures (surveys.prefill) read.
_READ_TABLES = (User, Membership, Practice, Offer, StandardContract, ModuleChoice, CareGroup.practices.through)


@demo_step("surveys.builtin", order=60)
def seed_surveys(ctx: DemoContext) -> dict[str, int]:
    fresh_statistics(*_READ_TABLES)
    counts: dict[str, int] = {"survey_gps": _ensure_gp_members()}
    insurers = list(Insurer.objects.order_by("id"))
    slugs = {i.pk: i.slug for i in insurers}
    # Who can log in: the demo accounts (the practices' own signatories have no usable password).
    login_users = set(User.objects.filter(email__endswith=DEMO_EMAIL_SUFFIX)
                      .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX).values_list("id", flat=True))
    login_practices = set(Membership.objects.filter(user_id__in=login_users, practice__isnull=False)
                          .values_list("practice_id", flat=True))
    in_force, contracting = ctx.years[0], ctx.years[1]
    for year, state in ((in_force, CLOSED), (contracting, OPEN)):
        for key in NATIONAL:
            _run(ctx, key, year, state, None, slugs, (login_practices, login_users), counts)
        for insurer in insurers:
            _run(ctx, EVALUATION, year, state, insurer, slugs, (login_practices, login_users), counts)
    return counts
