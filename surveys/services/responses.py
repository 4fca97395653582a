"""Responses: one per invitation, a draft until submitted, editable (draft or submitted) until the survey
closes, frozen after.

`answers` is a dict per question code. For a question asked once, the value itself; for a repeated question
(per insurer or care group), a dict repeat key -> value. A value is, per kind: single a string (an option
value); multiple a list of option values; scale10 / scale5 a whole number (or its digits); number a number
(or its text, "12,5" or "12.5"); text a string; matrix a dict row value -> option value. An empty value is no
answer.

The service decides which questions are shown (surveys.conditions, from the answers posted): a hidden
question is neither required nor stored, whatever was posted for it. Every problem is reported in Dutch per
question code, and nothing is saved then."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contracting.calendar import last_day, local_date
from core.audit import audit_record
from core.errors import ConflictError, PortalError
from core.numbers import hours

from ..conditions import shown
from ..definitions import scale_range
from ..models import Answer, Invitation, Question, Response, Survey
from ..selectors import invitations_for, survey_is_open

K = Question.Kind
TEXT_MAX = 5000
NUMBER_LIMIT = Decimal("9999999999.99")  # Answer.number: 12 digits, 2 after the point


def repeat_keys(question: Question, invitation: Invitation) -> list[str]:
    """The repetitions of `question` for this respondent: "" once, or the ids (as text) of the insurers / care
    groups it is asked about (from the invitation's attributes)."""
    if question.repeat == Question.Repeat.INSURER:
        return [str(pk) for pk in invitation.attributes.get("insurers", [])]
    if question.repeat == Question.Repeat.CARE_GROUP:
        return [str(pk) for pk in invitation.attributes.get("care_groups", [])]
    return [""]


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _choice_values(question: Question) -> list[str]:
    return [o["value"] for o in question.options]


def _cells(question: Question, value, rows_shown: set[str] | None, errors: list[str]) -> list[dict]:
    """The answer rows (dicts of row/option/number/text) of one value, or problems in `errors`."""
    code = question.code
    if question.kind == K.SINGLE:
        value = str(value)
        if value not in _choice_values(question):
            errors.append(_("‘%(value)s’ is geen antwoordmogelijkheid bij vraag %(code)s.")
                          % {"value": value, "code": code})
            return []
        return [{"option": value}]
    if question.kind == K.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            errors.append(_("Kies bij vraag %(code)s een of meer antwoorden uit de lijst.") % {"code": code})
            return []
        wrong = [str(v) for v in values if str(v) not in _choice_values(question)]
        if wrong:
            errors.append(_("‘%(value)s’ is geen antwoordmogelijkheid bij vraag %(code)s.")
                          % {"value": ", ".join(wrong), "code": code})
            return []
        return [{"option": str(v)} for v in dict.fromkeys(values)]
    if question.kind in (K.SCALE10, K.SCALE5):
        low, high = scale_range(question.kind)
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not low <= int(text) <= high:
            errors.append(_("Kies bij vraag %(code)s een waarde van %(low)s tot en met %(high)s.")
                          % {"code": code, "low": low, "high": high})
            return []
        return [{"number": Decimal(int(text))}]
    if question.kind == K.NUMBER:
        try:
            number = value if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else \
                Decimal(str(value).strip().replace(" ", "").replace(",", "."))
            number = Decimal(number)
            if not number.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(_("Vul bij vraag %(code)s een getal in.") % {"code": code})
            return []
        if number != number.quantize(Decimal("0.01")) or abs(number) > NUMBER_LIMIT:
            errors.append(_("Vul bij vraag %(code)s een getal in met hoogstens twee cijfers achter de komma.")
                          % {"code": code})
            return []
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                message = _("Vul bij vraag %(code)s een getal van %(low)s tot en met %(high)s in.")
            elif low is not None:
                message = _("Vul bij vraag %(code)s een getal van minstens %(low)s in.")
            else:
                message = _("Vul bij vraag %(code)s een getal van hoogstens %(high)s in.")
            errors.append(message % {"code": code, "low": hours(low) if low is not None else "",
                                     "high": hours(high) if high is not None else ""})
            return []
        return [{"number": number}]
    if question.kind == K.TEXT:
        text = str(value).strip()
        if len(text) > TEXT_MAX:
            errors.append(_("Het antwoord op vraag %(code)s is langer dan %(n)s tekens.")
                          % {"code": code, "n": TEXT_MAX})
            return []
        return [{"text": text}] if text else []
    # matrix
    if not isinstance(value, dict):
        errors.append(_("Kies bij vraag %(code)s per thema een antwoord.") % {"code": code})
        return []
    rows = {r["value"] for r in question.rows}
    cells = []
    for row, option in value.items():
        if row not in rows:
            errors.append(_("Vraag %(code)s heeft geen thema ‘%(row)s’.") % {"code": code, "row": row})
            continue
        if _empty(option) or (rows_shown is not None and row not in rows_shown):
            continue  # no answer, or a row hidden by its condition: not stored
        if str(option) not in _choice_values(question):
            errors.append(_("‘%(value)s’ is geen antwoordmogelijkheid bij vraag %(code)s.")
                          % {"value": option, "code": code})
            continue
        cells.append({"row": row, "option": str(option)})
    return cells


def _normalise(questions: list[Question], invitation: Invitation, answers) -> tuple[dict, dict]:
    """(the answers per code and repeat key, problems per code) for the posted `answers`."""
    problems: dict[str, list[str]] = {}
    if not isinstance(answers, dict):
        return {}, {"": [_("De antwoorden zijn niet goed doorgegeven.")]}
    by_code = {q.code: q for q in questions}
    for code in answers:
        if code not in by_code:
            problems.setdefault(str(code), []).append(_("Deze enquête heeft geen vraag %(code)s.") % {"code": code})
    normalised: dict[str, dict[str, object]] = {}
    for question in questions:
        if question.code not in answers:
            continue
        value = answers[question.code]
        keys = repeat_keys(question, invitation)
        if question.repeat:
            if not isinstance(value, dict) or set(map(str, value)) - set(keys):
                problems.setdefault(question.code, []).append(
                    _("Vraag %(code)s wordt gesteld per zorgverzekeraar of samenwerkingsverband waarmee u een "
                      "contract hebt; een ander antwoord kan niet.") % {"code": question.code})
                continue
            normalised[question.code] = {str(k): v for k, v in value.items() if not _empty(v)}
        elif not _empty(value):
            normalised[question.code] = {"": value}
    return normalised, problems


def response_check(*, survey: Survey, invitation: Invitation, answers, complete: bool,
                   questions: list[Question] | None = None) -> list[Answer]:
    """The answer rows `answers` make (unsaved, without response), or a PortalError (code `answers_invalid`)
    with every problem per question code. `complete`: also every shown required question must be answered
    (submitting). Hidden questions (their condition not met by these answers) are dropped."""
    questions = questions if questions is not None else list(survey.questions.order_by("position"))
    by_id = {q.pk: q for q in questions}
    normalised, problems = _normalise(questions, invitation, answers)
    rows: list[Answer] = []
    for question in questions:
        for key in repeat_keys(question, invitation):
            visible = shown(question, key, normalised, by_id)
            if not visible:
                continue
            value = normalised.get(question.code, {}).get(key)
            errors: list[str] = []
            cells = [] if _empty(value) else _cells(question, value, visible if isinstance(visible, set) else None,
                                                    errors)
            if errors:
                problems.setdefault(question.code, []).extend(errors)
                continue
            if complete and question.required:
                needed = visible if isinstance(visible, set) else (
                    {r["value"] for r in question.rows} if question.kind == K.MATRIX else None)
                missing = (not cells) if needed is None else bool(needed - {c["row"] for c in cells})
                if missing:
                    problems.setdefault(question.code, []).append(
                        _("Vraag %(code)s is verplicht.") % {"code": question.code})
                    continue
            rows.extend(Answer(question=question, repeat_key=key, **cell) for cell in cells)
    if problems:
        count = sum(len(v) for v in problems.values())
        raise PortalError("answers_invalid", " ".join(m for v in problems.values() for m in v) if count <= 3
                          else _("%(n)s antwoorden kloppen niet; zie de vragen.") % {"n": count},
                          fields=problems)
    return rows


def _refuse_if_not_open(survey: Survey, now: datetime) -> None:
    if survey_is_open(survey, now):
        return
    if survey.status == Survey.Status.PUBLISHED and now < survey.opens_at:
        raise ConflictError("survey_not_open", _("Deze enquête opent op %(day)s; u kunt hem dan invullen.")
                            % {"day": date_format(local_date(survey.opens_at), "j F Y")})
    raise ConflictError("survey_closed", _("Deze enquête is gesloten na %(day)s; antwoorden kunnen niet meer "
                                           "worden ingediend of gewijzigd.")
                        % {"day": date_format(last_day(survey.closes_at), "j F Y")})


def response_save(*, actor, invitation: Invitation, answers, now: datetime, submit: bool = False,
                  new: bool = False) -> Response:
    """Save the invitation's one response: its answers replace what was saved before. A draft stays a draft
    (incomplete answers are fine) unless `submit`; a submitted response stays submitted and must stay
    complete. `new` (the API's create): refused when the invitation already has a response (409
    `already_responded`), so a second response is never made and the first is unchanged.

    Who acts: someone who may answer for the invitation (invitations_for), else a 404-like Forbidden. Refused
    outside the survey's opening (409). Locks the invitation row; audited without the answers, and for an
    anonymous survey on the invitation, never naming the response (nothing links who to what). Safe to repeat."""
    if actor is not None and not invitations_for(actor).filter(pk=invitation.pk).exists():
        raise PortalError("not_invited", _("U bent niet uitgenodigd voor deze enquête."), status=404)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
        survey = invitation.survey
        _refuse_if_not_open(survey, now)
        response = Response.objects.filter(invitation=invitation).first()
        if response is not None and new:
            raise ConflictError("already_responded",
                                _("U hebt al een antwoord op deze enquête. U kunt het wijzigen tot en met %(day)s.")
                                % {"day": date_format(last_day(survey.closes_at), "j F Y")})
        submitted = submit or (response is not None and response.status == Response.Status.SUBMITTED)
        rows = response_check(survey=survey, invitation=invitation, answers=answers, complete=submitted)
        if response is None:
            response = Response.objects.create(survey=survey, invitation=invitation, attributes=invitation.attributes,
                                               started_at=now, updated_at=now)
        Answer.objects.filter(response=response).delete()
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
        response.updated_at = now
        fields = ["updated_at"]
        if submitted and response.status != Response.Status.SUBMITTED:
            response.status, response.submitted_at = Response.Status.SUBMITTED, now
            fields += ["status", "submitted_at"]
            invitation.responded_at = now
            invitation.save(update_fields=["responded_at"])
        response.save(update_fields=fields)
        if submitted and survey.kind == Survey.Kind.QUALIFICATION:
            # An uitvraag's submitted answers go to contracting as the holder's qualification, inside this
            # transaction, so a refusal there (decided, signing closed) undoes the save.
            from .qualification import qualification_response_submitted

            qualification_response_submitted(response=response)
        audit_record(actor=actor, verb="surveys.response.submitted" if "status" in fields else "surveys.response.saved",
                     obj=invitation if survey.anonymous else response,
                     after={"survey": survey.pk, "answers": len(rows), "status": response.status})
    return response


def response_answers(response: Response) -> dict:
    """The saved answers in the structure response_save takes (to fill in the form again)."""
    out: dict[str, object] = {}
    for answer in response.answers.select_related("question").order_by("question__position", "repeat_key", "row"):
        q = answer.question
        if q.kind == K.MULTIPLE:
            value = None
        elif q.kind == K.MATRIX:
            value = None
        elif q.kind in (K.SCALE10, K.SCALE5):
            value = str(int(answer.number))
        elif q.kind == K.NUMBER:
            value = format(answer.number.normalize(), "f")
        elif q.kind == K.TEXT:
            value = answer.text
        else:
            value = answer.option
        slot = out.setdefault(q.code, {}) if q.repeat else out
        key = answer.repeat_key if q.repeat else q.code
        if q.kind == K.MULTIPLE:
            slot.setdefault(key, []).append(answer.option)
        elif q.kind == K.MATRIX:
            slot.setdefault(key, {})[answer.row] = answer.option
        else:
            slot[key] = value
    return out
