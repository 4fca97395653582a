"""Forms of the insurer purchaser's screens and the NZa tariff screen. They check the shape of the input
(an amount is an amount); the contracting services decide what is allowed (NZa maxima, caps, deadlines)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import localize_input
from django.utils.translation import gettext_lazy as _

from core.numbers import count, hours

from ..models import CapRule, FollowRequest, HolderKind, Module

_TEXT_INPUTS = (forms.TextInput, forms.EmailInput, forms.NumberInput)


class UtrechtFormMixin:
    """NL Design System classes on every widget, so templates can render `{{ field }}` as is. No `required`
    attributes: the browser would mark empty fields invalid (red) before anyone typed, and the server's
    Dutch message beside the field says more than the browser's bubble."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, _TEXT_INPUTS):
                css = "utrecht-textbox utrecht-textbox--html-input"
            elif isinstance(widget, forms.Textarea):
                css = "utrecht-textarea utrecht-textarea--html-textarea"
            elif isinstance(widget, forms.Select):
                css = "utrecht-select utrecht-select--html-select"
            elif isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "utrecht-checkbox utrecht-checkbox--html-input"
            elif isinstance(widget, forms.RadioSelect):
                css = "utrecht-radio-button utrecht-radio-button--html-input"
            else:
                continue
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def parse_amount(raw: str) -> Decimal:
    """Read an amount as people type it here: '17,50', '17.50', '€ 1.234,56'. Raises ValueError."""
    text = (raw or "").replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if "," in text and ("." not in text or text.rfind(",") > text.rfind(".")):
        # Dutch notation, '1.234,56': dots group thousands, the comma separates the decimals.
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", text):
        # '4.000' is four thousand to a Dutch reader: amounts here have two decimals at most, never three.
        text = text.replace(".", "")
    else:
        # International notation, '1,234.56'.
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


class AmountField(forms.CharField):
    """A euro amount or a number of hours in Dutch or international notation, cleaned to a Decimal string
    (the services take strings and apply their own rules)."""

    default_error_messages = {"invalid": _("Vul een getal in, bijvoorbeeld 12,50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("size", 10)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        try:
            return str(parse_amount(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- Policy ----------------------------------------------------------------------------------------------
class PolicyDraftForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    body = forms.CharField(
        label=_("Tekst"), required=False, widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Een lege regel tussen alinea's. Een regel die met ‘# ’ begint is een kopje, een regel die "
                    "met ‘- ’ begint een opsommingsteken."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF-bijlage"), help_text=_("Alleen PDF-bestanden, ten hoogste 10 MB per bestand."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


# --- Standard contracts -----------------------------------------------------------------------------------
TERM_CHOICES = [(1, _("1 jaar")), (2, _("2 jaar")), (3, _("3 jaar"))]


class ContractCreateForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    first_year = forms.TypedChoiceField(
        label=_("Eerste contractjaar"), coerce=int,
        help_text=_("Alleen contractjaren waarvoor nog ondertekend kan worden."))
    term_years = forms.TypedChoiceField(
        label=_("Looptijd"), choices=TERM_CHOICES, coerce=int, initial=1,
        help_text=_("Good Contracting Practices vragen om meerjarencontracten: bij voorkeur 3 jaar of langer."),
    )
    holder_kind = forms.ChoiceField(label=_("Voor"), choices=HolderKind.choices, initial=HolderKind.PRACTICE)
    conditions = forms.CharField(label=_("Algemene voorwaarden"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_year"].choices = [(y, str(y)) for y in years]


class ContractGeneralForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    term_years = forms.TypedChoiceField(label=_("Looptijd"), choices=TERM_CHOICES, coerce=int)
    conditions = forms.CharField(label=_("Algemene voorwaarden"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    adjustment_clause = forms.CharField(
        label=_("Aanpassingsclausule"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hoort bij een meerjarencontract: jaarlijkse aanpassing in overleg bij wettelijke of "
                    "budgettaire wijzigingen buiten de invloed van partijen. Bij een looptijd van 1 jaar "
                    "ziet de praktijk deze clausule niet."),
    )


class ContractModuleForm(UtrechtFormMixin, forms.Form):
    """One catalogue module in the contract builder; each module is saved on its own."""

    include = forms.BooleanField(label=_("Opnemen in het contract"), required=False)
    tariff = AmountField(label=_("Tarief (€)"), required=False)
    conditions = forms.CharField(label=_("Voorwaarden"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cap_hours = AmountField(label=_("Plafond (uren per week)"), required=False)
    mandatory = forms.BooleanField(label=_("Altijd onderdeel van het contract"), required=False)

    def __init__(self, *args, module: Module, **kwargs):
        kwargs.setdefault("prefix", f"m-{module.code}")
        super().__init__(*args, **kwargs)
        self.module = module
        if module.cap_rule == CapRule.NONE:
            del self.fields["cap_hours"]
        else:
            low, high = module.cap_hours_min or Decimal(0), module.cap_hours_max
            values = {"low": hours(low), "high": hours(high), "patients": count(module.cap_patients)}
            if low == high:
                text = _("Ten hoogste %(high)s uur per week per %(patients)s patiënten; leeg laten is dat "
                         "maximum.") % values
            else:
                text = _("Van %(low)s tot %(high)s uur per week per %(patients)s patiënten; leeg laten is het "
                         "maximum.") % values
            self.fields["cap_hours"].help_text = text

    def clean(self):
        data = super().clean()
        if data.get("include") and not data.get("tariff") and "tariff" not in self.errors:
            self.add_error("tariff", _("Vul een tarief in om de module op te nemen."))
        return data


class ContractPublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ik heb het voorbeeld gecontroleerd; publiceer dit contract en verstuur de aanbiedingen."))


class PolicyPublishForm(forms.Form):
    confirm = forms.BooleanField(label=_("Publiceer dit concept als nieuwe versie van het inkoopbeleid."))


# --- Inbox -----------------------------------------------------------------------------------------------
class QuestionAnswerForm(UtrechtFormMixin, forms.Form):
    answer = forms.CharField(label=_("Uw antwoord"), required=False, max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 6}))


DECISION_CHOICES = [
    (FollowRequest.Status.FOLLOWED, _("Volgen: het contract geheel volgen")),
    (FollowRequest.Status.PARTIAL, _("Gedeeltelijk volgen: sommige modules of tarieven niet")),
    (FollowRequest.Status.DECLINED, _("Niet volgen")),
]


class FollowDecisionForm(UtrechtFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), choices=DECISION_CHOICES, widget=forms.RadioSelect)
    not_followed = forms.MultipleChoiceField(
        label=_("Niet gevolgde modules"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen bij gedeeltelijk volgen: vink de modules aan die u niet volgt."),
    )
    explanation = forms.CharField(
        label=_("Toelichting"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Verplicht bij gedeeltelijk volgen en niet volgen: de aanbieder hoort waarom."),
    )

    def __init__(self, *args, modules: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_followed"].choices = [(m["code"], m["name"]) for m in modules]


# --- NZa maximum tariffs -----------------------------------------------------------------------------------
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
