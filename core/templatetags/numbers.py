"""Template filters for numbers in text: `{% load numbers %}`."""

from django import template

from core.numbers import percent, plural_n

register = template.Library()

register.filter("plural_n", plural_n)
register.filter("percent", percent)
