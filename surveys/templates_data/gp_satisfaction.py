"""The yearly satisfaction survey of GPs about their insurers' contracting (the LHV's contracteringsonderzoek,
seed lhv-hoofdlijnenakkoord-contracteringsonderzoek.txt): each GP rates each insurer it contracts with on the
content of the contract, the contracting process and the room for maatwerk, 1–10 (the seed's three averages,
4,9 / 4,6 / 3,2), and names its main knelpunten (the seed's list). Asked of the GPs, not of the practices, and
anonymous: the NZa receives the whole report, each overlegteam its insurer's sub-report.

The seed gives the three subjects and the knelpunten, not a questionnaire: the wording of the questions is the
portal's own. Whether a GP felt heard is asked because the seed names it as what the ratings follow ("De
waardering ligt hoger naarmate huisartsen zich meer gehoord voelen").
"""

from ._build import question as _q

KEY = "gp-satisfaction"


RATING_ENDS = [{"value": "1", "label": "zeer slecht"}, {"value": "10", "label": "uitstekend"}]
RATING_NOTE = ("Het LHV-onderzoek noemt de gemiddelde rapportcijfers van de zorgverzekeraars op dit onderwerp "
               "(december 2021: inhoud 4,9, proces 4,6, maatwerk 3,2); de schaal staat er niet bij en is hier 1–10.")

KNELPUNTEN = [
    {"value": "innovatie-structureel", "label": "Het uitblijven van structurele financiering voor innovaties"},
    {"value": "tarieven", "label": "Te lage tarieven"},
    {"value": "maatwerk", "label": "Het ontbreken van maatwerkmogelijkheden"},
    {"value": "meer-tijd", "label": "Te weinig tijd voor de patiënt"},
    {"value": "anw", "label": "Geen oplossingen voor de ANW-zorg"},
    {"value": "administratie", "label": "Te veel administratieve lasten"},
    {"value": "pilots", "label": "Pilots (zoals Meer Tijd voor de Patiënt of praktijkondersteuning) die niet "
                                 "structureel worden"},
    {"value": "niet-gehoord", "label": "Zich niet gehoord voelen door de zorgverzekeraar"},
    {"value": "anders", "label": "Anders"},
]

DEFINITION = {
    "key": KEY,
    "kind": "gp_satisfaction",
    "series": "lhv-tevredenheid",
    "title": "Tevredenheidsonderzoek contractering huisartsen {jaar}",
    "introduction": (
        "Hoe tevreden bent u over de contractering voor {jaar} door de zorgverzekeraars waarmee uw praktijk een "
        "contract heeft? U geeft elke zorgverzekeraar een rapportcijfer voor de inhoud van het contract, het "
        "contracteringsproces en de mogelijkheden voor maatwerk, en u noemt de belangrijkste knelpunten. "
        "De enquête is anoniem: uitkomsten worden alleen getoond voor groepen van ten minste vijf huisartsen. "
        "De NZa ontvangt het hele rapport; de overlegteams huisartsen krijgen de deelrapportage over hun "
        "zorgverzekeraar en kunnen die met de zorgverzekeraar bespreken."),
    "anonymous": True,
    "threshold": 5,
    "audience": "gp_members",
    "sections": [
        {"title": "Uw zorgverzekeraars",
         "help_text": "Deze vragen staan er voor elke zorgverzekeraar waarmee uw praktijk voor {jaar} een contract "
                      "heeft.",
         "questions": [
             _q("T1", "scale10", "Welk rapportcijfer geeft u deze zorgverzekeraar voor de inhoud van het contract?",
                options=RATING_ENDS, repeat="insurer", source_note=RATING_NOTE),
             _q("T2", "scale10", "Welk rapportcijfer geeft u deze zorgverzekeraar voor het contracteringsproces?",
                options=RATING_ENDS, repeat="insurer", source_note=RATING_NOTE),
             _q("T3", "scale10", "Welk rapportcijfer geeft u deze zorgverzekeraar voor de mogelijkheden voor "
                                 "maatwerkafspraken?",
                options=RATING_ENDS, repeat="insurer", source_note=RATING_NOTE),
             _q("T4", "single", "Voelde u zich gehoord door deze zorgverzekeraar tijdens de contractering?",
                options=[{"value": "ja", "label": "Ja"}, {"value": "deels", "label": "Deels"},
                         {"value": "nee", "label": "Nee"}],
                repeat="insurer", required=False),
             _q("T5", "text", "Wat moet deze zorgverzekeraar als eerste verbeteren aan het contracteringsproces?",
                show_if="T2", show_if_values=[str(n) for n in range(1, 6)], repeat="insurer", required=False,
                help_text="Deze vraag staat er als u het contracteringsproces een onvoldoende (5 of lager) geeft."),
         ]},
        {"title": "Knelpunten", "help_text": "", "questions": [
            _q("K1", "multiple", "Wat zijn voor u de belangrijkste knelpunten in de contractering?",
               options=KNELPUNTEN,
               source_note="De eerste drie zijn de belangrijkste knelpunten uit het LHV-onderzoek van december "
                           "2021; de andere noemt hetzelfde artikel (meer tijd voor de patiënt, ANW-zorg, "
                           "administratieve lasten, pilots die niet structureel worden)."),
            _q("K2", "text", "Welk ander knelpunt bedoelt u?", show_if="K1", show_if_values=["anders"]),
            _q("K3", "text", "Wat zou de contractering voor u het meest verbeteren?", required=False),
        ]},
    ],
}
