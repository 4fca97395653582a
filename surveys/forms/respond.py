"""The respond form: the page's structure for any survey definition, and the posted form read back into the
answers structure of surveys.services.responses. Field names are ``q|<code>|<repeat key>|<row>`` (codes are
slugs, so the separator never occurs in them); the static script reads the same names."""

import json

from core.numbers import hours
from insurers.models import Insurer
from providers.models import CareGroup

from ..conditions import shown
from ..definitions import scale_range
from ..models import Invitation, Question
from ..services.responses import repeat_keys

K = Question.Kind


def field_name(code: str, key: str = "", row: str = "") -> str:
    return f"q|{code}|{key}|{row}"


def answers_from_post(questions: list[Question], invitation: Invitation, data) -> dict:
    """The posted form as the answers structure (only the fields this respondent's form has)."""
    answers: dict[str, object] = {}
    for q in questions:
        per_key: dict[str, object] = {}
        for key in repeat_keys(q, invitation):
            if q.kind == K.MATRIX:
                value = {r["value"]: data.get(field_name(q.code, key, r["value"]), "") for r in q.rows}
                value = {row: option for row, option in value.items() if option}
            elif q.kind == K.MULTIPLE:
                value = [v for v in data.getlist(field_name(q.code, key)) if v]
            else:
                value = data.get(field_name(q.code, key), "")
            if value not in ("", [], {}):
                per_key[key] = value
        if q.repeat:
            if per_key:
                answers[q.code] = per_key
        elif "" in per_key:
            answers[q.code] = per_key[""]
    return answers


def _canonical(questions: list[Question], answers: dict) -> dict:
    """answers (as posted or saved) keyed by code and repeat key, as surveys.conditions reads them."""
    out = {}
    for q in questions:
        if q.code in answers:
            out[q.code] = answers[q.code] if q.repeat else {"": answers[q.code]}
    return out


def _repeat_labels(questions: list[Question], invitation: Invitation) -> dict[tuple[str, str], str]:
    kinds = {q.repeat for q in questions if q.repeat}
    labels: dict[tuple[str, str], str] = {}
    if Question.Repeat.INSURER in kinds:
        ids = invitation.attributes.get("insurers", [])
        labels |= {("insurer", str(pk)): name for pk, name in Insurer.objects.filter(pk__in=ids)
                   .values_list("pk", "name")}
    if Question.Repeat.CARE_GROUP in kinds:
        ids = invitation.attributes.get("care_groups", [])
        labels |= {("care_group", str(pk)): name for pk, name in CareGroup.objects.filter(pk__in=ids)
                   .values_list("pk", "name")}
    return labels


def respond_sections(questions: list[Question], sections, invitation: Invitation, answers: dict,
                     errors: dict[str, list[str]] | None = None) -> list[dict]:
    """The page: per section its question blocks (one per repetition), each with its fields, current values,
    errors, and whether it is shown for these answers (decided here; the script re-decides live)."""
    errors = errors or {}
    canonical = _canonical(questions, answers)
    by_id = {q.pk: q for q in questions}
    labels = _repeat_labels(questions, invitation)
    out = []
    for section in sections:
        blocks = []
        for q in (q for q in questions if q.section_id == section.pk):
            target = by_id.get(q.show_if_id)
            same_repeat = bool(target and target.repeat and target.repeat == q.repeat)
            for key in repeat_keys(q, invitation):
                visible = shown(q, key, canonical, by_id)
                value = canonical.get(q.code, {}).get(key)
                block = {
                    "question": q, "key": key, "repeat_label": labels.get((q.repeat, key), ""),
                    "name": field_name(q.code, key), "id": f"q-{q.code}-{key}".rstrip("-"),
                    "hidden": not visible, "errors": errors.get(q.code, []) if key == repeat_keys(q, invitation)[0]
                    else [],
                    "show_if": target.code if target else "", "show_if_values": json.dumps(q.show_if_values),
                    "same_repeat": same_repeat, "value": "" if value is None else value,
                }
                if q.kind in (K.SINGLE, K.MULTIPLE):
                    chosen = value if isinstance(value, list) else [str(value)] if value not in (None, "") else []
                    block["choices"] = [{"value": o["value"], "label": o["label"], "checked": o["value"] in chosen}
                                        for o in q.options]
                elif q.kind in (K.SCALE10, K.SCALE5):
                    low, high = scale_range(q.kind)
                    ends = {o["value"]: o["label"] for o in q.options}
                    block["choices"] = [{"value": str(n), "label": ends.get(str(n), ""),
                                         "checked": str(value) == str(n)} for n in range(low, high + 1)]
                elif q.kind == K.NUMBER:
                    # The bounds as the reader writes numbers ("5.000" in Dutch).
                    block["min_label"] = "" if q.min_value is None else hours(q.min_value)
                    block["max_label"] = "" if q.max_value is None else hours(q.max_value)
                elif q.kind == K.MATRIX:
                    cells = value if isinstance(value, dict) else {}
                    block["matrix"] = [
                        {"value": r["value"], "label": r["label"], "name": field_name(q.code, key, r["value"]),
                         "hidden": isinstance(visible, set) and r["value"] not in visible,
                         "choices": [{"value": o["value"], "label": o["label"],
                                      "checked": cells.get(r["value"]) == o["value"]} for o in q.options]}
                        for r in q.rows]
                blocks.append(block)
        out.append({"section": section, "blocks": blocks})
    return out
