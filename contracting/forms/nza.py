"""The NZa analyst's form: the maximum tariffs of a year."""

from decimal import Decimal

from django import forms
from django.utils.formats import localize_input

from core.forms import UtrechtFormMixin

from ..models import Module
from .insurer import AmountField


class NzaTariffsForm(UtrechtFormMixin, forms.Form):
    """One amount per S1 prestatie with an NZa maximum; a blank field leaves that module as it is."""

    def __init__(self, *args, modules: list[Module], current: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = modules
        for module in modules:
            field = AmountField(label=module.name, required=False, help_text=module.get_unit_display())
            if module.pk in current:
                field.initial = localize_input(current[module.pk])
            self.fields[self.field_name(module)] = field

    @staticmethod
    def field_name(module: Module) -> str:
        return f"module_{module.pk}"

    def rows(self):
        return [(module, self[self.field_name(module)]) for module in self.modules]
