"""The rule on a qualification questionnaire's answers that qualifies a holder automatically: every condition
must hold (an AND), e.g. "Q3 = ja en Q4 >= 2".

Stored as a list of conditions ``[{"question": "Q3", "op": "=", "value": "ja"}, ...]``:
- on a single or multiple choice: ``=`` (the option was chosen) or ``!=`` (it was not), with an option value;
- on a 1–10 or 5-point scale or a number: ``=``, ``!=``, ``>=``, ``<=``, ``>``, ``<`` with a number.
Unanswered (or hidden) questions meet no condition except ``!=``. Free text and matrix questions cannot be in a
rule. An empty rule qualifies nobody automatically: the insurer decides.

`parse_rule` reads the text form the insurer types ("Q3 = ja en Q4 >= 2", also "and" or ";" between
conditions); `rule_check` checks a rule against the survey's questions (every problem in Dutch, nothing
saved); `rule_met` evaluates it on a response's answers."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import PortalError

from .models import Answer, Question

K = Question.Kind
CHOICE_OPS = ("=", "!=")
NUMBER_OPS = ("=", "!=", ">=", "<=", ">", "<")
NUMBER_KINDS = (K.SCALE10, K.SCALE5, K.NUMBER)
CHOICE_KINDS = (K.SINGLE, K.MULTIPLE)
_CONDITION = re.compile(r"^\s*(?P<question>[A-Za-z0-9_.-]+)\s*(?P<op>>=|<=|!=|=|>|<)\s*(?P<value>\S.*?)\s*$")
_SEPARATOR = re.compile(r"\s+(?:en|and)\s+|;", re.IGNORECASE)


def parse_rule(text: str) -> list[dict]:
    """The conditions of a typed rule; a PortalError (code rule_invalid) naming the part it cannot read."""
    text = (text or "").strip()
    if not text:
        return []
    conditions = []
    for part in _SEPARATOR.split(text):
        if not part.strip():
            continue
        match = _CONDITION.match(part)
        if match is None:
            message = _("‘%(part)s’ is geen voorwaarde; schrijf bijvoorbeeld ‘Q3 = ja en Q4 >= 2’.") % {
                "part": part.strip()}
            raise PortalError("rule_invalid", message, fields={"rule": [message]})
        conditions.append({"question": match["question"], "op": match["op"], "value": match["value"]})
    return conditions


def rule_text(rule: list[dict]) -> str:
    return " en ".join(f"{c['question']} {c['op']} {c['value']}" for c in rule)


def _number(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def rule_errors(rule, questions: list[Question]) -> list[str]:
    """Every problem of `rule` against the survey's `questions`, in Dutch (empty: the rule is sound)."""
    if not isinstance(rule, list):
        return [_("De regel is een lijst van voorwaarden.")]
    by_code = {q.code: q for q in questions}
    errors = []
    for condition in rule:
        if not isinstance(condition, dict) or set(condition) != {"question", "op", "value"}:
            errors.append(_("Elke voorwaarde heeft precies een vraag, een vergelijking en een waarde."))
            continue
        code, op, value = condition["question"], condition["op"], condition["value"]
        question = by_code.get(code)
        if question is None:
            errors.append(_("Vraag %(code)s staat niet in deze uitvraag.") % {"code": code})
        elif question.kind in CHOICE_KINDS:
            values = [o["value"] for o in question.options]
            if op not in CHOICE_OPS:
                errors.append(_("Bij vraag %(code)s (een keuzevraag) kan alleen = of !=.") % {"code": code})
            if str(value) not in values:
                errors.append(_("‘%(value)s’ is geen antwoord op vraag %(code)s; kies uit: %(values)s.")
                              % {"value": value, "code": code, "values": ", ".join(values)})
        elif question.kind in NUMBER_KINDS:
            if op not in NUMBER_OPS:
                errors.append(_("Onbekende vergelijking ‘%(op)s’ bij vraag %(code)s.") % {"op": op, "code": code})
            if _number(value) is None:
                errors.append(_("Bij vraag %(code)s hoort een getal, niet ‘%(value)s’.") % {"code": code,
                                                                                        "value": value})
        else:
            errors.append(_("Vraag %(code)s (%(kind)s) kan niet in een regel; kies een keuzevraag, schaal of getal.")
                          % {"code": code, "kind": question.get_kind_display()})
        if question is not None and question.repeat:
            errors.append(_("Vraag %(code)s wordt herhaald en kan niet in een regel.") % {"code": code})
    return errors


def rule_check(rule, questions: list[Question]) -> list[dict]:
    """`rule` normalised (values as text), or a PortalError (code rule_invalid) listing every problem."""
    errors = rule_errors(rule, questions)
    if errors:
        raise PortalError("rule_invalid", " ".join(errors), fields={"rule": errors})
    return [{"question": c["question"], "op": c["op"], "value": str(c["value"])} for c in rule]


def _holds(op: str, left: Decimal, right: Decimal) -> bool:
    return {"=": left == right, "!=": left != right, ">=": left >= right, "<=": left <= right, ">": left > right,
            "<": left < right}[op]


def rule_met(rule: list[dict], answers: list[Answer]) -> bool:
    """Whether a response's `answers` (Answer rows with their question) meet every condition of `rule`; an
    empty rule is never met (nobody qualifies automatically)."""
    if not rule:
        return False
    options: dict[str, set[str]] = {}
    numbers: dict[str, Decimal] = {}
    for answer in answers:
        code = answer.question.code
        if answer.option:
            options.setdefault(code, set()).add(answer.option)
        if answer.number is not None:
            numbers[code] = answer.number
    for condition in rule:
        code, op, value = condition["question"], condition["op"], condition["value"]
        if code in numbers or (op in NUMBER_OPS[2:] and code not in options):
            number = numbers.get(code)
            if number is None:
                if op != "!=":
                    return False
                continue
            if not _holds(op, number, _number(value)):
                return False
        else:
            chosen = value in options.get(code, set())
            if chosen != (op == "="):
                return False
    return True
