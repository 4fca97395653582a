"""The demo's texts: purchasing policies, contract and module conditions, the questions practices ask and the
insurers' answers, refusal reasons and follow explanations. Fictitious, in Dutch (the portal's language), and
the same on every machine."""

from decimal import Decimal

from demo.organisations import InsurerSpec

MODULE_CONDITIONS = {
    "inschrijving": "Tarief per ingeschreven verzekerde per kwartaal, volgens de NZa-prestatiebeschrijving.",
    "consult": "Consulten en visites volgens de NZa-prestatiebeschrijving.",
    "specifieke-verrichtingen": "Alleen verrichtingen die in de NZa-prestatielijst staan.",
    "poh-ggz": "De POH-GGZ heeft een afgeronde opleiding tot praktijkondersteuner GGZ of een gelijkwaardige "
               "opleiding. Consultatie van een psychiater of GZ-psycholoog en e-health vallen binnen de module.",
    "praktijkmanagement": "De praktijkmanager heeft ten minste een opleiding op mbo-4-niveau. De uren en taken staan "
                          "in het praktijkjaarplan.",
    "kwaliteit": "Een geldige NHG-praktijkaccreditatie, of een aantoonbaar lopend (her)accreditatietraject.",
    "service-bereikbaarheid": "Spoedlijn binnen 30 seconden opgenomen; online afspraken, e-consult en herhaalrecepten "
                              "via een patiëntportaal.",
    "kwetsbare-ouderen": "Deelname aan het regionale programma kwetsbare ouderen van het samenwerkingsverband, met "
                         "proactieve zorgplanning.",
    "doelmatig-voorschrijven": "Voorschrijven volgens het regionale formularium; deelname aan FTO-overleg.",
    "meer-tijd": "Inzet van een physician assistant of extra waarneming; praktijk met ten minste 2.000 patiënten.",
    "advance-care-planning": "Eenmalig per patiënt in de laatste levensfase, volgens het regionale protocol.",
    "poh-s": "Vergoeding per werkelijk ingezet uur per week; de POH-S is opgeleid tot praktijkondersteuner.",
}

CONTRACT_CONDITIONS = (
    "Deze overeenkomst geldt voor de huisartsenzorg aan verzekerden van de zorgverzekeraar die op naam bij de "
    "praktijk zijn ingeschreven. Declaraties lopen via Vecozo. De praktijk houdt zich aan de NHG-standaarden en "
    "de Landelijke Eerstelijns Samenwerkingsafspraken. Dit is een demo-overeenkomst zonder rechtsgevolg."
)



# --- Texts --------------------------------------------------------------------------------------------------
def _dutch_number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def policy_texts(spec: InsurerSpec, profile, year: int, term_years: int) -> list[tuple[str, str]]:
    """(title, body) of each published version: a first version and one after the consultation with the OTH."""
    name = spec.name
    s1 = ("tegen het NZa-maximumtarief" if profile.s1_share == 1
          else f"tegen {_dutch_number(profile.s1_share * 100)}% van het NZa-maximumtarief")
    cap = _dutch_number(profile.pm_cap)
    if term_years == 1:
        term = (f"# Looptijd\nHet contract loopt één jaar, van 1 januari tot en met 31 december {year}. Wij "
                f"onderzoeken met de OTH of een meerjarencontract vanaf {year + 1} wenselijk is.")
    else:
        term = (f"# Meerjarencontract\nWij bieden een meerjarencontract aan voor {year}–{year + term_years - 1}. "
                "De tarieven volgen jaarlijks de indexatie van de NZa. Een aanpassingsclausule regelt dat partijen "
                "de afspraken jaarlijks in overleg kunnen aanpassen als wet- of regelgeving daartoe dwingt; de "
                "contracteercyclus wordt dan voor die wijziging opnieuw doorlopen.")
    intro = (f"Dit is fictief demo-inkoopbeleid voor het contracteerportaal. Het beschrijft niet het werkelijke "
             f"beleid van {name}.")
    principles = (f"# Uitgangspunten\nVoor {year} koopt {name} huisartsenzorg in volgens de Good Contracting "
                  "Practices. Iedere praktijk waarvoor wij preferent zorgverzekeraar zijn, krijgt een "
                  f"standaardcontract aangeboden dat is opgebouwd uit modules. De S1-prestaties vergoeden wij {s1}.")
    poh_ggz = ("# POH-GGZ\nWij vergoeden de inzet van een praktijkondersteuner GGZ tot ten hoogste 12 uur per week "
               "per 2.350 ingeschreven patiënten. Inzet van e-health en consultatie van een psychiater of "
               "GZ-psycholoog vallen binnen de module.")
    management_v1 = (f"# Praktijkmanagement\nDe module praktijkmanagement vergoedt ten hoogste {cap} uur per week per "
                     "2.350 ingeschreven patiënten. De praktijkmanager heeft ten minste een opleiding op "
                     "mbo-4-niveau.")
    management_v2 = (f"# Praktijkmanagement\nDe module praktijkmanagement vergoedt ten hoogste {cap} uur per week per "
                     "2.350 ingeschreven patiënten. Na het overleg met de OTH accepteren wij ook een praktijkmanager "
                     "die de opleiding op mbo-4-niveau in het contractjaar afrondt. De uren en taken staan in het "
                     "praktijkjaarplan.")
    quality = ("# Kwaliteit\n- Een geldige NHG-praktijkaccreditatie, of een aantoonbaar lopend accreditatietraject.\n"
               "- Deelname aan ten minste twee FTO- of DTO-bijeenkomsten per jaar.\n"
               "- Gebruik van de spiegelinformatie over voorschrijven en verwijzen.")
    service = ("# Service en bereikbaarheid\nPraktijken die de spoedlijn binnen 30 seconden opnemen en online "
               "afspraken, e-consulten en herhaalrecepten aanbieden, ontvangen een toeslag per ingeschreven patiënt.")
    procedure = ("# Procedure\nHet standaardcontract staat uiterlijk 15 september in het portaal. Ondertekenen kan "
                 "van 1 oktober tot en met 7 november. Vragen over het aanbod beantwoorden wij binnen vijf "
                 "werkdagen.")
    title = f"Inkoopbeleid huisartsenzorg {year}"
    first = "\n\n".join([intro, principles, poh_ggz, management_v1, quality, term, procedure])
    second = "\n\n".join([intro, principles, poh_ggz, management_v2, quality, service, term, procedure])
    return [(title, first), (title, second)]


