"""The built-in templates against their sources, question by question. The expected texts are copied here from
the Dutch NZa report (../shared/seeds/nza-monitor-contractafspraken-2019.txt, appendix "Bijlagen - resultaten
enquêtes" and Tabel 6.5/6.6), for contract year 2019 as the report asks them."""

import pytest

from surveys.templates_data import PREFILL, TEMPLATES, UnknownTemplate, template_definition, template_questions

YES_NO = ["Ja", "Nee"]
INSURERS = ["Zilveren Kruis", "VGZ", "CZ", "Menzis", "DSW", "Zorg en Zekerheid", "ENO", "De Friesland", "Geen"]
CONTRACTED = ["zilveren-kruis", "vgz", "cz", "menzis", "dsw", "zorg-en-zekerheid", "eno", "de-friesland"]
WHY = ["De onderhandeling zijn nog niet afgerond", "Ik vind de geboden tarieven te laag", "Anders nl:"]
RESULTS = ["Ja, een verzoek ingediend maar niet in gesprek gekomen / niet gehonoreerd",
           "Ja, een verzoek ingediend dat gedeeltelijk is gehonoreerd",
           "Ja, een verzoek ingediend dat is gehonoreerd"]
THEMES = [
    "Meer tijd, in algemene zin, voor en met de patiënt?",
    "Benodigde inzet voor kwetsbare ouderen",
    "Benodigde inzet voor mensen met een gezondheidsachterstand",
    "Benodigde inzet voor GGZ-problematiek",
    "Medicatiebeoordeling bij kwetsbare patiënten met polyfarmacie",
    "Versterking organisatiegraad en infrastructuur",
    "Verbeteringen in toegankelijkheid/kwaliteit van ANW-zorg",
    "Bundeling ICT-kennis, capaciteit en voorzieningen op regionaal niveau?",
    "Versterking van samenwerkingsvormen en netwerkstructuren in de 1e lijn",
    "Betere uitwisseling van gegevens met aanpalende sectoren (bv 2e lijn) en domeinen (bv gemeenten-jeugdzorg)",
    "Uitwisseling van patiënt gegevens",
    "Inzetten van eHealth-toepassingen",
]
Q3 = "Is het door u afgesloten contract met de regionaal dominante zorgverzekeraar vervolgens “gevolgd” door de " \
     "overige verzekeraars?"
Q8 = "Kunt u toelichten waarom u over 2019 geen contract met een zorgverzekeraar heeft gesloten? (meerdere keuzes " \
     "mogelijk)"

