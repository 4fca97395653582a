"""The one shape of a question in the built-in templates: every key of the definition format, with its default
(required unless said otherwise: the sources mark no question optional)."""


def question(code: str, kind: str, text: str, **extra) -> dict:
    q = {"code": code, "kind": kind, "text": text, "help_text": "", "required": True, "options": [], "rows": [],
         "min_value": None, "max_value": None, "show_if": None, "show_if_values": [], "show_if_same_row": False,
         "repeat": "", "source_note": ""}
    unknown = set(extra) - set(q)
    if unknown:
        raise TypeError(f"unknown question keys: {sorted(unknown)}")
    q.update(extra)
    return q