# What practices ask about their contract, and what the insurer answers. Topics are modules every demo
# contract holds (BASE_MODULES), so a question always fits the offer it is asked about.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Wij willen de uren van onze POH-GGZ uitbreiden. Telt voor het plafond het aantal ingeschreven patiënten op "
     "1 januari of op 1 oktober?",
     "Voor het plafond gaan wij uit van het aantal ingeschreven patiënten op de peildatum 1 oktober. Groeit uw "
     "praktijk in de loop van het jaar, dan kunt u de uren bij de volgende contractering aanpassen."),
    ("Onze praktijkmanager volgt nog de opleiding. Komen we dan wel in aanmerking voor de module "
     "praktijkmanagement?",
     "Ja, als de opleiding op mbo-4-niveau in het contractjaar wordt afgerond. Vermeld de verwachte datum van "
     "afronding in uw praktijkjaarplan."),
    ("Onze NHG-accreditatie verloopt in maart en de heraccreditatie loopt. Houden we recht op de module "
     "kwaliteit?",
     "Ja, zolang het heraccreditatietraject aantoonbaar loopt, blijft de module kwaliteit van toepassing."),
    ("Kunnen wij de module service en bereikbaarheid later in het jaar nog toevoegen, als ons patiëntportaal "
     "klaar is?",
     "Nee, de modulekeuze ligt vast bij ondertekening. U kunt de module bij de volgende contractering kiezen."),
    ("Wij nemen in april een tweede praktijk over. Geldt ons contract dan ook voor de patiënten van die praktijk?",
     "De ingeschreven patiënten van de overgenomen praktijk vallen vanaf de overname onder uw contract. Meld de "
     "overname vooraf; voor de overgangsperiode kunt u maatwerk aanvragen."),
    ("Mag de POH-GGZ ook consulten via beeldbellen doen binnen de module?",
     "Ja, consulten via beeldbellen vallen binnen de module POH-GGZ, mits ze in het dossier zijn vastgelegd."),
    ("Welke spiegelinformatie moeten wij gebruiken om aan de voorwaarden voor kwaliteit te voldoen?",
     "De spiegelinformatie over voorschrijven en verwijzen die wij ieder kwartaal in het portaal zetten. Bespreek "
     "die ten minste eenmaal per jaar in uw FTO-overleg."),
    ("Hoe tellen de uren van de praktijkmanager als zij deels voor de zorggroep werkt?",
     "Alleen de uren die zij voor uw praktijk werkt, tellen mee voor de module praktijkmanagement. Uren voor de "
     "zorggroep vallen onder de O&I-afspraken van de zorggroep."),
    ("Moet de spoedlijn ook tijdens de lunchpauze binnen 30 seconden worden opgenomen?",
     "Ja, de eis geldt de hele openingstijd van de praktijk, ook tijdens de lunch. Een doorschakeling naar een "
     "collega-praktijk is toegestaan."),
    ("Kunnen wij het inschrijftarief declareren voor patiënten die tijdelijk in het buitenland verblijven?",
     "Ja, zolang de patiënt op naam bij u staat ingeschreven en verzekerd is, declareert u het inschrijftarief."),
    ("Onze POH-GGZ is twee maanden met zwangerschapsverlof. Mogen wij een vervanger inzetten binnen de module?",
     "Ja, een vervanger met een gelijkwaardige opleiding mag de uren overnemen; het plafond blijft gelijk."),
    ("Tot wanneer kunnen wij een verzoek om maatwerk indienen voor het lopende jaar?",
     "Maatwerk kunt u het hele jaar aanvragen. Wij beantwoorden uw verzoek binnen twee werkweken."),
)
REFUSAL_REASONS = (
    "De vergoeding voor praktijkmanagement dekt onze kosten niet. Wij gaan eerst in overleg met de OTH.",
    "Wij contracteren dit jaar via onze zorggroep en tekenen dit aanbod daarom niet.",
    "De voorwaarden voor de module kwaliteit passen niet bij onze kleine praktijk; wij vragen maatwerk aan.",
)
PARTIAL_EXPLANATION = (
    "Wij volgen het contract, behalve de module praktijkmanagement: in deze regio hanteren wij een lager "
    "plafond, zoals in ons inkoopbeleid staat."
)
DECLINE_EXPLANATION = (
    "Wij hebben in deze regio een eigen standaardcontract met andere modules. De praktijk kan dat contract "
    "aanvragen en ondertekenen via het portaal."
)
