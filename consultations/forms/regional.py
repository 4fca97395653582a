"""Forms of the regiobijeenkomsten pages: the shape of the input only; the services decide."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class RegionalMeetingForm(UtrechtFormMixin, forms.Form):
    region = forms.TypedChoiceField(label=_("Regio"), coerce=int)
    year = forms.TypedChoiceField(label=_("Contractjaar van het inkoopbeleid"), coerce=int)
    title = forms.CharField(label=_("Titel"), max_length=200)
    day = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Begint om"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Eindigt om"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    location = forms.CharField(label=_("Locatie"), max_length=300, required=False,
                               help_text=_("Adres; leeg als de bijeenkomst alleen online is."))
    online_url = forms.URLField(label=_("Link voor online deelname"), required=False, assume_scheme="https")
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, regions, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, r.name) for r in regions]
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def moments(self) -> tuple[datetime, datetime]:
        """Start and end in Amsterdam time, as the purchaser typed them (the service stores UTC)."""
        day = self.cleaned_data["day"]
        return (datetime.combine(day, self.cleaned_data["start"], tzinfo=AMSTERDAM),
                datetime.combine(day, self.cleaned_data["end"], tzinfo=AMSTERDAM))


class CancelForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reden van afgelasten"), widget=forms.Textarea(attrs={"rows": 3}))


class RegisterForm(UtrechtFormMixin, forms.Form):
    attendees = forms.IntegerField(label=_("Met hoeveel personen komt u?"), min_value=1, max_value=20, initial=1)
