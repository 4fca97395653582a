"""The module catalogue of nza-monitor-2019.md §1, as reference data (loaded by a data migration).
The report gives no euro amounts: NZa maximum tariffs are entered per year by the NZa, tariffs by insurers."""

MODULES = [
    # code, name, segment, category, unit, has_nza_max, cap (rule, max, min, patients), description
    ("inschrijving", "Inschrijving op naam (inschrijftarief)", "S1", "prestatie", "per_inschrijving_kwartaal",
     True, None, "Abonnement per ingeschreven verzekerde, gedifferentieerd naar populatiekenmerken."),
    ("consult", "Consult huisarts", "S1", "prestatie", "per_consult", True, None,
     "Consulten en visites van de huisarts."),
    ("poh-ggz", "POH-GGZ", "S1", "ondersteunend_personeel", "per_weekuur_jaar", True,
     ("hours_per_patients", "12", "12", 2350),
     "Praktijkondersteuning GGZ: personeel, e-health of consultatie. Maximaal 12 uur per 2.350 patiënten."),
    ("specifieke-verrichtingen", "Specifieke verrichtingen", "S1", "prestatie", "per_verrichting", True, None,
     "Verrichtingen met een NZa-maximumtarief."),
    ("poh-s", "POH-S (praktijkondersteuning somatiek)", "S3", "ondersteunend_personeel", "per_weekuur_jaar",
     False, None, "Chronische zorg; vergoeding per werkelijk ingezette fte, tot een maximum."),
    ("praktijkmanagement", "Praktijkmanagement", "S3", "ondersteunend_personeel", "per_weekuur_jaar", False,
     ("hours_per_patients", "6", "3", 2350),
     "Uren per week, met een plafond van 3 tot 6 uur per week per normpraktijk; eisen aan opleiding/profiel."),
    ("kwetsbare-ouderen", "Kwetsbare ouderen", "S3", "zorgprogramma", "per_patient_jaar", False, None,
     "Extra vergoeding voor deelname aan een regionaal programma (via een samenwerkingsverband)."),
    ("advance-care-planning", "Advance care planning", "S3", "zorgprogramma", "per_verrichting", False, None,
     "Eenmalige vergoeding per terminale patiënt volgens protocol."),
    ("service-bereikbaarheid", "Service en bereikbaarheid", "S3", "resultaatbeloning", "per_patient_jaar", False,
     None, "Bijvoorbeeld telefonische bereikbaarheid, patiëntportaal, e-consult, online afspraken en herhaalrecepten."),
    ("doelmatig-voorschrijven", "Doelmatig voorschrijven en diagnostiek", "S3", "resultaatbeloning",
     "per_patient_jaar", False, None, "Voorschrijfprotocollen, digitale diagnostiekaanvragen, DTO, spiegelgroepen."),
    ("kwaliteit", "Kwaliteit (NHG-accreditatie)", "S3", "resultaatbeloning", "per_praktijk_jaar", False, None,
     "NHG-praktijkaccreditatie en spiegelinformatie."),
    ("meer-tijd", "Meer tijd voor de patiënt", "S3", "overig", "per_patient_jaar", False, None,
     "Physician assistant, HIDHA of waarneming; voorwaarden voor praktijkgrootte en resultaten."),
    ("regionale-prestatie", "Regionale prestatie", "S3", "overig", "per_patient_jaar", False, None,
     "Vast bedrag per ingeschreven patiënt voor alle huisartsen in een regio; het SWV kiest het thema."),
    ("substitutieverrichtingen", "Substitutieverrichtingen", "buiten", "overig", "per_verrichting", False, None,
     "Chirurgie en therapeutische injecties bij deelname aan de afspraak verzekeraar–SWV–ziekenhuis."),
    ("m-en-i", "M&I-verrichtingen", "buiten", "overig", "per_verrichting", False, None,
     "Modernisering en innovatie: substitutie van tweedelijnszorg."),
    # S2 ketenzorg: the programmes as the NZa monitor counts them (Tabel 4.1), VRM as two programmes (HVZ and
    # VVR). Priced per patient in the keten per quarter.
    ("ketenzorg-dm2", "Ketenzorg diabetes mellitus type 2", "S2", "zorgprogramma", "per_ketenpatient_kwartaal",
     False, None, "Per patiënt in de keten per kwartaal, volgens de zorgstandaard."),
    ("ketenzorg-copd", "Ketenzorg COPD", "S2", "zorgprogramma", "per_ketenpatient_kwartaal", False, None,
     "Per patiënt in de keten per kwartaal, volgens de zorgstandaard."),
    ("ketenzorg-vrm-hvz", "Ketenzorg vasculair risicomanagement (HVZ)", "S2", "zorgprogramma",
     "per_ketenpatient_kwartaal", False, None,
     "Patiënten met hart- en vaatziekten. Per patiënt in de keten per kwartaal, volgens de zorgstandaard."),
    ("ketenzorg-vrm-vvr", "Ketenzorg vasculair risicomanagement (VVR)", "S2", "zorgprogramma",
     "per_ketenpatient_kwartaal", False, None,
     "Patiënten met een verhoogd vasculair risico. Per patiënt in de keten per kwartaal, volgens de "
     "zorgstandaard."),
    ("ketenzorg-astma", "Ketenzorg astma", "S2", "zorgprogramma", "per_ketenpatient_kwartaal", False, None,
     "Per patiënt in de keten per kwartaal, volgens de zorgstandaard."),
    # The newer programmes: the NZa has no keten prestatie for them; insurers mostly pay the care group's
    # overhead and then the care directly through the contracts with the individual providers.
    ("programma-kwetsbare-ouderen", "Zorgprogramma kwetsbare ouderen", "S2", "zorgprogramma", "vast_bedrag_jaar",
     False, None, "Geen ketenprestatie: vergoeding van de overhead aan het samenwerkingsverband; de zorg zelf via "
     "de contracten met de individuele zorgverleners."),
    ("programma-ggz", "Zorgprogramma GGZ", "S2", "zorgprogramma", "vast_bedrag_jaar", False, None,
     "Geen ketenprestatie: vergoeding van de overhead aan het samenwerkingsverband; de zorg zelf via de "
     "contracten met de individuele zorgverleners."),
    # S2 O&I (organisatie en infrastructuur), the four prestaties of the NZa monitor, per ingeschreven verzekerde.
    ("oi-wijkmanagement", "O&I Wijkmanagement", "S2", "overig", "per_verzekerde_jaar", False, None,
     "Samenwerking tussen eerstelijns zorgaanbieders op wijkniveau; uitgangspunt een populatie van "
     "10.000/20.000 ingeschreven verzekerden."),
    ("oi-regiomanagement", "O&I Regiomanagement", "S2", "overig", "per_verzekerde_jaar", False, None,
     "Samenwerking tussen eerstelijns zorgaanbieders op regioniveau; uitgangspunt 100.000 ingeschreven "
     "verzekerden of meer."),
    ("oi-ketenzorg", "O&I Ketenzorg", "S2", "overig", "per_verzekerde_jaar", False, None,
     "Organisatie en infrastructuur bij de opzet en uitvoering van de landelijke ketenzorgprogramma's."),
    ("oi-gez", "O&I Geïntegreerde eerstelijnszorg overig (GEZ)", "S2", "overig", "per_verzekerde_jaar", False,
     None, "Voorlopige voortzetting van de klassieke gez-module voor multidisciplinaire gezondheidscentra."),
]


