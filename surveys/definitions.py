"""The definition format of a survey: one plain dict (JSON-able) per survey template, from which
`surveys.services.survey_create_from_definition` creates a survey with its sections and questions.

Built-in templates, qualification questionnaires and custom surveys are all written in it::

    {
        "key": "gp-satisfaction",          # slug, required; stored as Survey.template
        "kind": "gp_satisfaction",         # a Survey.Kind value, required
        "series": "gp-satisfaction",       # slug, optional: surveys of one series are compared across years
        "title": "Tevredenheid over de contractering",    # required, at most 200 characters
        "introduction": "…",               # optional text shown above the first section
        "anonymous": True,                 # optional, default False
        "threshold": 5,                    # optional, default 5: results only for groups of at least this many
        "audience": "gp_members",          # optional here (a Survey.Audience value), else the caller passes it
        "reminder_days_before": 7,         # optional, default 7; None for no reminder
        "sections": [                      # at least one
            {
                "title": "Contractering",  # required
                "help_text": "…",          # optional
                "questions": [             # at least one per section
                    {
                        "code": "Q1",      # required, unique in the survey, letters, digits, - and _, at most
                                           # 20 characters ("Q6", "17b")
                        "kind": "single",  # a Question.Kind value: single, multiple, scale10, scale5, matrix,
                                           # number, text
                        "text": "…",       # required
                        "help_text": "…",  # optional: the Toelichting
                        "required": True,  # optional, default False
                        "options": [{"value": "ja", "label": "Ja"}, …],
                        "rows": [{"value": "tijd", "label": "Meer tijd voor de patiënt"}, …],
                        "min_value": 0, "max_value": 100,          # number only, optional
                        "show_if": "Q6", "show_if_values": ["ja"],  # optional condition (see below)
                        "show_if_same_row": False,
                        "repeat": "",      # "", "insurer" or "care_group"
                        "source_note": "…",  # optional: e.g. "answer labels lost in the source, not invented"
                    },
                ],
            },
        ],
    }

Per kind:

- ``single`` and ``multiple``: ``options`` required (at least two), each ``{"value", "label"}``, values unique
  slugs-ish strings of at most 60 characters (they are stored in Answer.option).
- ``scale10`` (1–10) and ``scale5`` (1–5): the answer is a whole number on the scale. ``options`` optional,
  only to label points of the scale: each value a number on the scale ("1": "zeer ontevreden").
- ``matrix`` (themes × scale): ``rows`` required (the themes, ``{"value", "label"}``, values unique, at most
  60 characters) and ``options`` required (the columns, as for single); one choice per row.
- ``number``: optional ``min_value`` / ``max_value`` (min not above max); no options or rows.
- ``text``: free text; no options or rows.
- ``rows`` only for a matrix; ``min_value`` / ``max_value`` only for a number.

Conditions: ``show_if`` names the code of an EARLIER question (in this or an earlier section) whose answer
decides whether this one is shown; ``show_if_values`` (required with ``show_if``) lists the answers that show
it: option values of a single, multiple (any of them chosen) or matrix question, or whole numbers of a scale
(as strings, "1".."10"). ``show_if_same_row`` (both questions matrices with the same rows): each row is shown
only when the same row of ``show_if`` was answered with one of the values (the NZa survey's 17b after 17).
A hidden question is never required and its answers are not stored.

``repeat``: "insurer" asks the question once per insurer the respondent contracts with (the GP satisfaction
survey); "care_group" once per care group (the NZa insurer questionnaire).

Unknown keys are an error (a typo must not silently drop a condition). `definition_errors` lists every problem
in Dutch; `definition_check` raises one PortalError with all of them.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import PortalError

from .models import Question, Survey

SURVEY_KEYS = frozenset({"key", "kind", "series", "title", "introduction", "anonymous", "threshold", "audience",
                         "reminder_days_before", "sections"})
SECTION_KEYS = frozenset({"title", "help_text", "questions"})
QUESTION_KEYS = frozenset({"code", "kind", "text", "help_text", "required", "options", "rows", "min_value",
                           "max_value", "show_if", "show_if_values", "show_if_same_row", "repeat", "source_note"})
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CHOICE_VALUE_MAX = 60  # Answer.option and Answer.row
CODE_MAX = 20
TITLE_MAX = 200
SCALE_RANGE = {Question.Kind.SCALE10: (1, 10), Question.Kind.SCALE5: (1, 5)}
CHOICE_KINDS = frozenset({Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.MATRIX})


def scale_range(kind: str) -> tuple[int, int] | None:
    """(lowest, highest) of a scale question, None for another kind."""
    return SCALE_RANGE.get(kind)


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _choices(items, where: str, name: str, errors: list[str], *, minimum: int) -> list[str]:
    """Check a list of {"value", "label"} and return its values."""
    if not isinstance(items, list) or len(items) < minimum:
        errors.append(_("%(where)s: ‘%(name)s’ moet een lijst van minstens %(n)s keuzes zijn.")
                      % {"where": where, "name": name, "n": minimum})
        return []
    values = []
    for item in items:
        if not isinstance(item, dict) or set(item) - {"value", "label"} or not _text(item.get("value")) \
                or not _text(item.get("label")):
            errors.append(_("%(where)s: elke keuze in ‘%(name)s’ heeft precies een ‘value’ en een ‘label’ (tekst).")
                          % {"where": where, "name": name})
            continue
        value = item["value"]
        if len(value) > CHOICE_VALUE_MAX:
            errors.append(_("%(where)s: de waarde ‘%(value)s’ is langer dan %(n)s tekens.")
                          % {"where": where, "value": value, "n": CHOICE_VALUE_MAX})
        if value in values:
            errors.append(_("%(where)s: de waarde ‘%(value)s’ staat twee keer in ‘%(name)s’.")
                          % {"where": where, "value": value, "name": name})
        values.append(value)
    return values


def _question_errors(q: dict, where: str, earlier: dict[str, dict], errors: list[str]) -> None:
    unknown = sorted(set(q) - QUESTION_KEYS)
    if unknown:
        errors.append(_("%(where)s: onbekende velden %(keys)s.") % {"where": where, "keys": ", ".join(unknown)})
    kind = q.get("kind")
    if kind not in Question.Kind.values:
        errors.append(_("%(where)s: ‘kind’ moet een van %(kinds)s zijn.")
                      % {"where": where, "kinds": ", ".join(Question.Kind.values)})
        return
    if not _text(q.get("text")):
        errors.append(_("%(where)s: de vraag heeft geen tekst.") % {"where": where})
    for flag in ("required", "show_if_same_row"):
        if flag in q and not isinstance(q[flag], bool):
            errors.append(_("%(where)s: ‘%(name)s’ is true of false.") % {"where": where, "name": flag})
    for name in ("help_text", "source_note"):
        if name in q and not isinstance(q[name], str):
            errors.append(_("%(where)s: ‘%(name)s’ is tekst.") % {"where": where, "name": name})
    if q.get("repeat", "") not in Question.Repeat.values:
        errors.append(_("%(where)s: ‘repeat’ moet leeg, ‘insurer’ of ‘care_group’ zijn.") % {"where": where})

    if kind in CHOICE_KINDS:
        _choices(q.get("options"), where, "options", errors, minimum=2)
    elif kind in SCALE_RANGE:
        low, high = SCALE_RANGE[kind]
        for value in _choices(q.get("options", []), where, "options", errors, minimum=0):
            if not value.isdigit() or not low <= int(value) <= high:
                errors.append(_("%(where)s: het label ‘%(value)s’ hoort bij geen punt van de schaal %(low)s–%(high)s.")
                              % {"where": where, "value": value, "low": low, "high": high})
    elif q.get("options"):
        errors.append(_("%(where)s: een vraag van deze soort heeft geen ‘options’.") % {"where": where})

    if kind == Question.Kind.MATRIX:
        _choices(q.get("rows"), where, "rows", errors, minimum=1)
    elif q.get("rows"):
        errors.append(_("%(where)s: alleen een matrixvraag heeft ‘rows’.") % {"where": where})

    bounds = {}
    for name in ("min_value", "max_value"):
        if q.get(name) is None:
            continue
        if kind != Question.Kind.NUMBER:
            errors.append(_("%(where)s: alleen een getalvraag heeft ‘%(name)s’.") % {"where": where, "name": name})
            continue
        bounds[name] = _decimal(q[name])
        if bounds[name] is None:
            errors.append(_("%(where)s: ‘%(name)s’ is geen getal.") % {"where": where, "name": name})
    if bounds.get("min_value") is not None and bounds.get("max_value") is not None \
            and bounds["min_value"] > bounds["max_value"]:
        errors.append(_("%(where)s: ‘min_value’ is groter dan ‘max_value’.") % {"where": where})

    _condition_errors(q, kind, where, earlier, errors)


def _condition_errors(q: dict, kind: str, where: str, earlier: dict[str, dict], errors: list[str]) -> None:
    target_code = q.get("show_if")
    if target_code in (None, ""):
        if q.get("show_if_values") or q.get("show_if_same_row"):
            errors.append(_("%(where)s: ‘show_if_values’ en ‘show_if_same_row’ horen bij ‘show_if’.")
                          % {"where": where})
        return
    target = earlier.get(target_code)
    if target is None:
        errors.append(_("%(where)s: ‘show_if’ verwijst naar ‘%(code)s’, dat geen eerdere vraag is.")
                      % {"where": where, "code": target_code})
        return
    values = q.get("show_if_values")
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        errors.append(_("%(where)s: ‘show_if_values’ moet een lijst van minstens één antwoord (tekst) zijn.")
                      % {"where": where})
        return
    target_kind = target.get("kind")
    if target_kind in CHOICE_KINDS:
        known = {o.get("value") for o in target.get("options") or [] if isinstance(o, dict)}
        wrong = [v for v in values if v not in known]
    elif target_kind in SCALE_RANGE:
        low, high = SCALE_RANGE[target_kind]
        wrong = [v for v in values if not v.isdigit() or not low <= int(v) <= high]
    else:
        errors.append(_("%(where)s: een voorwaarde kan alleen op een keuze-, schaal- of matrixvraag.")
                      % {"where": where})
        return
    if wrong:
        errors.append(_("%(where)s: ‘%(values)s’ is geen antwoord op ‘%(code)s’.")
                      % {"where": where, "values": ", ".join(wrong), "code": target_code})
    if q.get("show_if_same_row"):
        same_rows = (kind == Question.Kind.MATRIX and target_kind == Question.Kind.MATRIX
                     and [r.get("value") for r in q.get("rows") or [] if isinstance(r, dict)]
                     == [r.get("value") for r in target.get("rows") or [] if isinstance(r, dict)])
        if not same_rows:
            errors.append(_("%(where)s: ‘show_if_same_row’ kan alleen tussen twee matrixvragen met dezelfde thema's.")
                          % {"where": where})


def definition_errors(definition) -> list[str]:
    """Every problem of `definition`, in Dutch; empty when it is valid."""
    if not isinstance(definition, dict):
        return [_("Een definitie is een object (dict) met de velden van een enquête.")]
    errors: list[str] = []
    unknown = sorted(set(definition) - SURVEY_KEYS)
    if unknown:
        errors.append(_("Onbekende velden: %(keys)s.") % {"keys": ", ".join(unknown)})
    key = definition.get("key")
    if not isinstance(key, str) or not SLUG.match(key) or len(key) > 60:
        errors.append(_("‘key’ is verplicht: letters, cijfers, - en _, hoogstens 60 tekens."))
    series = definition.get("series", "")
    if not isinstance(series, str) or (series and (not SLUG.match(series) or len(series) > 60)):
        errors.append(_("‘series’ bestaat uit letters, cijfers, - en _, hoogstens 60 tekens."))
    if definition.get("kind") not in Survey.Kind.values:
        errors.append(_("‘kind’ moet een van %(kinds)s zijn.") % {"kinds": ", ".join(Survey.Kind.values)})
    title = definition.get("title")
    if not _text(title) or len(title) > TITLE_MAX:
        errors.append(_("‘title’ is verplicht, hoogstens %(n)s tekens.") % {"n": TITLE_MAX})
    if not isinstance(definition.get("introduction", ""), str):
        errors.append(_("‘introduction’ is tekst."))
    if not isinstance(definition.get("anonymous", False), bool):
        errors.append(_("‘anonymous’ is true of false."))
    threshold = definition.get("threshold", 5)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 1000:
        errors.append(_("‘threshold’ is een heel getal van 1 tot en met 1000."))
    reminder = definition.get("reminder_days_before", 7)
    if reminder is not None and (isinstance(reminder, bool) or not isinstance(reminder, int)
                                 or not 1 <= reminder <= 365):
        errors.append(_("‘reminder_days_before’ is leeg of een heel getal van 1 tot en met 365."))
    if definition.get("audience") not in (None, *Survey.Audience.values):
        errors.append(_("‘audience’ moet een van %(values)s zijn.") % {"values": ", ".join(Survey.Audience.values)})

    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        errors.append(_("‘sections’ moet een lijst van minstens één onderdeel zijn."))
        return errors
    earlier: dict[str, dict] = {}
    for s_index, section in enumerate(sections, start=1):
        s_where = _("Onderdeel %(n)s") % {"n": s_index}
        if not isinstance(section, dict):
            errors.append(_("%(where)s is geen object.") % {"where": s_where})
            continue
        unknown = sorted(set(section) - SECTION_KEYS)
        if unknown:
            errors.append(_("%(where)s: onbekende velden %(keys)s.") % {"where": s_where, "keys": ", ".join(unknown)})
        if not _text(section.get("title")) or len(section["title"]) > TITLE_MAX:
            errors.append(_("%(where)s: ‘title’ is verplicht, hoogstens %(n)s tekens.")
                          % {"where": s_where, "n": TITLE_MAX})
        if not isinstance(section.get("help_text", ""), str):
            errors.append(_("%(where)s: ‘help_text’ is tekst.") % {"where": s_where})
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            errors.append(_("%(where)s: ‘questions’ moet een lijst van minstens één vraag zijn.") % {"where": s_where})
            continue
        for q_index, question in enumerate(questions, start=1):
            code = question.get("code") if isinstance(question, dict) else None
            where = (_("Vraag %(code)s") % {"code": code} if isinstance(code, str) and code
                     else _("%(where)s, vraag %(n)s") % {"where": s_where, "n": q_index})
            if not isinstance(question, dict):
                errors.append(_("%(where)s is geen object.") % {"where": where})
                continue
            if not _text(code) or len(code) > CODE_MAX or not SLUG.match(code):
                errors.append(_("%(where)s: ‘code’ is verplicht: letters, cijfers, - en _, hoogstens %(n)s tekens.")
                              % {"where": where, "n": CODE_MAX})
            elif code in earlier:
                errors.append(_("%(where)s: de code ‘%(code)s’ komt twee keer voor.") % {"where": where, "code": code})
            _question_errors(question, where, earlier, errors)
            if _text(code) and code not in earlier:
                earlier[code] = question
    return errors


def definition_check(definition) -> None:
    """Raise a PortalError (code `definition_invalid`) listing every problem of `definition`."""
    errors = definition_errors(definition)
    if errors:
        raise PortalError("definition_invalid",
                          _("De definitie van de enquête klopt niet: %(errors)s") % {"errors": " ".join(errors)},
                          fields={"definition": errors})
