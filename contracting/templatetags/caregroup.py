"""Template filters of the care-group pages: `{% load caregroup %}`."""

from django import template

from core.numbers import count, hours, money

from ..models import ComponentMode

register = template.Library()


@register.filter
def term_value(value, kind: str) -> str:
    """A value of a negotiation's terms as a reader writes it: money, a count, a percentage or whether a
    component is in the integral tariff; '—' when the step does not have it."""
    if value in (None, ""):
        return "—"
    if kind == "money":
        return money(value)
    if kind == "count":
        return count(int(value))
    if kind == "percent":
        return f"{hours(value)}%"
    if kind == "mode":
        return str(ComponentMode(value).label)
    return str(value)
