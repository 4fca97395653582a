"""Forms of care-group negotiation (shared by the care group's and the insurer's pages). They only collect
what was typed; contracting.services.negotiation.parse_terms validates it and says what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ComponentMode, OIFunction, ProgrammeFunding

PDF_ACCEPT = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})


class TermsForm(forms.Form):
    """One row per S2 module of the catalogue (programmes with their components, O&I prestaties), the seven
    O&I budget lines, and a note. `catalogue`: selectors.caregroup_catalogue(); `terms`: a step's terms to
    start from (the last proposal)."""

    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, catalogue, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        terms = terms or {}
        programmes = {p["code"]: p for p in terms.get("programmes", [])}
        oi = {p["code"]: p for p in terms.get("oi", [])}
        budget = terms.get("oi_budget", {})
        self.programme_rows, self.oi_rows, self.budget_fields = [], [], []
        for module in catalogue:
            code = module.code
            if module.programme_funding:
                saved = programmes.get(code, {})
                row = {"module": module, "include": f"{code}__include", "tariff": f"{code}__tariff",
                       "patients": None, "ceiling": None, "components": []}
                self.fields[row["include"]] = forms.BooleanField(label=module.name, required=False,
                                                                 initial=code in programmes)
                self.fields[row["tariff"]] = forms.CharField(
                    label=(_("Tarief per patiënt in de keten per kwartaal (€)")
                           if module.programme_funding == ProgrammeFunding.KETEN
                           else _("Vergoeding overhead per jaar (€)")),
                    required=False, initial=saved.get("tariff", ""))
                if module.programme_funding == ProgrammeFunding.KETEN:
                    row["patients"], row["ceiling"] = f"{code}__patients", f"{code}__ceiling"
                    self.fields[row["patients"]] = forms.CharField(
                        label=_("Verwachte patiënten in de keten"), required=False,
                        initial=saved.get("expected_patients", ""))
                    self.fields[row["ceiling"]] = forms.CharField(
                        label=_("Inclusieplafond (% van de populatie, optioneel)"), required=False,
                        initial=saved.get("inclusion_ceiling_percent") or "")
                    for component in module.components.all():
                        name = f"{code}__c__{component.code}"
                        self.fields[name] = forms.ChoiceField(
                            label=component.name, choices=ComponentMode.choices, required=False,
                            initial=(saved.get("components") or {}).get(component.code, ComponentMode.INTEGRAL))
                        row["components"].append(name)
                self.programme_rows.append(row)
            else:
                saved = oi.get(code, {})
                row = {"module": module, "include": f"{code}__include", "tariff": f"{code}__tariff",
                       "lumpsum": f"{code}__lumpsum", "staffel": f"{code}__staffel"}
                self.fields[row["include"]] = forms.BooleanField(label=module.name, required=False,
                                                                 initial=code in oi)
                self.fields[row["tariff"]] = forms.CharField(label=_("Tarief per ingeschreven verzekerde (€)"),
                                                             required=False, initial=saved.get("tariff", ""))
                self.fields[row["lumpsum"]] = forms.CharField(label=_("Basisbedrag, lumpsum (€, optioneel)"),
                                                              required=False, initial=saved.get("lumpsum") or "")
                self.fields[row["staffel"]] = forms.CharField(
                    label=_("Staffel vanaf (verzekerden, optioneel)"), required=False,
                    initial=saved.get("staffel_from") or "")
                self.oi_rows.append(row)
        for function in OIFunction:
            name = f"budget__{function.value}"
            self.fields[name] = forms.CharField(label=function.label, required=False,
                                                initial=budget.get(function.value, ""))
            self.budget_fields.append(name)

    def bound_rows(self):
        """The rows with bound fields, for the template."""
        programmes = [{**row, "include": self[row["include"]], "tariff": self[row["tariff"]],
                       "patients": self[row["patients"]] if row["patients"] else None,
                       "ceiling": self[row["ceiling"]] if row["ceiling"] else None,
                       "components": [self[c] for c in row["components"]]} for row in self.programme_rows]
        oi = [{**row, "include": self[row["include"]], "tariff": self[row["tariff"]], "lumpsum": self[row["lumpsum"]],
               "staffel": self[row["staffel"]]} for row in self.oi_rows]
        return {"programmes": programmes, "oi": oi, "budget": [self[b] for b in self.budget_fields]}

    def raw_terms(self) -> dict:
        """What was typed, in the shape parse_terms reads (after is_valid)."""
        data = self.cleaned_data
        programmes = []
        for row in self.programme_rows:
            if not data.get(row["include"]):
                continue
            code = row["module"].code
            item = {"code": code, "tariff": data.get(row["tariff"], "")}
            if row["patients"]:
                item["expected_patients"] = data.get(row["patients"], "")
                item["inclusion_ceiling_percent"] = data.get(row["ceiling"]) or None
                item["components"] = {name.rsplit("__", 1)[1]: data[name] for name in row["components"]
                                      if data.get(name)}
            programmes.append(item)
        oi = [{"code": row["module"].code, "tariff": data.get(row["tariff"], ""),
               "lumpsum": data.get(row["lumpsum"]) or None, "staffel_from": data.get(row["staffel"]) or None}
              for row in self.oi_rows if data.get(row["include"])]
        budget = {name.split("__", 1)[1]: data[name] for name in self.budget_fields if data.get(name)}
        return {"programmes": programmes, "oi": oi, "oi_budget": budget}


class SubmissionForm(TermsForm):
    """The care group's first step: its insurer, begroting and werkplan (PDF) and the proposed terms."""

    def __init__(self, *args, insurers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"] = forms.ModelChoiceField(label=_("Zorgverzekeraar"), queryset=insurers,
                                                        empty_label=None)
        self.fields["budget"] = forms.FileField(label=_("Begroting (PDF)"), required=False, widget=PDF_ACCEPT)
        self.fields["work_plan"] = forms.FileField(label=_("Werkplan (PDF)"), required=False, widget=PDF_ACCEPT)


class OfferForm(TermsForm):
    """The insurer's first offer to a care group (a care group of its regions)."""

    def __init__(self, *args, care_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_group"] = forms.ModelChoiceField(label=_("Samenwerkingsverband"), queryset=care_groups,
                                                           empty_label=None)


class StepForm(TermsForm):
    """A counter-proposal with an optional PDF."""

    attachment = forms.FileField(label=_("Bijlage (PDF, optioneel)"), required=False, widget=PDF_ACCEPT)


class AcceptForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Toelichting (optioneel)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class KetenReportForm(forms.Form):
    programme = forms.ChoiceField(label=_("Zorgprogramma"))
    quarter = forms.ChoiceField(label=_("Kwartaal"), choices=[(q, f"K{q}") for q in range(1, 5)])
    patients = forms.CharField(label=_("Patiënten in de keten"))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = programmes
