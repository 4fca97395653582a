"""Qualification questionnaires (uitvraag): the surveys side of qualification.

An insurer attaches a questionnaire (a survey of kind qualification) to a published standard contract, or one
module of it, that needs qualification; a practice or care group answers it through the engine's respond page;
on submit the answers go to contracting (services.qualification_submit), which keeps them frozen with the offer,
and a rule on the answers may qualify at once (services.qualification_decide by rule). Who may qualify, when,
and what a qualification does are contracting's rules; this module only asks them.

The questionnaire does not invite its whole nominal audience at publication (every practice of the country):
who may answer is who may qualify (contracting.services.qualification_submit_refusal), so a holder's
invitation is made when it starts answering (qualification_invitation_ensure)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracting.access import is_member_of_holder, require_insurer_purchaser
from contracting.models import ContractModule, HolderKind, Qualification, StandardContract
from contracting.selectors import signing_window
from contracting.services import (
    qualification_decide,
    qualification_submit,
    qualification_submit_refusal,
    qualification_target_refusal,
)
from core.audit import audit_record
from core.errors import ConflictError, Forbidden, PortalError

from ..definitions import definition_check
from ..models import Answer, Invitation, QualificationQuestionnaire, Question, Response, Survey
from ..qualification_rules import rule_check, rule_met, rule_text
from .surveys import survey_create_from_definition

K = Question.Kind


def _definition_questions(definition: dict) -> list[Question]:
    """The questions of a definition as unsaved rows, to check a rule before anything is created."""
    return [Question(code=q["code"], kind=q["kind"], options=q.get("options") or [], repeat=q.get("repeat", ""))
            for section in definition["sections"] for q in section["questions"]]


def qualification_questionnaire_attach(*, actor, contract: StandardContract,
                                       contract_module: ContractModule | None = None, definition: dict,
                                       rule=None, opens_at: datetime | None = None,
                                       closes_at: datetime | None = None,
                                       now: datetime | None = None) -> QualificationQuestionnaire:
    """Attach a questionnaire made from `definition` (kind "qualification") to `contract` or its
    `contract_module`, open from `opens_at` (default now) until `closes_at` (default: when the year's signing
    closes for the contract's holders, after which qualifying leads to nothing). `rule` (a list of conditions,
    surveys.qualification_rules) qualifies automatically when met. Only a purchaser of the contract's insurer;
    the target must be published and need qualification (contracting.services.qualification_target_refusal).
    One questionnaire per target: attaching again returns it. Nothing is saved on a refusal."""
    now = now or timezone.now()
    require_insurer_purchaser(actor, contract.insurer_id)
    refusal = qualification_target_refusal(contract, contract_module)
    if refusal is not None:
        raise refusal
    existing = QualificationQuestionnaire.objects.filter(standard_contract=contract,
                                                         contract_module=contract_module).first()
    if existing is not None:
        return existing
    definition_check(definition)
    if definition["kind"] != Survey.Kind.QUALIFICATION:
        message = _("Een uitvraag is een vragenlijst van de soort ‘uitvraag (kwalificatievragenlijst)’.")
        raise PortalError("not_a_qualification_questionnaire", message, fields={"definition": [message]})
    rule = rule_check(rule or [], _definition_questions(definition))
    window = signing_window(contract.first_year, contract.holder_kind)
    opens_at = opens_at or now
    closes_at = closes_at or (window[1] if window else None)
    if closes_at is None or (window is not None and closes_at > window[1]):
        message = _("Een uitvraag sluit uiterlijk wanneer de ondertekentermijn voor %(year)s sluit.") % {
            "year": contract.first_year}
        raise PortalError("closes_after_signing", message, fields={"closes_at": [message]})
    target = f"m{contract_module.pk}" if contract_module is not None else f"c{contract.pk}"
    audience = Survey.Audience.PRACTICES if contract.holder_kind == HolderKind.PRACTICE else Survey.Audience.CARE_GROUPS
    with transaction.atomic():
        StandardContract.objects.select_for_update().get(pk=contract.pk)
        existing = QualificationQuestionnaire.objects.filter(standard_contract=contract,
                                                             contract_module=contract_module).first()
        if existing is not None:
            return existing
        survey = survey_create_from_definition(
            actor=actor, definition={**definition, "key": f"{definition['key']}-{target}"[:60]},
            year=contract.first_year, opens_at=opens_at, closes_at=closes_at, owner_insurer=contract.insurer,
            audience=audience)
        # Open for answers now; invitations are made per holder as it starts (see the module docstring).
        survey.status, survey.published_at = Survey.Status.PUBLISHED, now
        survey.save(update_fields=["status", "published_at"])
        questionnaire = QualificationQuestionnaire.objects.create(
            survey=survey, standard_contract=contract, contract_module=contract_module, rule=rule)
        audit_record(actor=actor, verb="surveys.qualification_questionnaire.attached", obj=questionnaire,
                     after={"survey": survey.pk, "contract": contract.pk,
                            "module": contract_module.module.code if contract_module else None,
                            "rule": rule_text(rule)})
    return questionnaire


def questionnaire_refusal(questionnaire: QualificationQuestionnaire, *, practice=None, care_group=None,
                          now: datetime) -> PortalError | None:
    """Why this holder cannot answer `questionnaire` at `now`, or None: it must be open, and the holder must be
    able to qualify (contracting's rule) unless it already has a qualification waiting (then it may change its
    answers). The holder's list of uitvragen and qualification_invitation_ensure both ask this."""
    survey = questionnaire.survey
    if survey.status != Survey.Status.PUBLISHED or now < survey.opens_at:
        return ConflictError("survey_not_open", _("Deze uitvraag is nog niet open."))
    if now >= survey.closes_at:
        return ConflictError("survey_closed", _("Deze uitvraag is gesloten; antwoorden kan niet meer."))
    holder = {"practice": practice} if practice is not None else {"care_group": care_group}
    existing = Qualification.objects.filter(standard_contract_id=questionnaire.standard_contract_id,
                                            contract_module_id=questionnaire.contract_module_id, **holder).first()
    if existing is not None:
        if existing.status != Qualification.Status.PENDING:
            return ConflictError("qualification_decided", _("Hierover is al beslist (%(status)s).")
                                 % {"status": existing.get_status_display().lower()})
        return None
    return qualification_submit_refusal(contract=questionnaire.standard_contract,
                                        contract_module=questionnaire.contract_module, practice=practice,
                                        care_group=care_group, now=now)


