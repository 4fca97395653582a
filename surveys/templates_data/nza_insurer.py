"""The NZa questionnaire to the insurers of the same monitor (nza-monitor-2019.md §3b): the report names what was
asked (number of contracts new vs continuing; how often policy items became contract agreements; module use vs
maximum; contracts per keten and the keten's composition; the inclusieplafond; the tariff change per prestatie per
provider against the year before; the offer and signing dates; maatwerk contracts and requests) and, per contracted
samenwerkingsverband, the two 1–10 questions of Tabel 6.2 and 6.4. Only the inclusieplafond question and the two
1–10 questions are quoted in the report; the other wordings are the portal's, after the report's sentence about
them (each question's `source_note`).

Where the portal knows the answer, `PREFILL` names the figure (surveys.prefill computes it from the insurer's
signed contracts and requests) and the insurer's draft is filled in with it, to check and correct.

`{jaar}` is the contract year, `{vorig_jaar}` the year before it.
"""

from ._build import question as _q
from .nza_provider import FACT_BASE_TOELICHTING, Q19_ENDS, Q20_ENDS

KEY = "nza-insurer"

PREFILLED = "Vooraf ingevuld uit het portaal; controleer en corrigeer zo nodig."


def _count(code, text, note, **extra):
    return _q(code, "number", text, min_value=0, source_note=note, **extra)


# (code, catalogue module, label): the four modules whose use the report gives as "in X% of the contracts, Y% of
# those not at the maximum" (40/92, 52/87, 44/39, 28/75).
MODULES = [
    ("V5", "poh-s", "POH-S"),
    ("V6", "poh-ggz", "POH-GGZ"),
    ("V7", "praktijkmanagement", "praktijkmanagement"),
    ("V8", "kwetsbare-ouderen", "kwetsbare ouderen"),
]
MODULE_NOTE = ("De rapportage: \"Uit de enquête onder zorgverzekeraars blijkt dat in 44% van de contracten ...\" "
               "(gebruik van de module ten opzichte van het maximum).")


def _module_questions():
    questions = []
    for code, _module, label in MODULES:
        questions.append(_count(f"{code}a", f"In hoeveel van de contracten huisartsenzorg {{jaar}} is de module "
                                            f"{label} afgesproken?", MODULE_NOTE, help_text=PREFILLED))
        questions.append(_count(f"{code}b", f"In hoeveel van die contracten wordt de module {label} minder "
                                            "gebruikt dan het maximum?", MODULE_NOTE,
                                help_text=PREFILLED if _module != "kwetsbare-ouderen" else ""))
    return questions


KETENS = [
    {"value": "dm2", "label": "Diabetes Mellitus type 2"},
    {"value": "copd", "label": "COPD"},
    {"value": "vrm-hvz", "label": "Vasculair risicomanagement (HVZ)"},
    {"value": "vrm-vvr", "label": "Vasculair risicomanagement (VVR)"},
    {"value": "astma", "label": "Astma"},
    {"value": "ouderen", "label": "Ouderen"},
    {"value": "ggz", "label": "GGZ"},
]
# The catalogue's programme modules, by keten option.
KETEN_MODULES = {"dm2": "ketenzorg-dm2", "copd": "ketenzorg-copd", "vrm-hvz": "ketenzorg-vrm-hvz",
                 "vrm-vvr": "ketenzorg-vrm-vvr", "astma": "ketenzorg-astma", "ouderen": "programma-kwetsbare-ouderen",
                 "ggz": "programma-ggz"}

PER_CARE_GROUP = "Deze vraag staat er voor elk samenwerkingsverband waarmee u voor {jaar} een contract heeft."

