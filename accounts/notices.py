"""Notice texts: stored untranslated, rendered in the language of whoever reads them.

A notice's subject and body are message ids: the Dutch source text with ``%(name)s`` placeholders, marked with
``N_`` (Django's gettext_noop) where they are written, so makemessages puts them in the catalogue. ``params``
fills the placeholders at display time, in the reader's language (the inbox, the API) or in Dutch (the e-mail;
there is no per-user language yet). The caller builds params with the helpers below; what they store is plain
JSON, so a row keeps rendering after the code that wrote it has changed.

    notify_users(user_ids=[...], key=f"question:{q.pk}",
                 subject=N_("Nieuwe vraag over %(contract)s"),
                 body=N_("%(holder)s stelde een vraag. Antwoord uiterlijk %(day)s."),
                 params={"contract": contract.title, "holder": holder.name, "day": day(last_day)},
                 url=...)

A param value is one of:

=============================================  =================================================================
``"Huisartsenzorg 2027"``, ``2027``            inserted as it is: names, titles, years, text a user typed
``{"t": msgid}``  (``label(...)``)             translated: a label such as a milestone or a decision
``{"tn": [singular, plural], "n": 3}``         translated with the plural rule of the reader's language;
  (``plural(singular, plural, n)``)            the forms use ``%(n)s``
``{"date": "2026-12-08"}``  (``day(...)``)     a date: "8 december 2026" / "8 December 2026"; an optional
                                               ``"format"`` (a Django date format, e.g. ``"j F"``)
``{"datetime": "2026-10-15T08:00:00+00:00"}``  a moment, shown in Amsterdam time: "15 oktober 2026, 10:00"
  (``moment(...)``)
``{"amount": "17.40"}``  (``amount(...)``)     euros in the reader's notation: "€ 17,40" / "€ 17.40"
``{"percent": "3.50"}``  (``percent(...)``)    a percentage in the reader's notation: "3,5%" / "3.5%"
=============================================  =================================================================

A literal percent sign in a text that has params is written ``%%``. A translation that does not fit its params
(a placeholder missing or misspelt) falls back to the Dutch text rather than failing the page.
"""

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_noop as N_  # noqa: N812 - the conventional name for deferred texts

from core.numbers import percent as percent_text

__all__ = ["N_", "amount", "day", "label", "moment", "percent", "plural", "render", "untranslated"]

logger = logging.getLogger(__name__)

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"


def untranslated(text) -> str:
    """The message id behind a translatable text (a TextChoices label is a lazy translation)."""
    with override(None):
        return str(text)


def label(text) -> dict:
    """A translatable label as a param, e.g. ``label(MilestoneKind(kind).label)``."""
    return {"t": untranslated(text)}


def plural(singular: str, plural_: str, n: int) -> dict:
    """A counted phrase as a param: ``plural("nog %(n)s dag", "nog %(n)s dagen", days)``. makemessages picks up
    both forms (core's makemessages knows this name)."""
    return {"tn": [singular, plural_], "n": int(n)}


def day(value: date, fmt: str = DATE_FORMAT) -> dict:
    """A calendar date (already a local date, e.g. the last day of a deadline) as a param."""
    param = {"date": value.isoformat()}
    if fmt != DATE_FORMAT:
        param["format"] = fmt
    return param


def moment(value: datetime) -> dict:
    """A point in time as a param; shown in Amsterdam time."""
    return {"datetime": value.astimezone(UTC).isoformat()}


def amount(value) -> dict:
    """An amount in euros as a param."""
    return {"amount": str(Decimal(value).quantize(Decimal("0.01")))}


def percent(value) -> dict:
    """A percentage as a param (an index figure)."""
    return {"percent": str(Decimal(value))}


def _value(value):
    if not isinstance(value, dict):
        return value
    if "t" in value:
        return gettext(value["t"])
    if "tn" in value:
        singular, plural_ = value["tn"]
        return ngettext(singular, plural_, value["n"]) % {"n": value["n"]}
    if "date" in value:
        return formats.date_format(date.fromisoformat(value["date"]), value.get("format", DATE_FORMAT))
    if "datetime" in value:
        local = timezone.localtime(datetime.fromisoformat(value["datetime"]))
        return formats.date_format(local, value.get("format", DATETIME_FORMAT))
    if "amount" in value:
        return "€ " + formats.number_format(Decimal(value["amount"]), decimal_pos=2, use_l10n=True,
                                            force_grouping=True)
    if "percent" in value:
        return percent_text(Decimal(value["percent"]))
    raise ValueError(f"unknown notice param {value!r}")


def render(msgid: str, params: dict | None) -> str:
    """The text in the active language. Without params the text is shown as it is (no % processing)."""
    text = gettext(msgid) if msgid else ""
    if not params:
        return text
    values = {name: _value(value) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        logger.exception("Translation of %r does not fit its params; showing the source text", msgid)
        return msgid % values