def qualification_invitation_ensure(*, actor, questionnaire: QualificationQuestionnaire, practice=None,
                                    care_group=None, now: datetime | None = None) -> Invitation:
    """The holder's invitation to answer `questionnaire`, made the first time (only the holder's people; refused
    as questionnaire_refusal says). Locks the survey row, so two first clicks make one invitation."""
    now = now or timezone.now()
    if (practice is None) == (care_group is None):
        raise PortalError("holder_required", _("Kies één praktijk of één samenwerkingsverband."))
    if not is_member_of_holder(actor, practice_id=getattr(practice, "pk", None),
                               care_group_id=getattr(care_group, "pk", None)):
        raise Forbidden("not_holder_member", _("Alleen medewerkers van de zorgaanbieder kunnen dit doen."))
    holder = {"practice": practice} if practice is not None else {"care_group": care_group}
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=questionnaire.survey_id)
        invitation = Invitation.objects.filter(survey=survey, user=None, insurer=None,
                                               **({"care_group": None} if practice else {"practice": None}),
                                               **holder).first()
        if invitation is not None:
            return invitation
        refusal = questionnaire_refusal(questionnaire, now=now, **holder)
        if refusal is not None:
            raise refusal
        org = practice or care_group
        invitation = Invitation.objects.create(
            survey=survey, invited_at=now, **holder,
            attributes={"provider_type": "gp" if practice is not None else "care_group", "region": org.region_id})
        audit_record(actor=actor, verb="surveys.invitation.created", obj=invitation,
                     after={"survey": survey.pk, "holder": org.pk})
    return invitation


def _answer_text(question: Question, answers: list[Answer]) -> str:
    labels = {o["value"]: o["label"] for o in question.options}
    rows = {r["value"]: r["label"] for r in question.rows}
    parts = []
    for answer in answers:
        if question.kind == K.MATRIX:
            parts.append(f"{rows.get(answer.row, answer.row)}: {labels.get(answer.option, answer.option)}")
        elif answer.option:
            parts.append(labels.get(answer.option, answer.option))
        elif answer.number is not None:
            parts.append(format(answer.number.normalize(), "f"))
        else:
            parts.append(answer.text)
    return "; ".join(parts)


def response_snapshot(answers: list[Answer]) -> list[dict]:
    """A response's answers as contracting keeps them: per answered question its code, its text and the answer
    as the holder saw it (option labels, not values), in the questionnaire's order."""
    by_question: dict[int, tuple[Question, list[Answer]]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, (answer.question, []))[1].append(answer)
    ordered = sorted(by_question.values(), key=lambda item: item[0].position)
    return [{"code": q.code, "question": q.text, "answer": _answer_text(q, rows)} for q, rows in ordered]


def qualification_response_submitted(*, response: Response, now: datetime | None = None) -> Qualification | None:
    """A submitted response to a qualification questionnaire goes to contracting as the holder's qualification
    (saving it again while it waits replaces the answers; once decided, contracting refuses and so nothing
    changes); when the questionnaire's rule is met the holder is qualified at once. Called inside the
    transaction that saves the response (response_save calls it), so a refusal undoes the save."""
    if response.status != Response.Status.SUBMITTED or response.invitation_id is None:
        return None
    questionnaire = (QualificationQuestionnaire.objects.select_related("standard_contract", "contract_module__module")
                     .filter(survey_id=response.survey_id).first())
    if questionnaire is None:
        return None
    # The moment the response was saved (the engine's `now`), so a replayed save hands over at the same moment.
    now = now or response.updated_at or timezone.now()
    invitation = response.invitation
    answers = list(Answer.objects.filter(response=response).select_related("question")
                   .order_by("question__position", "repeat_key", "row", "option"))
    qualification = qualification_submit(
        actor=None, contract=questionnaire.standard_contract, contract_module=questionnaire.contract_module,
        practice=invitation.practice, care_group=invitation.care_group, answers=response_snapshot(answers),
        source=f"survey:{response.survey_id}/response:{response.pk}", now=now)
    if qualification.status == Qualification.Status.PENDING and rule_met(questionnaire.rule, answers):
        with translation.override("nl"):  # kept as written, like a purchaser's reason
            reason = _("Automatisch gekwalificeerd: de antwoorden voldoen aan ‘%(rule)s’.") % {
                "rule": rule_text(questionnaire.rule)}
        qualification = qualification_decide(actor=None, qualification=qualification, qualified=True,
                                             by_rule=True, now=now, reason=reason)
    return qualification
