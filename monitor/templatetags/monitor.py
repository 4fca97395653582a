"""`{% load monitor %}`: a monitor figure written as the reader writes numbers (core.numbers), by its unit."""

from django import template
from django.utils.http import urlencode

from monitor.tables import display

register = template.Library()


@register.filter
def figure_value(value, unit):
    return display(value, unit)


@register.filter
def with_chapter(query: dict, chapter) -> str:
    """The view's URL parameters with another chapter: a tab that keeps the year and the filters."""
    return urlencode({**query, "chapter": chapter})

