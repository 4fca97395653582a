"""Identification numbers of Dutch care providers.

AGB code (Algemeen GegevensBeheer zorgverleners, Vektis): 8 digits; the first two give the zorgverlenersoort,
01 for huisartsen, so a GP practice's code starts with 01. KvK number (Kamer van Koophandel): 8 digits.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GP_ZORGVERLENERSOORT = "01"
_EIGHT_DIGITS = re.compile(r"^\d{8}$")


def validate_agb_code(value: str) -> None:
    if not _EIGHT_DIGITS.match(value or ""):
        raise ValidationError(
            _("Een AGB-code bestaat uit precies 8 cijfers (u vulde ‘%(value)s’ in)."),
            code="agb_format", params={"value": value},
        )


def validate_gp_agb_code(value: str) -> None:
    validate_agb_code(value)
    if not value.startswith(GP_ZORGVERLENERSOORT):
        raise ValidationError(
            _("De AGB-code van een huisartsenpraktijk begint met %(prefix)s (zorgverlenersoort huisartsen)."),
            code="agb_not_gp", params={"prefix": GP_ZORGVERLENERSOORT},
        )


def validate_kvk_number(value: str) -> None:
    if not _EIGHT_DIGITS.match(value or ""):
        raise ValidationError(
            _("Een KvK-nummer bestaat uit precies 8 cijfers (u vulde ‘%(value)s’ in)."),
            code="kvk_format", params={"value": value},
        )


def validate_postcode(value: str) -> None:
    if not re.match(r"^[1-9]\d{3} ?[A-Z]{2}$", value or ""):
        raise ValidationError(_("Een postcode heeft de vorm 1234 AB."), code="postcode_format")
