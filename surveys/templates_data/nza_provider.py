"""The NZa provider survey of the "Monitor Contractafspraken huisartsenzorg en multidisciplinaire zorg 2019"
(June 2019, appendix "Bijlagen - resultaten enquêtes"), as a definition for survey_create_from_definition.

Question and answer texts are those of the Dutch report (the appendix tables and the captions of Tabel 5.1 and
6.1–6.6); where the domain summary (nza-monitor-2019.md §3a) abridges or paraphrases, the report's wording is
used and the question's `source_note` says so. Only the line breaks of the text extraction are undone.

The report numbers no questions; the codes are those of the summary (1–20, 17b). Where the report asks a question
once per segment (two tables, one for "Segment 1", one for "Segment 2", each with its own number of respondents),
it is two questions here, "-S1" and "-S2", shown for the segments the respondent chose in Q1; that is what the
respondent counts in the tables show (Q2-S1 412 = Q1 "Segment 1" 412, Q5 327 = Q3-S2 327, Q7-S1 60 = Q6-S1 "Ja").
The sections are a grouping for the respondent by the report's chapters; the report has none.

`{jaar}` in a text is the contract year the survey is run for (2019 in the report).
"""

from ._build import question as _q

KEY = "nza-provider"

YES_NO = [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]

# Q2: the insurers in the order of the report's tables.
INSURERS = [
    {"value": "zilveren-kruis", "label": "Zilveren Kruis"},
    {"value": "vgz", "label": "VGZ"},
    {"value": "cz", "label": "CZ"},
    {"value": "menzis", "label": "Menzis"},
    {"value": "dsw", "label": "DSW"},
    {"value": "zorg-en-zekerheid", "label": "Zorg en Zekerheid"},
    {"value": "eno", "label": "ENO"},
    {"value": "de-friesland", "label": "De Friesland"},
    {"value": "geen", "label": "Geen"},
]
INSURERS_NOTE = (
    "De tabellen in de bron noemen \"Zilveren kruis\", \"VGZ\", \"CR\", \"Menzis\", \"DSW\", \"Zorg en Zekerheid\", "
    "\"ENO\", \"De Friesland\" en \"Geen\". \"CR\" staat hier als CZ: de enige van de acht zorgverzekeraars die "
    "de rapportage noemt (hoofdstuk 2) en die anders in de lijst ontbreekt; dat is een lezing van een drukfout, "
    "geen tekst uit de bron. \"Zilveren kruis\" is als eigennaam met hoofdletter geschreven.")

FOLLOWED = [
    {"value": "ja", "label": "Ja"},
    {"value": "nee", "label": "Nee"},
    {"value": "nog-niet", "label": "Nog niet"},
    {"value": "gedeeltelijk", "label": "Gedeeltelijk"},
]

WHY_NO_CONTRACT = [
    {"value": "onderhandelingen", "label": "De onderhandeling zijn nog niet afgerond"},
    {"value": "tarieven-te-laag", "label": "Ik vind de geboden tarieven te laag"},
    {"value": "anders", "label": "Anders nl:"},
]
WHY_NO_CONTRACT_NOTE = (
    "De bron toont de drie antwoorden die gekozen zijn (5 respondenten); of de vragenlijst nog andere keuzes had, "
    "staat er niet in. \"De onderhandeling zijn nog niet afgerond\" staat zo in de bron. De toelichting bij "
    "\"Anders nl:\" is de vervolgvraag")

REQUEST_RESULT = [
    {"value": "niet-gehonoreerd", "label": "Ja, een verzoek ingediend maar niet in gesprek gekomen / niet gehonoreerd"},
    {"value": "gedeeltelijk", "label": "Ja, een verzoek ingediend dat gedeeltelijk is gehonoreerd"},
    {"value": "gehonoreerd", "label": "Ja, een verzoek ingediend dat is gehonoreerd"},
]

