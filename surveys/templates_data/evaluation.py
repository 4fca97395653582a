"""An insurer's evaluation of the previous contracting among its contractants (GCP phase A: "Alvorens nieuw
beleid voor de contractering wordt opgesteld, houden zorgverzekeraars een evaluatie van de lopende
contractperiode onder contractanten. Dit kan door middel van een enquête onder de zorgaanbieders ..."; finished by
the end of February, shared with all contractants and their representatives by 1 March).

The GCP gives no questionnaire; the statements test the GCP's own commitments (gcp-cycle.md: the calendar and the
standing rules), so an insurer can see where its process fell short of them. `{jaar}` is the contract year whose
contracting is evaluated.
"""

from ._build import question as _q

KEY = "insurer-evaluation"


AGREE = [{"value": "1", "label": "helemaal oneens"}, {"value": "5", "label": "helemaal eens"}]


def _statement(code, text, note):
    return _q(code, "scale5", text, options=AGREE, source_note=note)


DEFINITION = {
    "key": KEY,
    "kind": "evaluation",
    "series": "evaluatie-contractering",
    "title": "Evaluatie van de contractering {jaar}",
    "introduction": (
        "Met deze enquête evalueren wij de contractering {jaar} met u, onze contractanten, voordat wij het beleid "
        "voor de volgende contractering opstellen (Good Contracting Practices, fase A). Wij delen de uitkomsten "
        "uiterlijk 1 maart met alle contractanten en met het overlegteam huisartsen. De enquête is anoniem: "
        "uitkomsten worden alleen getoond voor groepen van ten minste vijf antwoorden."),
    "anonymous": True,
    "threshold": 5,
    "audience": "contractants",
    "sections": [
        {"title": "Het contracteerproces", "help_text": "In hoeverre bent u het eens met deze uitspraken?",
         "questions": [
             _statement("E1", "Het inkoopbeleid was op tijd bekend en helder geformuleerd.",
                        "GCP: het voorgenomen inkoopbeleid op hoofdlijnen uiterlijk 1 april."),
             _statement("E2", "De zorgverzekeraar betrok (de vertegenwoordigers van) zorgaanbieders vroeg en "
                              "intensief bij het opstellen van het beleid.",
                        "GCP fase B: zo vroeg mogelijk en intensief betrekken."),
             _statement("E3", "Ik had genoeg tijd om het definitieve contractaanbod te bestuderen en te "
                              "ondertekenen.",
                        "GCP: ten minste vijf weken tussen het openen van het portaal en het sluiten van de "
                        "contractering."),
             _statement("E4", "Mijn vragen werden op tijd beantwoord.",
                        "GCP: vragen binnen 5 werkdagen, bewerkelijke vragen binnen 2 werkweken."),
             _statement("E5", "Een knelpunt dat ik aankaartte, kreeg binnen twee weken een reactie.",
                        "GCP: elke partij reageert binnen 2 weken op een aangekaart knelpunt."),
             _q("E6", "text", "Over welk knelpunt ging het, en wat ging er mis?", required=False, show_if="E5",
                show_if_values=["1", "2"]),
             _statement("E7", "Als het standaardaanbod niet bij mijn situatie paste, was er ruimte voor maatwerk.",
                        "GCP: maatwerk kan altijd worden gevraagd, ook gedurende het jaar."),
         ]},
        {"title": "Tot slot", "help_text": "", "questions": [
            _q("E8", "scale10", "Welk rapportcijfer geeft u de contractering {jaar} als geheel?",
               options=[{"value": "1", "label": "zeer slecht"}, {"value": "10", "label": "uitstekend"}]),
            _q("E9", "text", "Wat moeten wij bij de volgende contractering anders doen?", required=False),
        ]},
    ],
}