# (code, kind, text, answer labels, (shown after, for answers)) — §3a Q1–Q20 and 17b, per segment where the report
# has one table per segment.
NZA_PROVIDER = [
    ("Q1", "multiple", "Welke zorg biedt u aan, zodanig dat u deze ook zelfstandig rechtstreeks aan "
                       "patient/zorgverzekeraar in rekening brengt? (meerdere antwoorden mogelijk)",
     ["Segment 1", "Segment 2"], None),
    ("Q2-S1", "multiple", "Met welke verzekeraar heeft u voor 2019 een contract afgesloten voor Segment 1?",
     INSURERS, ("Q1", ["s1"])),
    ("Q2-S2", "multiple", "Met welke verzekeraar heeft u voor 2019 een contract afgesloten voor Segment 2?",
     INSURERS, ("Q1", ["s2"])),
    ("Q3-S1", "single", Q3, ["Ja", "Nee", "Nog niet", "Gedeeltelijk"], ("Q2-S1", CONTRACTED)),
    ("Q3-S2", "single", Q3, ["Ja", "Nee", "Nog niet", "Gedeeltelijk"], ("Q2-S2", CONTRACTED)),
    ("Q4", "single", "Zijn in uw huidige contract voor segment 1 (en de aanvullingen hierop in modules via segment "
                     "3) elementen/modules/verrichtingen opgenomen waarvan het tarief ten opzichte van het "
                     "voorgaande contract niet of niet volledig geïndexeerd is? Het gaat dan specifiek om "
                     "elementen/modules/verrichtingen waarvoor de kosten van uitvoering van dat specifieke element "
                     "naar uw inzicht wél zijn toegenomen?",
     ["Ja", "Nee", "Dat weet ik niet"], ("Q2-S1", CONTRACTED)),
    ("Q5", "single", "Zijn in uw huidige contract voor segment 2 (en de aanvullingen hierop via segment 3) "
                     "elementen opgenomen waarvan het tarief ten opzichte van het voorgaande contract niet of niet "
                     "volledig geïndexeerd is? Het gaat dan specifiek om elementen waarvoor de kosten van "
                     "uitvoering van dat specifieke element naar uw inzicht wél zijn toegenomen.",
     ["Nee, prijsindexatie is integraal onderdeel van de afspraken over zowel directe patiëntzorg als overhead",
      "Ja, de overeengekomen tarieven voor directe patiëntzorg zijn niet of niet volledig geïndexeerd ten opzichte "
      "van het vorig contract",
      "Ja, de overeengekomen tarieven voor \"overhead\" zijn niet of niet volledig geïndexeerd ten opzichte van het "
      "vorig contract",
      "Ja, zowel de tarieven voor directe patiëntzorg als de tarieven voor overhead zijn niet of niet volledig "
      "geïndexeerd ten opzichte van het vorig contract",
      "Niet relevant, indexatie ten opzichte van voorgaande jaren speelt geen rol in totstandkoming huidige "
      "overeenkomst",
      "Dat weet ik niet"], ("Q2-S2", CONTRACTED)),
    ("Q6-S1", "single", "Heeft u overwogen of geprobeerd nog een andere zorgverzekeraar te contracteren?", YES_NO,
     ("Q1", ["s1"])),
    ("Q6-S2", "single", "Heeft u overwogen of geprobeerd nog een andere zorgverzekeraar te contracteren?", YES_NO,
     ("Q1", ["s2"])),
    ("Q7-S1", "single", "Is dit gelukt?", YES_NO, ("Q6-S1", ["ja"])),
    ("Q7-S2", "single", "Is dit gelukt?", YES_NO, ("Q6-S2", ["ja"])),
    ("Q8-S1", "multiple", Q8, WHY, ("Q2-S1", ["geen"])),
    ("Q8-S1-anders", "text", "Anders nl:", [], ("Q8-S1", ["anders"])),
    ("Q8-S2", "multiple", Q8, WHY, ("Q2-S2", ["geen"])),
    ("Q8-S2-anders", "text", "Anders nl:", [], ("Q8-S2", ["anders"])),
    ("Q9", "single", "Is het inkoopbeleid van de zorgverzekeraar waar u een contract mee hebt afgesloten "
                     "helder/transparant geformuleerd voor u?", YES_NO, None),
    ("Q10", "single", "Zijn beleidswijzigingen van uw zorgverzekeraar ten opzichte van het voorgaande contract "
                      "helder toegelicht?", YES_NO, None),
    ("Q11", "single", "Heeft u, of een ander namens u (bv LHV overlegteam, zorggroep et cetera) na ontvangst van "
                      "het contractvoorstel, aanvullend overleg gevoerd met de zorgverzekeraar over de voorwaarden "
                      "in het contract ofwel de te maken afspraken?",
     ["Nee", "ja, met afwijzing voorstel als resultaat", "ja, met aangepast contract tot gevolg"], None),
    ("Q12", "single", "Was de verzekeraar vervolgens naar uw mening goed benaderbaar hierover?", YES_NO,
     ("Q11", ["ja-aangepast"])),
    ("Q13", "single", "Heeft u bij uw zorgverzekeraar een verzoek ingediend voor zorginnovatie/zorgvernieuwing "
                      "binnen segment 3? En wat was het resultaat?", ["Nee, geen verzoek ingediend", *RESULTS], None),
    ("Q14", "single", "Heeft u bij uw zorgverzekeraar een verzoek ingediend voor aanpassingen in c.q. aanvullingen "
                      "op de standaard modules? En wat was het resultaat?",
     ["Nee geen verzoek ingediend / n.v.t.", *RESULTS], None),
    ("Q15", "single", "Worden in uw regio bijeenkomsten georganiseerd door een zorgverzekeraar waar het "
                      "inkoopbeleid wordt toegelicht?", ["Ja", "Nee", "Weet niet"], None),
    ("Q16", "single", "Heeft u zo’n regio bijeenkomst bijgewoond?", YES_NO, ("Q15", ["ja"])),
    ("Q17", "matrix", "Biedt uw contract 2019 (of het contract dat u is aangeboden) met de zorgverzekeraar naar uw "
                      "eigen inzicht voldoende ruimte om uw praktijk/organisatie in te richten / aan te passen / uit "
                      "te breiden op basis van de zorgbehoefte van uw populatie? Dit specifiek per thema:",
     ["1", "2", "3", "4", "5"], None),
    ("Q17b", "matrix", "Wat is, naar uw mening, op dit thema de belangrijkste belemmering in het huidige contract?",
     ["1", "2", "3", "4"], ("Q17", ["4", "5"])),
    ("Q18", "single", "De verzekeraar prioriteert in zijn beleid voor versterking O&I vooral op",
     ["Praktijk", "Wijk", "Regio", "Ketenzorg"], None),
    ("Q19", "scale10", "Bent u van mening/ervaart u dat in uw regio deze beweging gecoördineerd is ingezet?",
     ["In zijn geheel geen ervaring dat ingezet wordt op het gecoördineerd in kaart brengen van de sociale en "
      "gezondheidssituatie en opgave in de regio, gemeente en/of wijk",
      "In de regio wordt volledig ingezet op deze beweging en is dit feitelijk beeld al gerealiseerd en "
      "inzichtelijk."], None),
    ("Q20", "scale10", "Bent u van mening/ervaart u dat de resultaten uit deze beweging ook al landen in het huidige "
                       "contract?",
     ["In het geheel geen relatie tussen huidig contract en gezondheidssituatie en opgave in de regio, gemeente "
      "en/of wijk",
      "Contract sluit volledig aan bij geconstateerde gezondheidssituatie en opgave in de regio, gemeente en/of "
      "wijk"], None),
]