THEMES = [
    {"value": "meer-tijd", "label": "Meer tijd, in algemene zin, voor en met de patiënt?"},
    {"value": "kwetsbare-ouderen", "label": "Benodigde inzet voor kwetsbare ouderen"},
    {"value": "gezondheidsachterstand", "label": "Benodigde inzet voor mensen met een gezondheidsachterstand"},
    {"value": "ggz", "label": "Benodigde inzet voor GGZ-problematiek"},
    {"value": "polyfarmacie", "label": "Medicatiebeoordeling bij kwetsbare patiënten met polyfarmacie"},
    {"value": "organisatiegraad", "label": "Versterking organisatiegraad en infrastructuur"},
    {"value": "anw", "label": "Verbeteringen in toegankelijkheid/kwaliteit van ANW-zorg"},
    {"value": "ict", "label": "Bundeling ICT-kennis, capaciteit en voorzieningen op regionaal niveau?"},
    {"value": "samenwerking", "label": "Versterking van samenwerkingsvormen en netwerkstructuren in de 1e lijn"},
    {"value": "gegevens-sectoren", "label": "Betere uitwisseling van gegevens met aanpalende sectoren (bv 2e lijn) en "
                                            "domeinen (bv gemeenten-jeugdzorg)"},
    {"value": "patientgegevens", "label": "Uitwisseling van patiënt gegevens"},
    {"value": "ehealth", "label": "Inzetten van eHealth-toepassingen"},
]

# The column labels of Tabel 6.5 (five) and 6.6 (four) did not survive in the source: the columns are numbered,
# nothing is put in their place. Q17b follows the columns of Q17 that the report's text calls "belemmerend of
# ernstig belemmerend"; which columns those are is read from the text (see Q17b's note).
SCALE_LOST = [{"value": str(n), "label": str(n)} for n in range(1, 6)]
OBSTACLE_LOST = [{"value": str(n), "label": str(n)} for n in range(1, 5)]
OBSTRUCTIVE_COLUMNS = ["4", "5"]

FACT_BASE_TOELICHTING = (
    "Het belangrijkste uitgangspunt in het bestuurlijk akkoord is dat de contractering en vormgeving van zorg "
    "meer moet gaan draaien om de daadwerkelijke behoefte aan zorg in een regio, gemeente of wijk. Om dit te "
    "bereiken is allereerst een feitelijk beeld nodig van de sociale en gezondheidssituatie en opgave in de regio, "
    "gemeente en/of wijk. Dit feitelijk beeld moet vervolgens leiden tot samenhangende afspraken die passen bij de "
    "in kaart gebrachte zorgvraag.")
Q19_ENDS = [
    {"value": "1", "label": "In zijn geheel geen ervaring dat ingezet wordt op het gecoördineerd in kaart brengen "
                            "van de sociale en gezondheidssituatie en opgave in de regio, gemeente en/of wijk"},
    {"value": "10", "label": "In de regio wordt volledig ingezet op deze beweging en is dit feitelijk beeld al "
                             "gerealiseerd en inzichtelijk."},
]
Q20_ENDS = [
    {"value": "1", "label": "In het geheel geen relatie tussen huidig contract en gezondheidssituatie en opgave in "
                            "de regio, gemeente en/of wijk"},
    {"value": "10", "label": "Contract sluit volledig aan bij geconstateerde gezondheidssituatie en opgave in de "
                             "regio, gemeente en/of wijk"},
]


def _per_segment(code, kind, text, segment, **extra):
    """One of the two copies of a question the report asks per segment: shown when Q1 has the segment."""
    return _q(f"{code}-S{segment}", kind, text, show_if="Q1", show_if_values=[f"s{segment}"], **extra)


def _contracted(segment):
    """Shown when Q2 of the segment names an insurer (not only "Geen")."""
    return {"show_if": f"Q2-S{segment}", "show_if_values": [o["value"] for o in INSURERS if o["value"] != "geen"]}


CONTRACTED_NOTE = ("Gesteld aan wie bij vraag 2 een zorgverzekeraar noemt: de bron telt 327 respondenten in "
                   "segment 2, de 332 van vraag 1 minus de 5 met \"Geen\".")

Q2_TEXT = "Met welke verzekeraar heeft u voor {jaar} een contract afgesloten voor Segment %s?"
Q3_TEXT = ("Is het door u afgesloten contract met de regionaal dominante zorgverzekeraar vervolgens "
           "\u201cgevolgd\u201d door de overige verzekeraars?")