# The parts of a ketenzorg programme (NZa monitor Tabel 4.2–4.6); per contract each is in the integral tariff or
# bought separately.
COMPONENTS = [
    ("dietetiek", "Diëtetiek"),
    ("voetzorg", "Voetzorg"),
    ("fundus", "Fundus/oogarts"),
    ("specialist", "Specialist"),
    ("stoppen-met-roken", "Stoppen met roken"),
    ("spirometrie", "Spirometrie"),
    ("ecg", "ECG"),
    ("fysiotherapie", "Fysiotherapie"),
    ("beweging", "Beweging"),
    ("lab", "Lab"),
]

# Programme code -> (how it is paid, its components as the monitor's tables list them for that keten).
PROGRAMMES = {
    "ketenzorg-dm2": ("keten", ["dietetiek", "voetzorg", "fundus", "specialist", "stoppen-met-roken", "lab"]),
    "ketenzorg-copd": ("keten", ["dietetiek", "spirometrie", "specialist", "fysiotherapie", "beweging",
                                 "stoppen-met-roken"]),
    "ketenzorg-vrm-hvz": ("keten", ["dietetiek", "ecg", "specialist", "stoppen-met-roken"]),
    "ketenzorg-vrm-vvr": ("keten", ["dietetiek", "ecg", "stoppen-met-roken", "specialist", "beweging"]),
    "ketenzorg-astma": ("keten", ["dietetiek", "specialist", "spirometrie", "stoppen-met-roken", "fysiotherapie",
                                  "beweging"]),
    "programma-kwetsbare-ouderen": ("overhead", []),
    "programma-ggz": ("overhead", []),
}

# The one programme split in two: its contracts in draft get both halves, and it is retired (or removed when
# nothing refers to it).
SPLIT_MODULES = {"ketenzorg-vrm": ["ketenzorg-vrm-hvz", "ketenzorg-vrm-vvr"]}


def load(Module, Component, ContractModule) -> int:
    """Write the catalogue with the given model classes (the live ones, or a migration's historical ones):
    modules and components updated in place, programmes linked to their components, the units of the
    ketenzorg and O&I modules as above (a data fix for databases loaded before), SPLIT_MODULES applied, and S2
    modules taken out of draft practice contracts (only care groups hold S2). Safe to repeat."""
    for order, (code, name, segment, category, unit, has_max, cap, description) in enumerate(MODULES):
        values = dict(name=name, segment=segment, category=category, unit=unit, has_nza_max=has_max,
                      description=description, sort_order=order * 10, retired=False,
                      programme_funding=PROGRAMMES.get(code, ("", []))[0])
        if cap:
            rule, cap_max, cap_min, patients = cap
            values.update(cap_rule=rule, cap_hours_max=cap_max, cap_hours_min=cap_min, cap_patients=patients)
        Module.objects.update_or_create(code=code, defaults=values)
    components = {}
    for order, (code, name) in enumerate(COMPONENTS):
        components[code], _created = Component.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10})
    for code, (_funding, parts) in PROGRAMMES.items():
        Module.objects.get(code=code).components.set([components[c] for c in parts])
    for old_code, new_codes in SPLIT_MODULES.items():
        old = Module.objects.filter(code=old_code).first()
        if old is None:
            continue
        for line in ContractModule.objects.filter(module=old, standard_contract__status="draft"):
            for new_code in new_codes:
                ContractModule.objects.get_or_create(
                    standard_contract_id=line.standard_contract_id, module=Module.objects.get(code=new_code),
                    defaults={"tariff": line.tariff, "conditions": line.conditions, "mandatory": line.mandatory})
            line.delete()
        if ContractModule.objects.filter(module=old).exists():
            # Published contracts keep what they offered; nobody can offer it again.
            old.retired = True
            old.unit = "per_ketenpatient_kwartaal"
            old.save(update_fields=["retired", "unit"])
        else:
            old.delete()
    ContractModule.objects.filter(module__segment="S2", standard_contract__holder_kind="practice",
                                  standard_contract__status="draft").delete()
    return len(MODULES)