DEFINITION = {
    "key": KEY,
    "kind": "nza_insurer",
    "series": "nza-zorgverzekeraars",
    "title": "NZa-vragenlijst zorgverzekeraars: contractafspraken huisartsenzorg en multidisciplinaire zorg {jaar}",
    "introduction": (
        "Deze vragenlijst van de Nederlandse Zorgautoriteit (NZa) gaat over uw contracten huisartsenzorg en "
        "multidisciplinaire zorg voor {jaar}, voor de Monitor Contractafspraken huisartsenzorg en "
        "multidisciplinaire zorg. Wat het portaal weet uit uw ondertekende contracten en de verzoeken van "
        "zorgaanbieders, is vooraf ingevuld; controleer dat en vul de rest aan."),
    "anonymous": False,
    # Eight insurers answer; the NZa reports them one by one, anonymised as A–F (Tabel 4.2–4.7), and only the
    # NZa sees these results.
    "threshold": 1,
    "audience": "insurers",
    "sections": [
        {"title": "Contracten huisartsenzorg en multidisciplinaire zorg", "help_text": "", "questions": [
            _count("V1", "Hoeveel contracten huisartsenzorg voor {jaar} zijn nieuw gesloten?",
                   "De rapportage: \"voor het jaar 2019 totaal 6.666 contracten voor huisartsenzorg zijn gesloten "
                   "(4.192 nieuw, 2.474 doorlopend uit 2018)\".", help_text=PREFILLED),
            _count("V2", "Hoeveel contracten huisartsenzorg voor {jaar} lopen door uit {vorig_jaar}?",
                   "Zie vraag V1.", help_text=PREFILLED),
            _count("V3", "Hoeveel contracten multidisciplinaire zorg zijn voor {jaar} gesloten?",
                   "De rapportage: \"In de enquête die onder zorgverzekeraars is uitgezet zijn in totaal 148 "
                   "afgesloten contracten voor multidisciplinaire zorg opgevoerd\".", help_text=PREFILLED),
            _q("V4", "text", "Hoe vaak hebben specifieke onderdelen van uw inkoopbeleid tot een concrete afspraak "
                             "in het contract met zorgaanbieders geleid?",
               help_text="Per onderdeel van het inkoopbeleid: in hoeveel contracten het tot een afspraak leidde.",
               source_note="De rapportage: \"Aan zorgverzekeraars is gevraagd hoe vaak specifieke onderdelen in "
                           "het inkoopbeleid ook tot een concrete afspraak in het contract met zorgaanbieders "
                           "heeft geleid.\""),
        ]},
        {"title": "Gebruik van de modules", "help_text": "", "questions": _module_questions()},
        {"title": "Maatwerk", "help_text": "", "questions": [
            _count("V9", "Hoeveel contracten {jaar} bevatten maatwerkafspraken (segment 3)?",
                   "De rapportage: maatwerk in meer dan 5% van de contracten huisartsenzorg."),
            _count("V10", "Hoeveel verzoeken om maatwerk heeft u voor {jaar} ontvangen?",
                   "De rapportage: in 2018 meer dan 130 verzoeken, waarvan ongeveer 75% gehonoreerd.",
                   help_text=PREFILLED),
            _count("V11", "Hoeveel van die verzoeken heeft u (geheel of gedeeltelijk) gehonoreerd?",
                   "Zie vraag V10.", help_text=PREFILLED),
        ]},
        {"title": "Per samenwerkingsverband", "help_text": PER_CARE_GROUP, "questions": [
            _q("V12", "multiple", "Welke ketens zijn in het contract met dit samenwerkingsverband integraal "
                                  "ingekocht?",
               help_text=PREFILLED, options=KETENS, repeat="care_group", required=False,
               source_note="De rapportage: contracten per keten (Tabel 4.1) en de samenstelling van de keten "
                           "(Tabel 4.2–4.6) zijn opgevraagd in de enquête onder zorgverzekeraars."),
            _q("V13", "text", "Wat is de samenstelling van deze ketens (welke onderdelen, zoals diëtetiek, voetzorg "
                              "of specialist, zitten in het integrale tarief)?",
               help_text=PREFILLED, repeat="care_group", required=False, source_note="Zie vraag V12."),
            _q("V14", "single", "Is een inclusieplafond opgenomen in de afspraak? Wordt bijvoorbeeld contractueel "
                                "geregeld dat niet meer dan X% van de gehele populatie in een ketenzorgprogramma "
                                "mag worden opgenomen?",
               help_text=PREFILLED, options=[{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}],
               repeat="care_group",
               source_note="Letterlijk uit de rapportage (Tabel 4.7); de antwoorden Ja en Nee volgen uit de tabel "
                           "(aandeel contracten met inclusieplafond)."),
            _q("V15", "text", "Wat is de tariefwijziging per prestatie in dit contract ten opzichte van "
                              "{vorig_jaar}?",
               help_text="Per prestatie: het tarief {vorig_jaar} en het tarief {jaar}.", repeat="care_group",
               required=False,
               source_note="De rapportage noemt de tariefwijziging per prestatie per zorgaanbieder, 2019 ten "
                           "opzichte van 2018, als onderdeel van de uitvraag."),
            _q("V16", "text", "Op welke datum is het contract aangeboden?", help_text=PREFILLED, repeat="care_group",
               source_note="De rapportage: \"hebben we uitgevraagd op welke datum het contract werd aangeboden en "
                           "op welke datum het werd ondertekend\". Een datum als dd-mm-jjjj."),
            _q("V17", "text", "Op welke datum is het contract ondertekend?", help_text=PREFILLED, repeat="care_group",
               required=False, source_note="Zie vraag V16; leeg als het contract nog niet is ondertekend."),
            _q("V18", "scale10", "Bent u van mening dat in de regio van deze zorgaanbieder de in de toelichting "
                                 "geschetste beweging gecoördineerd is ingezet?",
               help_text=FACT_BASE_TOELICHTING, options=Q19_ENDS, repeat="care_group",
               source_note="Tabel 6.2 in de rapportage (gemiddeld 6,2). De toelichting en de betekenis van 1 en 10 "
                           "zijn die van vraag 19 aan de zorgaanbieders: de rapportage zegt dat dezelfde vraag aan "
                           "de zorgverzekeraars is gesteld."),
            _q("V19", "scale10", "Bent u van mening/ervaart u dat de resultaten uit deze beweging ook al landen in "
                                 "het huidige contract?",
               options=Q20_ENDS, repeat="care_group",
               source_note="Tabel 6.4 in de rapportage (gemiddeld 6,14). De betekenis van 1 en 10 is die van vraag "
                           "20 aan de zorgaanbieders."),
        ]},
    ],
}

# Question code -> the portal figure that fills it in (surveys.prefill.PREFILL_FIGURES).
PREFILL = {
    "V1": "practice_contracts_new",
    "V2": "practice_contracts_continuing",
    "V3": "care_group_contracts",
    **{f"{code}a": f"module_contracts:{module}" for code, module, _label in MODULES},
    **{f"{code}b": f"module_below_max:{module}" for code, module, _label in MODULES if module != "kwetsbare-ouderen"},
    "V10": "maatwerk_requests",
    "V11": "maatwerk_honoured",
    "V12": "care_group_ketens",
    "V13": "care_group_keten_components",
    "V14": "care_group_inclusion_ceiling",
    "V16": "care_group_offered_on",
    "V17": "care_group_signed_on",
}
