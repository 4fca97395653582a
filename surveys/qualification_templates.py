"""Built-in qualification questionnaires (uitvragen), in the definition format of surveys/definitions.py, each
with a suggested rule (surveys.qualification_rules) the insurer may keep, change or drop.

They are examples of what insurers ask before offering a contract or a module: written for this portal, not
taken from a source."""

ELDERLY_CARE = {
    "key": "uitvraag-ouderenzorg", "kind": "qualification", "title": "Uitvraag zorg voor kwetsbare ouderen",
    "introduction": "Met deze vragen beoordeelt de zorgverzekeraar of uw praktijk in aanmerking komt voor het "
                    "contract. Uw antwoorden worden bij het contractaanbod bewaard.",
    "audience": "practices", "reminder_days_before": None,
    "sections": [{"title": "Organisatie van de ouderenzorg", "questions": [
        {"code": "Q1", "kind": "single", "required": True,
         "text": "Heeft uw praktijk een vaste aanspreekpersoon (casemanager) voor kwetsbare ouderen?",
         "options": [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]},
        {"code": "Q2", "kind": "number", "required": True, "min_value": 0, "max_value": 40,
         "text": "Hoeveel uur per week is een praktijkondersteuner ouderenzorg beschikbaar?",
         "help_text": "Gemiddeld over het jaar, in hele of halve uren."},
        {"code": "Q3", "kind": "single", "required": True,
         "text": "Heeft u schriftelijke afspraken met de wijkverpleging over overdracht en overleg?",
         "options": [{"value": "ja", "label": "Ja"}, {"value": "in_voorbereiding", "label": "In voorbereiding"},
                     {"value": "nee", "label": "Nee"}]},
        {"code": "Q4", "kind": "text", "text": "Toelichting (optioneel)"},
    ]}],
}

ACCREDITATION = {
    "key": "uitvraag-accreditatie", "kind": "qualification", "title": "Uitvraag NHG-accreditatie",
    "introduction": "De module is bedoeld voor geaccrediteerde praktijken. Beantwoord de vragen; de "
                    "zorgverzekeraar geeft de module daarna vrij.",
    "audience": "practices", "reminder_days_before": None,
    "sections": [{"title": "Accreditatie", "questions": [
        {"code": "Q1", "kind": "single", "required": True, "text": "Is uw praktijk NHG-geaccrediteerd?",
         "options": [{"value": "ja", "label": "Ja"}, {"value": "aangevraagd", "label": "Aangevraagd"},
                     {"value": "nee", "label": "Nee"}]},
        {"code": "Q2", "kind": "number", "min_value": 2000, "max_value": 2100, "show_if": "Q1",
         "show_if_values": ["ja"], "required": True, "text": "In welk jaar was de laatste accreditatie-audit?"},
    ]}],
}

QUALIFICATION_TEMPLATES = {
    ELDERLY_CARE["key"]: (ELDERLY_CARE, "Q1 = ja en Q2 >= 4"),
    ACCREDITATION["key"]: (ACCREDITATION, "Q1 = ja"),
}