Q6_TEXT = "Heeft u overwogen of geprobeerd nog een andere zorgverzekeraar te contracteren?"
Q7_TEXT = "Is dit gelukt?"
Q8_TEXT = ("Kunt u toelichten waarom u over {jaar} geen contract met een zorgverzekeraar heeft gesloten? "
           "(meerdere keuzes mogelijk)")
Q8_OTHER_TEXT = "Anders nl:"


def _q8(segment):
    note = WHY_NO_CONTRACT_NOTE + "."
    if segment == 1:
        note = ("De bron toont deze vraag alleen voor aanbieders segment 2: in segment 1 koos niemand \"Geen\" "
                "bij vraag 2. " + note)
    return [
        _q(f"Q8-S{segment}", "multiple", Q8_TEXT, options=WHY_NO_CONTRACT, show_if=f"Q2-S{segment}",
           show_if_values=["geen"], source_note=note),
        _q(f"Q8-S{segment}-anders", "text", Q8_OTHER_TEXT, required=False, show_if=f"Q8-S{segment}",
           show_if_values=["anders"],
           source_note="De toelichting bij het antwoord \"Anders nl:\" van vraag 8; de bron geeft de antwoorden "
                       "zelf niet."),
    ]


DEFINITION = {
    "key": KEY,
    "kind": "nza_provider",
    "series": "nza-zorgaanbieders",
    "title": "NZa-enquête zorgaanbieders: contractafspraken huisartsenzorg en multidisciplinaire zorg {jaar}",
    "introduction": (
        "Deze vragenlijst van de Nederlandse Zorgautoriteit (NZa) gaat over het contracteerproces en uw beleving "
        "bij de inhoud van de contracten voor {jaar}, voor de Monitor Contractafspraken huisartsenzorg en "
        "multidisciplinaire zorg. Invullen is vrijblijvend en niet anoniem, omdat de NZa in komende jaren "
        "trendanalyses wil uitvoeren op de antwoorden van aanbieders over de tijd."),
    "anonymous": False,
    "threshold": 5,
    "audience": "practices",
    "sections": [
        {"title": "Uw zorgaanbod en contracten", "help_text": "", "questions": [
            _q("Q1", "multiple", "Welke zorg biedt u aan, zodanig dat u deze ook zelfstandig rechtstreeks aan "
                                 "patient/zorgverzekeraar in rekening brengt? (meerdere antwoorden mogelijk)",
               options=[{"value": "s1", "label": "Segment 1"}, {"value": "s2", "label": "Segment 2"}]),
            _per_segment("Q2", "multiple", Q2_TEXT % 1, 1, options=INSURERS, source_note=INSURERS_NOTE),
            _per_segment("Q2", "multiple", Q2_TEXT % 2, 2, options=INSURERS,
                         source_note=INSURERS_NOTE + " Achter deze vraag staat in de bron een losse \")\"; die is "
                                                     "weggelaten."),
            _q("Q3-S1", "single", Q3_TEXT, options=FOLLOWED, **_contracted(1)),
            _q("Q3-S2", "single", Q3_TEXT, options=FOLLOWED, **_contracted(2),
               source_note=CONTRACTED_NOTE),
        ]},
        {"title": "Indexering", "help_text": "", "questions": [
            _q("Q4", "single",
               "Zijn in uw huidige contract voor segment 1 (en de aanvullingen hierop in modules via segment 3) "
               "elementen/modules/verrichtingen opgenomen waarvan het tarief ten opzichte van het voorgaande "
               "contract niet of niet volledig geïndexeerd is? Het gaat dan specifiek om "
               "elementen/modules/verrichtingen waarvoor de kosten van uitvoering van dat specifieke element naar "
               "uw inzicht wél zijn toegenomen?",
               options=[*YES_NO, {"value": "weet-niet", "label": "Dat weet ik niet"}],
               **_contracted(1),
               source_note="De samenvatting noemt het derde antwoord \"Weet niet\"; de bron: \"Dat weet ik niet\"."),
            _q("Q5", "single",
               "Zijn in uw huidige contract voor segment 2 (en de aanvullingen hierop via segment 3) elementen "
               "opgenomen waarvan het tarief ten opzichte van het voorgaande contract niet of niet volledig "
               "geïndexeerd is? Het gaat dan specifiek om elementen waarvoor de kosten van uitvoering van dat "
               "specifieke element naar uw inzicht wél zijn toegenomen.",
               options=[
                   {"value": "nee-integraal", "label": "Nee, prijsindexatie is integraal onderdeel van de afspraken "
                                                       "over zowel directe patiëntzorg als overhead"},
                   {"value": "ja-patientzorg", "label": "Ja, de overeengekomen tarieven voor directe patiëntzorg "
                                                        "zijn niet of niet volledig geïndexeerd ten opzichte van "
                                                        "het vorig contract"},
                   {"value": "ja-overhead", "label": "Ja, de overeengekomen tarieven voor \"overhead\" zijn niet "
                                                     "of niet volledig geïndexeerd ten opzichte van het vorig "
                                                     "contract"},
                   {"value": "ja-beide", "label": "Ja, zowel de tarieven voor directe patiëntzorg als de tarieven "
                                                  "voor overhead zijn niet of niet volledig geïndexeerd ten "
                                                  "opzichte van het vorig contract"},
                   {"value": "niet-relevant", "label": "Niet relevant, indexatie ten opzichte van voorgaande jaren "
                                                       "speelt geen rol in totstandkoming huidige overeenkomst"},
                   {"value": "weet-niet", "label": "Dat weet ik niet"},
               ],
               **_contracted(2),
               source_note=CONTRACTED_NOTE + " De samenvatting kort de antwoorden in (\"Nee, integraal "
                                             "geïndexeerd\", \"Ja, directe patiëntzorg\", ...); hier staan ze "
                                             "zoals in de bron."),
        ]},
        {"title": "Andere zorgverzekeraars", "help_text": "", "questions": [
            _per_segment("Q6", "single", Q6_TEXT, 1, options=YES_NO),
            _per_segment("Q6", "single", Q6_TEXT, 2, options=YES_NO),
            _q("Q7-S1", "single", Q7_TEXT, options=YES_NO, show_if="Q6-S1", show_if_values=["ja"]),
            _q("Q7-S2", "single", Q7_TEXT, options=YES_NO, show_if="Q6-S2", show_if_values=["ja"]),
            *_q8(1),
            *_q8(2),
        ]},
        {"title": "Het contracteerproces", "help_text": "", "questions": [
            _q("Q9", "single", "Is het inkoopbeleid van de zorgverzekeraar waar u een contract mee hebt afgesloten "
                               "helder/transparant geformuleerd voor u?", options=YES_NO),
            _q("Q10", "single", "Zijn beleidswijzigingen van uw zorgverzekeraar ten opzichte van het voorgaande "
                                "contract helder toegelicht?", options=YES_NO),
            _q("Q11", "single",
               "Heeft u, of een ander namens u (bv LHV overlegteam, zorggroep et cetera) na ontvangst van het "
               "contractvoorstel, aanvullend overleg gevoerd met de zorgverzekeraar over de voorwaarden in het "
               "contract ofwel de te maken afspraken?",
               options=[
                   {"value": "nee", "label": "Nee"},
                   {"value": "ja-afwijzing", "label": "ja, met afwijzing voorstel als resultaat"},
                   {"value": "ja-aangepast", "label": "ja, met aangepast contract tot gevolg"},
               ]),
            _q("Q12", "single", "Was de verzekeraar vervolgens naar uw mening goed benaderbaar hierover?",
               options=YES_NO, show_if="Q11", show_if_values=["ja-aangepast"],
               source_note="Gesteld na \"ja, met aangepast contract tot gevolg\" bij vraag 11: de bron telt 81 "
                           "respondenten, het aantal met dat antwoord."),
            _q("Q13", "single", "Heeft u bij uw zorgverzekeraar een verzoek ingediend voor "
                                "zorginnovatie/zorgvernieuwing binnen segment 3? En wat was het resultaat?",
               options=[{"value": "geen-verzoek", "label": "Nee, geen verzoek ingediend"}, *REQUEST_RESULT],
               source_note="Tabel 5.1 in de bron."),
            _q("Q14", "single", "Heeft u bij uw zorgverzekeraar een verzoek ingediend voor aanpassingen in c.q. "
                                "aanvullingen op de standaard modules? En wat was het resultaat?",
               options=[{"value": "geen-verzoek", "label": "Nee geen verzoek ingediend / n.v.t."}, *REQUEST_RESULT]),
            _q("Q15", "single", "Worden in uw regio bijeenkomsten georganiseerd door een zorgverzekeraar waar het "
                                "inkoopbeleid wordt toegelicht?",
               options=[*YES_NO, {"value": "weet-niet", "label": "Weet niet"}]),
            _q("Q16", "single", "Heeft u zo\u2019n regio bijeenkomst bijgewoond?", options=YES_NO,
               show_if="Q15", show_if_values=["ja"]),
        ]},
        {"title": "Thema's uit het bestuurlijk akkoord", "help_text": "", "questions": [
            _q("Q17", "matrix",
               "Biedt uw contract {jaar} (of het contract dat u is aangeboden) met de zorgverzekeraar naar uw eigen "
               "inzicht voldoende ruimte om uw praktijk/organisatie in te richten / aan te passen / uit te breiden "
               "op basis van de zorgbehoefte van uw populatie? Dit specifiek per thema:",
               options=SCALE_LOST, rows=THEMES,
               source_note=(
                   "Tabel 6.5 in de bron (daar kort: \"Biedt uw huidig contract voldoende ruimte op deze "
                   "thema\u2019s?\"). De vijf antwoordlabels van de schaal zijn in de brontekst verloren gegaan: de "
                   "bron geeft per thema alleen vijf percentages. Ze zijn hier niet ingevuld maar genummerd 1 tot "
                   "en met 5. De tekst van de rapportage zegt alleen dat respondenten het contract \"overwegend als "
                   "belemmerend of ernstig belemmerend\" beoordelen.")),
            _q("Q17b", "matrix", "Wat is, naar uw mening, op dit thema de belangrijkste belemmering in het huidige "
                                 "contract?",
               help_text="Alleen voor de thema's waarop u bij de vorige vraag belemmering ervaart.",
               options=OBSTACLE_LOST, rows=THEMES, show_if="Q17", show_if_values=OBSTRUCTIVE_COLUMNS,
               show_if_same_row=True,
               source_note=(
                   "Tabel 6.6 in de bron. De vier antwoordcategorieën zijn in de brontekst verloren gegaan: de bron "
                   "geeft per thema alleen vier percentages. Ze zijn hier niet ingevuld maar genummerd 1 tot en met "
                   "4; vul ze in vóór publicatie als de oorspronkelijke vragenlijst ze geeft. De bron vraagt dit "
                   "\"wanneer de zorgaanbieder aangaf belemmering te ervaren\"; dat dat de kolommen 4 en 5 van "
                   "vraag 17 zijn (\"belemmerend\" en \"ernstig belemmerend\") is afgeleid uit de tekst, niet "
                   "overgeleverd.")),
            _q("Q18", "single", "De verzekeraar prioriteert in zijn beleid voor versterking O&I vooral op",
               help_text="Specificatie bij Versterking organisatiegraad en infrastructuur:",
               options=[
                   {"value": "praktijk", "label": "Praktijk"},
                   {"value": "wijk", "label": "Wijk"},
                   {"value": "regio", "label": "Regio"},
                   {"value": "ketenzorg", "label": "Ketenzorg"},
               ],
               source_note="In hoofdstuk 4 van de bron ook als tabel bij organisatie en infrastructuur."),
        ]},
        {"title": "Feitelijk beeld van de zorgvraag in de regio", "help_text": "", "questions": [
            _q("Q19", "scale10", "Bent u van mening/ervaart u dat in uw regio deze beweging gecoördineerd is "
                                 "ingezet?",
               help_text=FACT_BASE_TOELICHTING, options=Q19_ENDS,
               source_note=("Tabel 6.1 in de bron (de verdeling van de antwoorden is in de brontekst verloren "
                            "gegaan). De Toelichting begint in de bron met \"In Het belangrijkste uitgangspunt\"; "
                            "het losse \"In\" is weggelaten.")),
            _q("Q20", "scale10", "Bent u van mening/ervaart u dat de resultaten uit deze beweging ook al landen in "
                                 "het huidige contract?",
               options=Q20_ENDS,
               source_note="Tabel 6.3 in de bron (de verdeling van de antwoorden is in de brontekst verloren "
                           "gegaan)."),
        ]},
    ],
}