TOELICHTING_Q19 = (
    "Het belangrijkste uitgangspunt in het bestuurlijk akkoord is dat de contractering en vormgeving van zorg meer "
    "moet gaan draaien om de daadwerkelijke behoefte aan zorg in een regio, gemeente of wijk. Om dit te bereiken is "
    "allereerst een feitelijk beeld nodig van de sociale en gezondheidssituatie en opgave in de regio, gemeente "
    "en/of wijk. Dit feitelijk beeld moet vervolgens leiden tot samenhangende afspraken die passen bij de in kaart "
    "gebrachte zorgvraag.")


def _by_code(definition):
    return {q["code"]: q for q in template_questions(definition)}


@pytest.fixture
def nza_provider():
    return template_definition("nza-provider", year=2019)


def test_nza_provider_survey_has_every_question_of_the_report_in_order(nza_provider):
    questions = template_questions(nza_provider)
    assert [q["code"] for q in questions] == [code for code, *_ in NZA_PROVIDER]


@pytest.mark.parametrize(("code", "kind", "text", "labels", "condition"), NZA_PROVIDER,
                         ids=[row[0] for row in NZA_PROVIDER])
def test_nza_provider_question_as_the_report_asks_it(nza_provider, code, kind, text, labels, condition):
    question = _by_code(nza_provider)[code]
    assert question["kind"] == kind
    assert question["text"] == text
    assert [option["label"] for option in question["options"]] == labels
    assert (question["show_if"], question["show_if_values"]) == (condition or (None, []))


def test_nza_provider_theme_matrix_and_its_follow_up_per_theme(nza_provider):
    questions = _by_code(nza_provider)
    assert [row["label"] for row in questions["Q17"]["rows"]] == THEMES
    assert questions["Q17b"]["rows"] == questions["Q17"]["rows"]
    # 17b asks per theme, only for the themes where 17 reported an obstacle.
    assert questions["Q17b"]["show_if_same_row"] is True
    assert questions["Q17"]["show_if_same_row"] is False


