"""Which questions a respondent sees, decided from the answers given: the one home of the condition rule.

The respond page's static script (static/js/survey-conditions.js) shows and hides questions live with the
same rule, from the data-* attributes the page writes; the server decides again from what was posted, so a
hidden question is neither required nor stored whatever the browser did.

Answers are the canonical structure the response service takes (surveys.services.responses): per question
code, per repeat key ("" when the question is asked once), a value: a string (single, scale, number, text),
a list of strings (multiple) or a dict row -> option (matrix).
"""

from .models import Question

Answers = dict[str, dict[str, object]]


def _matches(question: Question, value) -> bool:
    """Does `value`, an answer to the condition's target, show the dependent question?"""
    wanted = set(question.show_if_values)
    if value is None:
        return False
    if isinstance(value, list):
        return bool(wanted & set(value))
    if isinstance(value, dict):
        return bool(wanted & set(value.values()))
    return str(value) in wanted


def shown(question: Question, repeat_key: str, answers: Answers, by_id: dict[int, Question]) -> bool | set[str]:
    """True or False: whether `question` (its `repeat_key` repetition) is shown. For a matrix conditioned per
    row (show_if_same_row): the set of its rows that are shown (empty: the question is hidden)."""
    if question.show_if_id is None:
        return True
    target = by_id[question.show_if_id]
    # The same repetition when both are repeated the same way (each insurer's follow-up after its own
    # rating); otherwise the target's answer in any repetition.
    same_repeat = bool(target.repeat) and target.repeat == question.repeat
    keys = [repeat_key] if same_repeat else (list(answers.get(target.code, {})) or [""])
    target_shown = any(bool(shown(target, key, answers, by_id)) for key in keys)
    if not target_shown:
        return set() if question.show_if_same_row else False
    given = answers.get(target.code, {})
    values = [given.get(repeat_key)] if same_repeat else list(given.values())
    if question.show_if_same_row:
        rows: set[str] = set()
        for value in values:
            if isinstance(value, dict):
                rows |= {row for row, option in value.items() if option in set(question.show_if_values)}
        return rows
    return any(_matches(question, value) for value in values)
