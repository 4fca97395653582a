"""The owner's form to set up a survey from a definition (a built-in template's or a custom one in JSON)."""

import json
from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from contracting.calendar import start_of_day
from insurers.models import Insurer
from providers.models import Region

from ..models import Survey


class SurveyCreateForm(forms.Form):
    definition = forms.CharField(label=_("Definitie (JSON)"), widget=forms.Textarea(attrs={"rows": 14}),
                                 help_text=_("De enquête in het definitieformaat: titel, onderdelen en vragen."))
    year = forms.IntegerField(label=_("Contractjaar"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("Opent op"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Invullen kan tot en met"), widget=forms.DateInput(attrs={"type": "date"}))
    audience = forms.ChoiceField(label=_("Doelgroep"), choices=Survey.Audience.choices)
    audience_region = forms.ModelChoiceField(label=_("Regio (bij doelgroep regio)"), queryset=Region.objects.all(),
                                             required=False)
    audience_insurer = forms.ModelChoiceField(label=_("Zorgverzekeraar (bij doelgroep gecontracteerden)"),
                                              queryset=Insurer.objects.all(), required=False)

    def clean_definition(self):
        try:
            return json.loads(self.cleaned_data["definition"])
        except ValueError as exc:
            raise forms.ValidationError(_("Dit is geen geldige JSON: %(error)s"), params={"error": exc}) from None

    def moments(self):
        """(opens_at, closes_at): from 00:00 of the opening day until the end of the last day (Amsterdam)."""
        data = self.cleaned_data
        return start_of_day(data["opens_on"]), start_of_day(data["closes_on"] + timedelta(days=1))