def test_lost_answer_labels_are_said_to_be_lost_and_not_invented(nza_provider):
    questions = _by_code(nza_provider)
    for code, columns in (("Q17", 5), ("Q17b", 4)):
        note = questions[code]["source_note"]
        assert "verloren gegaan" in note
        assert "niet ingevuld" in note
        # Numbered columns only: nothing in place of the lost labels.
        assert [o["label"] for o in questions[code]["options"]] == [str(n) for n in range(1, columns + 1)]
    # Which Q17 columns count as an obstacle is read from the report's text, and the note says so.
    assert "afgeleid uit de tekst" in questions["Q17b"]["source_note"]


def test_where_the_summary_differs_the_dutch_report_wins_and_the_note_says_so(nza_provider):
    questions = _by_code(nza_provider)
    assert "\"Weet niet\"" in questions["Q4"]["source_note"]
    assert "CR" in questions["Q2-S1"]["source_note"]
    assert "Tabel 6.5" in questions["Q17"]["source_note"]


def test_nza_provider_toelichting_is_the_reports(nza_provider):
    assert _by_code(nza_provider)["Q19"]["help_text"] == TOELICHTING_Q19
    assert _by_code(nza_provider)["Q18"]["help_text"] == \
        "Specificatie bij Versterking organisatiegraad en infrastructuur:"


def test_nza_provider_survey_is_identified_as_the_report_says(nza_provider):
    # "Invullen was niet anoniem, omdat de NZa graag in komende jaren trendanalyses wil uitvoeren".
    assert nza_provider["anonymous"] is False
    assert nza_provider["kind"] == "nza_provider"


def test_a_template_for_another_year_asks_about_that_year():
    definition = template_definition("nza-provider", year=2027)
    questions = _by_code(definition)
    assert questions["Q2-S1"]["text"] == \
        "Met welke verzekeraar heeft u voor 2027 een contract afgesloten voor Segment 1?"
    assert questions["Q17"]["text"].startswith("Biedt uw contract 2027 (of het contract")
    assert "2027" in definition["title"]
    insurer = _by_code(template_definition("nza-insurer", year=2027))
    assert insurer["V2"]["text"] == "Hoeveel contracten huisartsenzorg voor 2027 lopen door uit 2026?"


def test_a_copy_for_one_year_leaves_the_template_alone():
    definition = template_definition("gp-satisfaction", year=2026)
    definition["sections"][0]["questions"][0]["text"] = "veranderd"
    assert template_definition("gp-satisfaction", year=2026)["sections"][0]["questions"][0]["text"] != "veranderd"
    with pytest.raises(UnknownTemplate):
        template_definition("bestaat-niet", year=2026)


def test_nza_insurer_questionnaire():
    questions = _by_code(template_definition("nza-insurer", year=2019))
    # Verbatim from the report (Tabel 4.7).
    assert questions["V14"]["text"] == (
        "Is een inclusieplafond opgenomen in de afspraak? Wordt bijvoorbeeld contractueel geregeld dat niet meer "
        "dan X% van de gehele populatie in een ketenzorgprogramma mag worden opgenomen?")
    # Tabel 6.2 and 6.4: the two 1–10 questions, once per contracted care group.
    assert questions["V18"]["text"] == ("Bent u van mening dat in de regio van deze zorgaanbieder de in de "
                                        "toelichting geschetste beweging gecoördineerd is ingezet?")
    assert questions["V19"]["text"] == ("Bent u van mening/ervaart u dat de resultaten uit deze beweging ook al "
                                        "landen in het huidige contract?")
    for code in ("V18", "V19"):
        assert (questions[code]["kind"], questions[code]["repeat"]) == ("scale10", "care_group")
    assert questions["V18"]["help_text"] == TOELICHTING_Q19
    # Number of contracts new vs continuing, offer and signing dates, module use, maatwerk: from the portal.
    assert PREFILL["nza-insurer"]["V1"] == "practice_contracts_new"
    assert PREFILL["nza-insurer"]["V2"] == "practice_contracts_continuing"
    assert PREFILL["nza-insurer"]["V16"] == "care_group_offered_on"
    assert PREFILL["nza-insurer"]["V14"] == "care_group_inclusion_ceiling"
    assert "V8b" not in PREFILL["nza-insurer"]  # kwetsbare ouderen has no maximum in hours the portal knows


