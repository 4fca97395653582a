"""Amounts, hours and counts in messages, written as the reader writes them (the active language): Dutch
"€ 3.900,00", "15,8" and "2.350"; English "€ 3,900.00", "15.8" and "2,350". Every service message, form help text
and PDF line that prints a number goes through these, so no message shows Python's "17.40" to a Dutch reader."""

from decimal import Decimal

from django.utils.formats import number_format


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value) -> str:
    """An amount in euros with cents and thousands grouped: '€ 17,40', '€ 3.900,00'."""
    return "€ " + number_format(_decimal(value), 2, force_grouping=True)


def hours(value) -> str:
    """Hours as precise as they are and no more: 12.00 is '12', 15.80 is '15,8', 7.25 is '7,25'."""
    number = _decimal(value)
    exponent = number.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(number, places, force_grouping=True)


def percent(value) -> str:
    """A percentage as precise as it is: 3.50 is '3,5%' (Dutch) or '3.5%' (English); -1 is '-1%'."""
    return hours(value) + "%"


def count(value: int) -> str:
    """A whole number with thousands grouped: '2.350' patients."""
    return number_format(int(value), 0, force_grouping=True)


def plural_n(value) -> int:
    """The whole number gettext chooses a plural form by: 1 hour, 1 jaar, but '1,5 uur' and '1.5 hours', which
    read as plural in Dutch and English alike; typed text ('15,8') counts as the number it means."""
    try:
        number = _decimal(str(value).replace(",", ".")) if isinstance(value, str) else _decimal(value)
    except ArithmeticError:
        return 2
    if not number.is_finite():
        return 2
    return int(number) if number == number.to_integral_value() else 2
