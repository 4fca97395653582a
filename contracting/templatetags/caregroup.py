"""Template filters of the care-group pages: `{% load caregroup %}`."""

from django import template

from core.numbers import count, hours, money

from ..models import Component, ComponentMode

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


@register.filter
def components_summary(components: dict) -> str:
    """'In het integrale tarief: Diëtetiek, …; apart ingekocht: Voetzorg' for a contract line's components
    (one query for their names, in the catalogue's order)."""
    names = list(Component.objects.filter(code__in=list(components)).order_by("sort_order")
                 .values_list("code", "name"))
    parts = []
    for mode in ComponentMode:
        chosen = [name for code, name in names if components.get(code) == mode.value]
        if chosen:
            parts.append(f"{mode.label}: {', '.join(chosen)}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
