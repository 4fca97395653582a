"""Forms of the request pages, for both sides. They only shape input; every rule is in
contracting/services/requests.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin

from ..models import Request


class LaboriousForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(label=_("Waarom is deze vraag bewerkelijk?"), required=False, max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("De vraagsteller ziet uw reden en de nieuwe uiterste datum."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to five files in one field; each is checked by the service (core.uploads.check_upload)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class MessageForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(label=_("Uw bericht"), required=False, max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Bijlagen"), required=False,
                                    help_text=_("PDF, Word, Excel, OpenDocument of afbeelding; ten hoogste 5 bestanden "
                                                "van elk 10 MB."))


class RequestForm(UtrechtFormMixin, forms.Form):
    """A new request from the holder: what kind, to which insurer, and what it is about."""

    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=Request.Kind.choices, widget=forms.RadioSelect)
    insurer = forms.TypedChoiceField(label=_("Zorgverzekeraar"), coerce=int, choices=())
    offer = forms.TypedChoiceField(label=_("Over het aanbod (niet verplicht)"), coerce=int, required=False,
                                   empty_value=None, choices=())
    subject = forms.CharField(label=_("Onderwerp"), required=False, max_length=200)
    text = forms.CharField(label=_("Uw vraag of verzoek"), required=False, max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    situation = forms.ChoiceField(label=_("Bijzondere situatie (maatwerk)"), required=False,
                                  choices=[("", "—"), *Request.Situation.choices])
    module = forms.TypedChoiceField(label=_("Standaardmodule (wijzigingsverzoek)"), coerce=int, required=False,
                                    empty_value=None, choices=())
    year = forms.TypedChoiceField(label=_("Contractjaar"), coerce=int, required=False, empty_value=None,
                                  choices=())
    project_starts = forms.DateField(label=_("Project van (innovatie)"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    project_ends = forms.DateField(label=_("Project tot en met (innovatie)"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    phase = forms.ChoiceField(label=_("Fase (geschil)"), required=False, choices=[("", "—"), *Request.Phase.choices])
    attachments = MultipleFileField(label=_("Bijlagen"), required=False,
                                    help_text=_("PDF, Word, Excel, OpenDocument of afbeelding; ten hoogste 5 bestanden "
                                                "van elk 10 MB."))

    def __init__(self, *args, insurers=(), offers=(), modules=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].choices = [(i.pk, i.name) for i in insurers]
        self.fields["offer"].choices = [("", "—"), *((o.pk, f"{o.insurer.name} {o.year}: {o.standard_contract.title}")
                                                     for o in offers)]
        self.fields["module"].choices = [("", "—"), *((m.pk, f"{m.code}: {m.name}") for m in modules)]
        self.fields["year"].choices = [("", "—"), *((y, str(y)) for y in years)]


class DecisionForm(UtrechtFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=Request.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Motivering"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Verplicht bij gedeeltelijk toekennen of afwijzen."))
    criteria = forms.TypedMultipleChoiceField(label=_("Getoetst aan (gepubliceerde criteria)"), coerce=int,
                                              required=False, widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(c.pk, str(c)) for c in criteria]
        if not criteria:
            del self.fields["criteria"]


class AppealForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(label=_("Waarom gaat u in beroep?"), required=False, max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 5}))
