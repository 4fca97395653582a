from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin

from ..qualification_templates import QUALIFICATION_TEMPLATES


class QuestionnaireAttachForm(UtrechtFormMixin, forms.Form):
    """Attach a built-in uitvraag to a contract or module that needs qualification; the service decides."""

    target = forms.ChoiceField(label=_("Voor"), help_text=_("Een gepubliceerd contract of een module ervan dat "
                                                            "alleen na kwalificatie wordt aangeboden."))
    template = forms.ChoiceField(label=_("Vragenlijst"))
    rule = forms.CharField(
        label=_("Automatisch kwalificeren als"), required=False, max_length=500,
        help_text=_("Bijvoorbeeld ‘Q1 = ja en Q2 >= 4’. Leeg: u beoordeelt elke uitvraag zelf. Voldoen de "
                    "antwoorden niet, dan beoordeelt u ze ook zelf."))

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets
        self.fields["template"].choices = [(key, definition["title"])
                                           for key, (definition, _rule) in QUALIFICATION_TEMPLATES.items()]
