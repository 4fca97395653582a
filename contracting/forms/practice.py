"""Forms of the practice's contracting screens. They check the shape of the input; the services decide
(caps, the signing window, who may sign)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import UtrechtFormMixin

from ..models import ContractModule
from ..pricing import needs_hours
from ..workdays import QUESTION_WORKING_DAYS
from .insurer import AmountField

_TEXTAREA_CLASS = "utrecht-textarea utrecht-textarea--html-textarea"
_CHECKBOX_CLASS = "utrecht-checkbox utrecht-checkbox--html-input"


def hours_field_name(code: str) -> str:
    return f"uren-{code}"


class ModuleChoiceForm(forms.Form):
    """The module menu of one offer: a checkbox per module (name "modules", value the module code) and an
    hours box per hour-based module. The template renders the inputs itself, row by row, next to each
    module's tariff and cap; this form only reads them back.

    Mandatory modules are shown ticked and disabled, and browsers do not send disabled inputs, so they
    count as ticked whatever arrives."""

    modules = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, contract_modules: list[ContractModule], **kwargs):
        super().__init__(*args, **kwargs)
        self.contract_modules = contract_modules
        self.fields["modules"].choices = [(cm.module.code, cm.module.name) for cm in contract_modules]
        for cm in contract_modules:
            if needs_hours(cm):
                self.fields[hours_field_name(cm.module.code)] = forms.CharField(required=False, max_length=12)

    def ticked(self) -> set[str]:
        codes = set(self.cleaned_data.get("modules") or [])
        return codes | {cm.module.code for cm in self.contract_modules if cm.mandatory}

    def hours_input(self, code: str) -> str:
        return (self.cleaned_data.get(hours_field_name(code)) or "").strip()

    def payload(self) -> list:
        """The choice as offer_choose_modules / offer_sign read it. A mandatory hour module left empty is
        not sent, so the service fills in the practice's cap; any other ticked hour module is sent as typed
        and the service says what is wrong with it."""
        ticked = self.ticked()
        items: list = []
        for cm in self.contract_modules:
            code = cm.module.code
            if code not in ticked:
                continue
            if needs_hours(cm):
                hours = self.hours_input(code)
                if cm.mandatory and not hours:
                    continue
                items.append({"module": code, "hours": hours})
            else:
                items.append(code)
        return items


class QuestionForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Uw vraag"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": _TEXTAREA_CLASS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Here, not on the field: the number of days is formatted into the reader's language per request.
        self.fields["text"].help_text = ngettext(
            "Over het inkoopbeleid, het contract of een module. De verzekeraar antwoordt binnen %(days)d werkdag.",
            "Over het inkoopbeleid, het contract of een module. De verzekeraar antwoordt binnen %(days)d werkdagen.",
            QUESTION_WORKING_DAYS) % {"days": QUESTION_WORKING_DAYS}


class SignForm(UtrechtFormMixin, forms.Form):
    """Confirms the reviewed content. `digest` is the hash of the preview the signatory read, so a choice
    changed in the meantime (by a colleague, in another tab) is never signed unseen."""

    confirm = forms.BooleanField(
        label=_("Ik heb de inhoud hierboven gelezen en onderteken dit contract namens de zorgaanbieder."),
        error_messages={"required": _("Vink aan dat u de inhoud heeft gelezen en wilt ondertekenen.")},
        widget=forms.CheckboxInput(attrs={"class": _CHECKBOX_CLASS}),
    )
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RefuseForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reden (voor de verzekeraar)"), required=False, max_length=2000,
        help_text=_("Niet verplicht, wel behulpzaam: de verzekeraar gebruikt dit bij de evaluatie."),
        widget=forms.Textarea(attrs={"rows": 3, "class": _TEXTAREA_CLASS}),
    )
    confirm = forms.BooleanField(
        label=_("Ja, ik weiger dit aanbod. Ondertekenen kan daarna niet meer."),
        error_messages={"required": _("Vink aan dat u het aanbod wilt weigeren.")},
        widget=forms.CheckboxInput(attrs={"class": _CHECKBOX_CLASS}),
    )


class FollowForm(forms.Form):
    insurers = forms.TypedMultipleChoiceField(
        coerce=int, required=True,
        error_messages={"required": _("Kies ten minste één verzekeraar.")},
    )

    def __init__(self, *args, insurer_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurers"].choices = [(pk, str(pk)) for pk in insurer_ids]


class ContractRequestForm(forms.Form):
    contract = forms.IntegerField(min_value=1)
    practice = forms.IntegerField(min_value=1)


class AddendumSignForm(UtrechtFormMixin, forms.Form):
    """Confirms a read addendum with a code from the authenticator app. `digest` is the hash of the content
    the signatory read (services.addendum_preview_hash), so a content changed meanwhile is never signed
    unseen; the service checks the code."""

    confirm = forms.BooleanField(
        label=_("Ik heb het addendum hierboven gelezen en onderteken het namens de zorgaanbieder."),
        error_messages={"required": _("Vink aan dat u het addendum heeft gelezen en wilt ondertekenen.")},
        widget=forms.CheckboxInput(attrs={"class": _CHECKBOX_CLASS}),
    )
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    code = forms.CharField(
        label=_("Code uit uw authenticator-app"), max_length=12,
        error_messages={"required": _("Voer de zescijferige code uit uw app in.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
    )


class AddendumRefuseForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reden (voor de verzekeraar)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": _TEXTAREA_CLASS}),
    )


class OwnOfferForm(UtrechtFormMixin, forms.Form):
    """An own contract offer: to which insurer, for which year, title, term and text; the module rows (a box,
    a tariff and conditions per catalogue module, named module-<code>, tarief-<code>, voorwaarden-<code>) are
    rendered by the template and read back by lines()."""

    insurer = forms.TypedChoiceField(label=_("Aan zorgverzekeraar"), coerce=int)
    holder = forms.CharField(label=_("Namens"), widget=forms.Select)
    title = forms.CharField(label=_("Titel van uw aanbod"), max_length=200)
    term_years = forms.TypedChoiceField(
        label=_("Looptijd"), coerce=int, initial=1,
        choices=[(1, _("1 jaar")), (2, _("2 jaar")), (3, _("3 jaar")), (4, _("4 jaar")), (5, _("5 jaar"))])
    text = forms.CharField(label=_("Uw aanbod: wat u biedt en onder welke voorwaarden"), max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 6, "class": _TEXTAREA_CLASS}))

    def __init__(self, *args, insurers, holders: list[tuple[str, str]], modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].choices = [(i.pk, i.name) for i in insurers]
        self.fields["holder"].widget.choices = holders
        self.holder_choices = {value for value, _label in holders}
        self.modules = modules

    def clean_holder(self):
        value = self.cleaned_data["holder"]
        if value not in self.holder_choices:
            raise forms.ValidationError(_("Kies uw praktijk of samenwerkingsverband."))
        return value

    def lines(self) -> list[dict]:
        return [{"module": m.code, "tariff": self.data.get(f"tarief-{m.code}", ""),
                 "conditions": self.data.get(f"voorwaarden-{m.code}", "")}
                for m in self.modules if self.data.get(f"module-{m.code}")]


class OwnOfferDecisionForm(UtrechtFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), widget=forms.RadioSelect,
                                 choices=[("accepted", _("Aanvaarden")), ("refused", _("Afwijzen"))])
    reason = forms.CharField(label=_("Motivering"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4, "class": _TEXTAREA_CLASS}),
                             help_text=_("Verplicht bij afwijzen; de zorgaanbieder ziet uw motivering."))


class MemberPracticeForm(UtrechtFormMixin, forms.Form):
    """A member practice on the care group's members page: its programmes and POH-S arrangement. The services
    decide (a known programme, an amount only for the hybrid variant, not negative)."""

    programmes = forms.MultipleChoiceField(label=_("Programma's"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    variant = forms.ChoiceField(label=_("Afspraak over POH-S"), required=False, widget=forms.RadioSelect)
    care_group_amount = AmountField(
        label=_("Bedrag via het samenwerkingsverband (€ per jaar)"), required=False,
        help_text=_("Alleen bij een aanvulling op de ketenzorg: wat de praktijk voor POH-S via het "
                    "samenwerkingsverband ontvangt."))

    def __init__(self, *args, programmes, **kwargs):
        from ..models import PohsVariant

        super().__init__(*args, **kwargs)
        self.fields["programmes"].choices = [(m.code, m.name) for m in programmes]
        self.fields["variant"].choices = [("", _("Nog niet vastgelegd"))] + list(PohsVariant.choices)