def test_gp_satisfaction_survey_rates_each_contracted_insurer_and_asks_knelpunten():
    definition = template_definition("gp-satisfaction", year=2026)
    questions = _by_code(definition)
    assert definition["anonymous"] is True
    assert definition["audience"] == "gp_members"
    ratings = {code: questions[code]["text"] for code in ("T1", "T2", "T3")}
    assert ratings == {
        "T1": "Welk rapportcijfer geeft u deze zorgverzekeraar voor de inhoud van het contract?",
        "T2": "Welk rapportcijfer geeft u deze zorgverzekeraar voor het contracteringsproces?",
        "T3": "Welk rapportcijfer geeft u deze zorgverzekeraar voor de mogelijkheden voor maatwerkafspraken?",
    }
    for code in ratings:
        assert (questions[code]["kind"], questions[code]["repeat"], questions[code]["required"]) == \
            ("scale10", "insurer", True)
    # The seed's three main knelpunten come first.
    assert [o["label"] for o in questions["K1"]["options"]][:3] == [
        "Het uitblijven van structurele financiering voor innovaties", "Te lage tarieven",
        "Het ontbreken van maatwerkmogelijkheden"]
    # A fail for an insurer's process asks what that insurer should improve (per insurer, as the rating is).
    assert (questions["T5"]["show_if"], questions["T5"]["show_if_values"], questions["T5"]["repeat"]) == \
        ("T2", ["1", "2", "3", "4", "5"], "insurer")
    # Choosing "Anders" reveals the question about it.
    assert (questions["K2"]["show_if"], questions["K2"]["show_if_values"]) == ("K1", ["anders"])


def test_evaluation_survey_is_the_insurers_of_its_contractants():
    definition = template_definition("insurer-evaluation", year=2026)
    assert (definition["kind"], definition["audience"]) == ("evaluation", "contractants")
    questions = _by_code(definition)
    assert (questions["E6"]["show_if"], questions["E6"]["show_if_values"]) == ("E5", ["1", "2"])


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_well_formed(key):
    definition = template_definition(key, year=2026)
    questions = template_questions(definition)
    codes = [q["code"] for q in questions]
    assert len(codes) == len(set(codes))
    assert all(len(code) <= 20 for code in codes)
    assert "{jaar}" not in str(definition) and "{vorig_jaar}" not in str(definition)
    seen = {}
    for question in questions:
        values = [o["value"] for o in question["options"]]
        assert len(values) == len(set(values)), question["code"]
        assert all(len(v) <= 60 for v in values + [r["value"] for r in question["rows"]])
        if question["show_if"]:
            # A condition names an earlier question and answers it can have.
            earlier = seen[question["show_if"]]
            if earlier["kind"] in ("scale5", "scale10"):
                answers = {str(n) for n in range(1, 11 if earlier["kind"] == "scale10" else 6)}
            else:
                answers = {o["value"] for o in earlier["options"]}
            assert set(question["show_if_values"]) <= answers, question["code"]
        seen[question["code"]] = question
    for code in PREFILL.get(key, {}):
        assert code in seen


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_a_valid_definition_and_makes_its_survey(key, db):
    from datetime import datetime

    from contracting.calendar import AMSTERDAM
    from surveys.definitions import definition_errors
    from surveys.services import survey_create_from_definition
    from tests.factories import InsurerFactory

    definition = template_definition(key, year=2027)
    assert definition_errors(definition) == []
    owner = InsurerFactory() if key == "insurer-evaluation" else None
    survey = survey_create_from_definition(actor=None, definition=definition, year=2027, owner_insurer=owner,
                                           opens_at=datetime(2027, 1, 5, 9, tzinfo=AMSTERDAM),
                                           closes_at=datetime(2027, 2, 1, tzinfo=AMSTERDAM))
    questions = list(survey.questions.order_by("position").select_related("show_if"))
    assert [q.code for q in questions] == [q["code"] for q in template_questions(definition)]
    assert survey.kind == definition["kind"] and survey.anonymous == definition["anonymous"]
    # Conditions point at the question the template names.
    assert {q.code: getattr(q.show_if, "code", None) for q in questions} == \
        {q["code"]: q["show_if"] for q in template_questions(definition)}
