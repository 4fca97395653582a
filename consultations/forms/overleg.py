"""Forms of the overleg pages, for both sides. They only shape input; every rule is in consultations/services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracting.forms.requests import MultipleFileField
from core.forms import UtrechtFormMixin

from ..models import Evaluation, Position


class IntakeForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(label=_("Wensen en dilemma's"), required=False, widget=forms.Textarea(attrs={"rows": 5}))


class MandateForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(label=_("Mandaat van het overlegteam"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Waarover het overlegteam namens de huisartsen in de regio overlegt."))


class MandateDecisionForm(UtrechtFormMixin, forms.Form):
    accept = forms.TypedChoiceField(label=_("Besluit over het mandaat"), widget=forms.RadioSelect,
                                    choices=[("1", _("Accepteren")), ("0", _("Niet accepteren"))],
                                    coerce=lambda v: v == "1", required=False)
    reason = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), required=False, max_length=1000)
    starts_at = forms.DateTimeField(label=_("Datum en tijd"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    location = forms.CharField(label=_("Plaats of online"), required=False, max_length=1000)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Eén agendapunt per regel."))


class MinutesForm(UtrechtFormMixin, forms.Form):
    minutes = forms.CharField(label=_("Verslag"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("In Markdown: **vet**, *cursief*, lijstjes met - en koppen met #."))
    attendees = forms.MultipleChoiceField(label=_("Aanwezig"), required=False, widget=forms.CheckboxSelectMultiple)
    other_attendees = forms.CharField(label=_("Andere aanwezigen"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(str(u.pk), u.get_full_name()) for u in people]


class AttachmentForm(UtrechtFormMixin, forms.Form):
    attachments = MultipleFileField(label=_("Bijlagen"), required=False,
                                    help_text=_("PDF, Word, Excel, OpenDocument of afbeelding; ten hoogste 10 MB per "
                                                "bestand."))


class PositionForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), required=False, max_length=1000)
    text = forms.CharField(label=_("Standpunt"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DueForm(UtrechtFormMixin, forms.Form):
    due_on = forms.DateField(label=_("Besluit uiterlijk op"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}),
                             help_text=_("Het overlegteam ziet deze datum; hij staat daarna vast."))


class DecideForm(UtrechtFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), choices=Position.Decision.choices, widget=forms.RadioSelect,
                                 required=False)
    reasons = forms.CharField(label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class KnelpuntForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), required=False, max_length=1000)
    text = forms.CharField(label=_("Knelpunt"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ResponseForm(UtrechtFormMixin, forms.Form):
    response = forms.CharField(label=_("Reactie"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(UtrechtFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Werkwijze"), choices=Evaluation.Method.choices, widget=forms.RadioSelect,
                               required=False)
    summary = forms.CharField(label=_("Uitkomsten"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("In Markdown. Contractanten en overlegteams lezen dit zodra u het deelt."))
