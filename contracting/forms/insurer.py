"""Forms of the insurer purchaser's screens and the NZa tariff screen. They check the shape of the input
(an amount is an amount); the contracting services decide what is allowed (NZa maxima, caps, deadlines)."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import localize_input
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin
from core.numbers import count, hours, money

from ..models import (
    TERM_RANGE,
    CapRule,
    ContractModule,
    FollowRequest,
    HolderKind,
    Indexation,
    Module,
    NzaMaxTariff,
    Segment,
    StandardContract,
)


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
TERM_CHOICES = [(1, _("1 jaar")), (2, _("2 jaar")), (3, _("3 jaar")), (4, _("4 jaar")), (5, _("5 jaar"))]
assert [n for n, _label in TERM_CHOICES] == list(TERM_RANGE)


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
    indexation = forms.TypedChoiceField(
        label=_("Indexatieclausule"), choices=Indexation.choices, initial=Indexation.NONE, required=False,
        empty_value=Indexation.NONE,
        help_text=_("Bij een meerjarencontract: welke tarieven u aan het begin van elk volgend jaar met uw "
                    "indexcijfer voor dat jaar verhoogt. Het cijfer stelt u na publicatie per jaar vast, uiterlijk "
                    "op de datum van het definitieve contractaanbod voor dat jaar."),
    )

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
    indexation = forms.TypedChoiceField(
        label=_("Indexatieclausule"), choices=Indexation.choices, initial=Indexation.NONE, required=False,
        empty_value=Indexation.NONE,
        help_text=_("Bij een meerjarencontract: welke tarieven u aan het begin van elk volgend jaar met uw "
                    "indexcijfer voor dat jaar verhoogt. Het cijfer stelt u na publicatie per jaar vast, uiterlijk "
                    "op de datum van het definitieve contractaanbod voor dat jaar."),
    )
    requires_qualification = forms.BooleanField(
        label=_("Alleen aanbieden na kwalificatie (uitvraag)"), required=False,
        help_text=_("Het contract gaat bij publicatie niet naar alle praktijken: een praktijk krijgt het aanbod "
                    "pas als u haar na een uitvraag heeft gekwalificeerd."))

    def __init__(self, *args, holder_kind: str = HolderKind.PRACTICE, **kwargs):
        super().__init__(*args, **kwargs)
        if holder_kind != HolderKind.PRACTICE:
            del self.fields["requires_qualification"]


class ContractIndexForm(UtrechtFormMixin, forms.Form):
    """The index figure of a published multi-year contract for one later year."""

    year = forms.TypedChoiceField(label=_("Contractjaar"), coerce=int)
    percent = forms.CharField(label=_("Indexcijfer (%)"), max_length=10,
                              help_text=_("Bijvoorbeeld 3,5 voor 3,5%."))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class ContractModuleForm(UtrechtFormMixin, forms.Form):
    """One catalogue module in the contract builder; each module is saved on its own."""

    include = forms.BooleanField(label=_("Opnemen in het contract"), required=False)
    tariff = AmountField(label=_("Tarief (€)"), required=False)
    conditions = forms.CharField(label=_("Voorwaarden"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cap_hours = AmountField(label=_("Plafond (uren per week)"), required=False)
    mandatory = forms.BooleanField(label=_("Altijd onderdeel van het contract"), required=False)
    requires_qualification = forms.BooleanField(
        label=_("Alleen na kwalificatie (uitvraag)"), required=False,
        help_text=_("De zorgaanbieder kan deze module pas kiezen als u hem na een uitvraag heeft gekwalificeerd."))

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


# --- The contract builder's rows ----------------------------------------------------------------------------
@dataclass
class ContractBuilderRow:
    module: Module
    contract_module: ContractModule | None
    nza_max: Decimal | None
    form: ContractModuleForm
    saved: bool = False

    @property
    def anchor(self) -> str:
        return f"module-{self.module.code}"


def contract_module_form(module: Module, cm: ContractModule | None, data=None) -> ContractModuleForm:
    initial = {"include": False}
    if cm is not None:
        initial = {"include": True, "tariff": localize_input(cm.tariff), "conditions": cm.conditions,
                   "cap_hours": localize_input(cm.cap_hours) if cm.cap_hours is not None else "",
                   "mandatory": cm.mandatory, "requires_qualification": cm.requires_qualification}
    return ContractModuleForm(data, module=module, initial=initial)


def contract_builder_rows(contract: StandardContract, bound: ContractModuleForm | None = None,
                          saved_code: str | None = None) -> list[ContractBuilderRow]:
    """Every catalogue module with its form in the builder: the bound form for the module just posted, the
    saved terms for the others, and the NZa maximum beside each S1 prestatie."""
    existing = {cm.module_id: cm for cm in contract.modules.all()}
    nza = dict(NzaMaxTariff.objects.filter(year=contract.first_year).values_list("module_id", "max_tariff"))
    rows = []
    for module in Module.objects.offerable_to(contract.holder_kind):
        cm = existing.get(module.pk)
        form = bound if bound is not None and bound.module.pk == module.pk else contract_module_form(module, cm)
        rows.append(ContractBuilderRow(module=module, contract_module=cm,
                                       nza_max=nza.get(module.pk) if module.has_nza_max else None,
                                       form=form, saved=module.code == saved_code))
    return rows


def rows_by_segment(rows: list[ContractBuilderRow]) -> list[tuple[str, list[ContractBuilderRow]]]:
    groups = [(label, [r for r in rows if r.module.segment == value]) for value, label in Segment.choices]
    return [(label, members) for label, members in groups if members]


def addendum_tariff_field(code: str) -> str:
    return f"tarief-{code}"


def addendum_hours_field(code: str) -> str:
    return f"uren-{code}"


class AddendumProposeForm(UtrechtFormMixin, forms.Form):
    """An addendum to a signed contract: kind, title, text, the date it takes effect, and per signed module an
    optional new tariff (and new hours for an hour module). The service checks the changes and the date."""

    kind = forms.ChoiceField(label=_("Soort"), choices=())
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(label=_("Tekst van het addendum"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    effective_from = forms.DateField(label=_("Geldt vanaf"), widget=forms.DateInput(attrs={"type": "date"}),
                                     input_formats=["%Y-%m-%d", "%d-%m-%Y"])

    def __init__(self, *args, modules: list[dict], **kwargs):
        from ..models import ContractAddendum, Unit

        super().__init__(*args, **kwargs)
        # A mid-term adjustment is proposed on its own page (services.adjustments), not here.
        self.fields["kind"].choices = [choice for choice in ContractAddendum.Kind.choices
                                       if choice[0] != ContractAddendum.Kind.ADJUSTMENT]
        self.modules = modules
        for module in modules:
            self.fields[addendum_tariff_field(module["code"])] = AmountField(required=False, label=_("Nieuw tarief"))
            if module["unit"] == Unit.PER_WEEKLY_HOUR_YEAR:
                self.fields[addendum_hours_field(module["code"])] = AmountField(required=False,
                                                                               label=_("Nieuwe uren per week"))

    def rows(self) -> list[dict]:
        return [{"module": m, "tariff": self[addendum_tariff_field(m["code"])],
                 "hours": self[addendum_hours_field(m["code"])] if addendum_hours_field(m["code"]) in self.fields
                 else None} for m in self.modules]

    def changes(self) -> list[dict]:
        items = []
        for module in self.modules:
            tariff = self.cleaned_data.get(addendum_tariff_field(module["code"])) or None
            hours = self.cleaned_data.get(addendum_hours_field(module["code"])) or None
            if tariff is not None or hours is not None:
                items.append({"module": module["code"], "tariff": tariff, "hours": hours})
        return items


class AdjustmentForm(UtrechtFormMixin, forms.Form):
    """A mid-term adjustment under the exception clause: the year it takes effect (1 January), the ground, an
    explanation, the addendum's title and text, and per signed module an optional new tariff (tarief-<code>,
    rendered by the template). The service checks everything else."""

    year = forms.TypedChoiceField(label=_("Geldt vanaf 1 januari van"), coerce=int)
    ground = forms.ChoiceField(label=_("Grond (aanpassingsclausule)"), choices=())
    explanation = forms.CharField(label=_("Welke wijziging buiten de macht van partijen maakt dit nodig?"),
                                  required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(label=_("Tekst van de aanpassing"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, years: list[int], modules: list[dict], **kwargs):
        from ..models import ContractAdjustment

        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["ground"].choices = ContractAdjustment.Ground.choices
        self.modules = modules
        # Per module a new tariff as people type it ('4.100,00' or '4100.00'), kept and marked on an error.
        for module in modules:
            self.fields[addendum_tariff_field(module["code"])] = AmountField(
                required=False, label=_("%(name)s (nu %(tariff)s)") % {"name": module["name"],
                                                                      "tariff": money(module["tariff"])})

    def tariff_fields(self) -> list:
        return [self[addendum_tariff_field(m["code"])] for m in self.modules]

    def changes(self) -> list[dict]:
        items = []
        for module in self.modules:
            tariff = self.cleaned_data.get(addendum_tariff_field(module["code"])) or None
            if tariff is not None:
                items.append({"module": module["code"], "tariff": tariff, "hours": None})
        return items


class QualificationDecisionForm(UtrechtFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), widget=forms.RadioSelect,
                                 choices=[("qualified", _("Kwalificeren")), ("refused", _("Niet kwalificeren"))])
    reason = forms.CharField(label=_("Motivering"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Verplicht bij niet kwalificeren; de zorgaanbieder ziet uw motivering."))
