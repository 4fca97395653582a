"""surveys.results: figures per question and group, and the anonymity threshold on every group (a split, a
filter, an overlapping group, a cross-tab, a sub-report), including groups withheld so that no small group is
the total minus the shown ones. Expected figures are worked out by hand in the comments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import PortalError
from surveys.models import Question, Response, Survey
from surveys.results import survey_crosstab, survey_crosstabs, survey_results, survey_results_views, withheld
from surveys.selectors import series_survey
from tests.factories import InsurerFactory, RegionFactory

from .builders import YES_NO, make_question, make_survey, many, per, respond

pytestmark = pytest.mark.django_db


def figures(group):
    """What a reader of one group sees: n, {option: (count, percent)}, mean; or the note alone."""
    if not group.shown:
        return group.note
    return group.n, {c.value: (c.count, c.percent) for c in group.cells if c.count}, group.mean


def by_label(block):
    return {g.label: figures(g) for g in block.groups}


@pytest.fixture
def regions():
    return RegionFactory(name="Amsterdam"), RegionFactory(name="Brabant"), RegionFactory(name="Groningen")


@pytest.fixture
def yes_no_survey(regions):
    """12 responses to Q1 (ja/nee): Amsterdam 7 (5 ja, 2 nee), Brabant 3 (1 ja, 2 nee), Groningen 2 (2 ja)."""
    amsterdam, brabant, groningen = regions
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(5, survey, {q1: "ja"}, region=amsterdam.pk, segment="s1")
    many(2, survey, {q1: "nee"}, region=amsterdam.pk, segment="s1")
    many(1, survey, {q1: "ja"}, region=brabant.pk, segment="both")
    many(2, survey, {q1: "nee"}, region=brabant.pk, segment="both")
    many(2, survey, {q1: "ja"}, region=groningen.pk, segment="both")
    # A draft is not a response yet.
    respond(survey, {q1: "nee"}, status=Response.Status.DRAFT, region=groningen.pk, segment="both")
    return survey


def test_the_whole_of_a_question_counts_submitted_responses_only(yes_no_survey):
    results = survey_results(yes_no_survey)
    assert results.responses == 12
    # 8 of 12 ja = 66.7%, 4 of 12 nee = 33.3%.
    assert by_label(results.blocks[0]) == {"Alle antwoorden": (12, {"ja": (8, Decimal("66.7")),
                                                                     "nee": (4, Decimal("33.3"))}, None)}


def test_a_split_shows_no_figure_for_a_group_below_the_threshold(yes_no_survey):
    results = survey_results(yes_no_survey, dimension="region")
    # Brabant 3 and Groningen 2 are below 5; together 5, so nothing more is withheld. Amsterdam: 5 of 7 = 71.4%.
    assert by_label(results.blocks[0]) == {
        "Alle antwoorden": (12, {"ja": (8, Decimal("66.7")), "nee": (4, Decimal("33.3"))}, None),
        "Amsterdam": (7, {"ja": (5, Decimal("71.4")), "nee": (2, Decimal("28.6"))}, None),
        "Brabant": "minder dan 5 antwoorden",
        "Groningen": "minder dan 5 antwoorden",
    }


def test_a_filter_that_narrows_a_big_group_shows_no_figure(yes_no_survey, regions):
    _amsterdam, brabant, _groningen = regions
    results = survey_results(yes_no_survey, dimension="region", value=str(brabant.pk))
    assert [figures(g) for g in results.blocks[0].groups] == ["minder dan 5 antwoorden"]
    # The segment "both" holds Brabant and Groningen: 5 respondents, just enough.
    results = survey_results(yes_no_survey, dimension="segment", value="both")
    assert [figures(g) for g in results.blocks[0].groups] == [(5, {"ja": (3, Decimal("60.0")),
                                                                   "nee": (2, Decimal("40.0"))}, None)]
    # A region nobody answered from is a group of none.
    empty = RegionFactory(name="Zeeland")
    results = survey_results(yes_no_survey, dimension="region", value=str(empty.pk))
    assert [figures(g) for g in results.blocks[0].groups] == ["minder dan 5 antwoorden"]


def test_a_group_is_withheld_too_when_the_total_minus_the_shown_groups_would_reveal_a_small_one(regions):
    amsterdam, brabant, groningen = regions
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(8, survey, {q1: "ja"}, region=amsterdam.pk)
    many(6, survey, {q1: "nee"}, region=brabant.pk)
    many(2, survey, {q1: "ja"}, region=groningen.pk)
    # Groningen (2) is below 5. Showing Amsterdam and Brabant would give Groningen as 16 - 8 - 6 = 2 with both
    # ja: the smallest other group, Brabant (6), is withheld as well; the withheld groups then hold 8.
    split = by_label(survey_results(survey, dimension="region").blocks[0])
    assert split["Amsterdam"] == (8, {"ja": (8, Decimal("100.0"))}, None)
    assert split["Groningen"] == "minder dan 5 antwoorden"
    assert split["Brabant"] == "niet getoond: anders is een groep van minder antwoorden af te leiden"
    # The filter on Brabant decides as the split does.
    filtered = survey_results(survey, dimension="region", value=str(brabant.pk))
    assert [g.shown for g in filtered.blocks[0].groups] == [False]


def test_respondents_without_the_attribute_are_a_group_of_their_own(regions):
    amsterdam, _brabant, _groningen = regions
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(6, survey, {q1: "ja"}, region=amsterdam.pk)
    many(1, survey, {q1: "nee"})
    many(6, survey, {q1: "nee"}, segment="s1")
    # Unknown region: 7 (1 + 6), Amsterdam 6: both shown.
    split = by_label(survey_results(survey, dimension="region").blocks[0])
    assert split["Amsterdam"] == (6, {"ja": (6, Decimal("100.0"))}, None)
    assert split["onbekend"] == (7, {"nee": (7, Decimal("100.0"))}, None)
    # By segment: s1 6 shown would leave the 7 without a segment = the total minus s1: that group is 7, fine.
    split = by_label(survey_results(survey, dimension="segment").blocks[0])
    assert split["alleen S1"] == (6, {"nee": (6, Decimal("100.0"))}, None)


def test_the_whole_below_the_threshold_shows_nothing():
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(4, survey, {q1: "ja"}, segment="s1")
    results = survey_results(survey, dimension="segment")
    assert results.responses is None
    assert [figures(g) for g in results.blocks[0].groups] == ["minder dan 5 antwoorden"]


def test_a_group_of_those_contracted_by_an_insurer_needs_enough_outside_it_too():
    x, y = InsurerFactory(), InsurerFactory()
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(9, survey, {q1: "ja"}, insurers=[x.pk, y.pk])
    many(3, survey, {q1: "nee"}, insurers=[y.pk])
    # Contracted by X: 9, but the other 3 would be the total (12) minus these 9: withheld.
    groups = survey_results(survey, dimension="insurer", value=str(x.pk)).blocks[0].groups
    assert [figures(g) for g in groups] == ["niet getoond: anders is een groep van minder antwoorden af te leiden"]
    # Contracted by Y: all 12, nobody outside: shown.
    groups = survey_results(survey, dimension="insurer", value=str(y.pk)).blocks[0].groups
    assert [figures(g) for g in groups] == [(12, {"ja": (9, Decimal("75.0")), "nee": (3, Decimal("25.0"))}, None)]
    many(2, survey, {q1: "nee"}, insurers=[y.pk])
    # Now 9 with X and 5 without: both at least 5.
    groups = survey_results(survey, dimension="insurer", value=str(x.pk)).blocks[0].groups
    assert [figures(g) for g in groups] == [(9, {"ja": (9, Decimal("100.0"))}, None)]


def test_scales_numbers_matrices_and_free_text():
    survey = make_survey(threshold=3)
    grade = make_question(survey, "Q2", Question.Kind.SCALE10, options=[{"value": "1", "label": "zeer slecht"}])
    size = make_question(survey, "Q3", Question.Kind.NUMBER)
    themes = make_question(survey, "Q4", Question.Kind.MATRIX, options=YES_NO,
                           rows=[{"value": "tijd", "label": "Meer tijd"}, {"value": "ict", "label": "ICT"}])
    remark = make_question(survey, "Q5", Question.Kind.TEXT)
    respond(survey, {grade: 7, size: 2500, themes: {"tijd": "ja", "ict": "nee"}, remark: "Mijn naam is Jansen"})
    respond(survey, {grade: 8, size: 3000, themes: {"tijd": "ja"}, remark: "Goed"})
    respond(survey, {grade: 6, size: 4100, themes: {"tijd": "nee", "ict": "nee"}})
    blocks = {b.title: b for b in survey_results(survey).blocks}
    # Mean grade (7 + 8 + 6) / 3 = 7.0; the scale's rows are 1..10, the end label kept.
    block = blocks["Q2. Vraag Q2"]
    assert figures(block.groups[0]) == (3, {"6": (1, Decimal("33.3")), "7": (1, Decimal("33.3")),
                                            "8": (1, Decimal("33.3"))}, Decimal("7.0"))
    assert block.options[0] == ("1", "1 (zeer slecht)") and len(block.options) == 10
    # Mean size (2500 + 3000 + 4100) / 3 = 3200.0.
    assert figures(blocks["Q3. Vraag Q3"].groups[0]) == (3, {}, Decimal("3200.0"))
    # Each theme is its own group: "tijd" 3 answers (2 ja), "ict" 2 answers: below 3.
    assert figures(blocks["Q4. Vraag Q4 — Meer tijd"].groups[0]) == (3, {"ja": (2, Decimal("66.7")),
                                                                          "nee": (1, Decimal("33.3"))}, None)
    assert figures(blocks["Q4. Vraag Q4 — ICT"].groups[0]) == "minder dan 3 antwoorden"
    # Free text: 2 answers, below 3; and no text is ever part of the results.
    assert figures(blocks["Q5. Vraag Q5"].groups[0]) == "minder dan 3 antwoorden"
    assert "Jansen" not in repr(survey_results(survey))


def test_a_sub_report_holds_the_answers_about_that_insurer_only():
    mine, other = InsurerFactory(name="Zilveren Kruis"), InsurerFactory(name="VGZ")
    survey = make_survey(kind=Survey.Kind.GP_SATISFACTION)
    content = make_question(survey, "1", Question.Kind.SCALE10, repeat=Question.Repeat.INSURER)
    make_question(survey, "2", Question.Kind.TEXT)
    # 6 GPs rate Zilveren Kruis (grades 5, 6, 7, 8, 9, 7: mean 42 / 6 = 7.0); 3 of them rate VGZ too (4 each).
    for grade in (5, 6, 7):
        respond(survey, {content: per({mine.pk: grade, other.pk: 4})})
    for grade in (8, 9, 7):
        respond(survey, {content: per({mine.pk: grade})})
    results = survey_results(survey, insurer=mine)
    assert [b.question.code for b in results.blocks] == ["1"]
    assert results.responses == 6
    assert figures(results.blocks[0].groups[0])[2] == Decimal("7.0")
    results = survey_results(survey, insurer=other)
    assert results.responses is None
    assert figures(results.blocks[0].groups[0]) == "minder dan 5 antwoorden"
    # The full results show each insurer on its own, never pooled (a GP rating two insurers is not two GPs).
    full = survey_results(survey)
    assert [(b.repeat_label, figures(b.groups[0])) for b in full.blocks if b.question.code == "1"] == [
        ("VGZ", "minder dan 5 antwoorden"),
        ("Zilveren Kruis", (6, {"5": (1, Decimal("16.7")), "6": (1, Decimal("16.7")), "7": (2, Decimal("33.3")),
                                "8": (1, Decimal("16.7")), "9": (1, Decimal("16.7"))}, Decimal("7.0"))),
    ]


def test_a_cross_tab_decides_each_row_as_a_group():
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    q2 = make_question(survey, "Q2", Question.Kind.SCALE5)
    many(6, survey, {q1: "ja", q2: 4})
    many(2, survey, {q1: "nee", q2: 1})
    many(4, survey, {q2: 2})
    results = survey_crosstab(survey, rows="Q1", columns="Q2")
    # Q2 by the answer to Q1: ja 6 (mean 4.0); nee 2 is below 5; no answer to Q1 (4) below 5 as well, and the
    # two withheld groups hold 6 together, so ja stays shown. All: (24 + 2 + 8) / 12 = 2.8333 -> 2.8.
    assert by_label(results.blocks[0]) == {
        "Alle antwoorden": (12, {"1": (2, Decimal("16.7")), "2": (4, Decimal("33.3")), "4": (6, Decimal("50.0"))},
                            Decimal("2.8")),
        "Ja": (6, {"4": (6, Decimal("100.0"))}, Decimal("4.0")),
        "Nee": "minder dan 5 antwoorden",
        "geen antwoord": "minder dan 5 antwoorden",
    }


def test_a_cross_tab_withholds_a_second_row_when_one_small_row_would_follow_from_the_total():
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    q2 = make_question(survey, "Q2", Question.Kind.SINGLE, options=YES_NO)
    many(10, survey, {q1: "ja", q2: "ja"})
    many(6, survey, {q1: "nee", q2: "nee"})
    many(1, survey, {q2: "nee"})
    # "geen antwoord" (1) is small; the smallest other row, Nee (6), is withheld with it.
    split = by_label(survey_crosstab(survey, rows="Q1", columns="Q2").blocks[0])
    assert split["Ja"] == (10, {"ja": (10, Decimal("100.0"))}, None)
    assert split["Nee"] == "niet getoond: anders is een groep van minder antwoorden af te leiden"
    assert split["geen antwoord"] == "minder dan 5 antwoorden"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"dimension": "leeftijd"}, "unknown_dimension"),
    ({"value": "s1"}, "value_without_dimension"),
    ({"dimension": "segment", "value": "s9"}, "unknown_value"),
    ({"dimension": "region", "value": "Amsterdam"}, "unknown_value"),
    ({"dimension": "insurer"}, "insurer_needs_value"),
])
def test_a_view_asked_for_wrongly_gets_a_clear_message(kwargs, code):
    survey = make_survey()
    with pytest.raises(PortalError) as exc:
        survey_results(survey, **kwargs)
    assert exc.value.code == code and exc.value.detail


def test_a_cross_tab_asked_for_wrongly_gets_a_clear_message():
    survey = make_survey()
    make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    make_question(survey, "Q2", Question.Kind.TEXT)
    make_question(survey, "Q3", Question.Kind.SCALE10, repeat=Question.Repeat.INSURER)
    for rows, columns, code in [("Q1", "Q2", "unknown_question"), ("Q1", "Q1", "same_question"),
                                ("Q1", "Q3", "repeat_mismatch"), ("", "Q1", "unknown_question")]:
        with pytest.raises(PortalError) as exc:
            survey_crosstab(survey, rows=rows, columns=columns)
        assert exc.value.code == code


def test_an_open_survey_has_no_results_yet():
    survey = make_survey(status=Survey.Status.PUBLISHED, closes_at=timezone.now() + timedelta(days=3))
    q1 = make_question(survey, "Q1", Question.Kind.SINGLE, options=YES_NO)
    many(6, survey, {q1: "ja"})
    results = survey_results(survey)
    assert not results.available and results.blocks == [] and results.responses is None


@pytest.mark.parametrize(("sizes", "expected"), [
    ({"a": 10, "b": 10}, {}),
    ({"a": 10, "b": 3, "c": 2}, {"b": "small", "c": "small"}),
    ({"a": 10, "b": 7, "c": 2}, {"c": "small", "b": "complement"}),
    ({"a": 6, "b": 6, "c": 1, "d": 1}, {"c": "small", "d": "small", "a": "complement"}),
])
def test_withheld_groups_of_a_partition(sizes, expected):
    assert withheld(sizes, sum(sizes.values()), 5, overlapping=False) == expected


def test_a_cross_tab_by_a_scale_and_of_questions_asked_per_insurer():
    mine, other = InsurerFactory(name="Zilveren Kruis"), InsurerFactory(name="VGZ")
    survey = make_survey()
    content = make_question(survey, "1", Question.Kind.SCALE5, repeat=Question.Repeat.INSURER)
    process = make_question(survey, "2", Question.Kind.SINGLE, options=YES_NO, repeat=Question.Repeat.INSURER)
    # About Zilveren Kruis: 5 GPs give 4 and ja, 5 give 2 and nee. About VGZ the same GPs give the reverse: the
    # rows must match per repetition, not per respondent.
    many(5, survey, {content: per({mine.pk: 4, other.pk: 2}), process: per({mine.pk: "ja", other.pk: "ja"})})
    many(5, survey, {content: per({mine.pk: 2, other.pk: 4}), process: per({mine.pk: "nee", other.pk: "nee"})})
    results = survey_crosstab(survey, rows="1", columns="2", insurer=mine)
    assert by_label(results.blocks[0]) == {
        "Alle antwoorden": (10, {"ja": (5, Decimal("50.0")), "nee": (5, Decimal("50.0"))}, None),
        "2": (5, {"nee": (5, Decimal("100.0"))}, None),
        "4": (5, {"ja": (5, Decimal("100.0"))}, None),
    }
    full = survey_crosstab(survey, rows="1", columns="2")
    assert [(b.repeat_label, by_label(b)["4"]) for b in full.blocks] == [
        ("VGZ", (5, {"nee": (5, Decimal("100.0"))}, None)),
        ("Zilveren Kruis", (5, {"ja": (5, Decimal("100.0"))}, None)),
    ]


def test_a_question_asked_per_care_group_is_reported_per_care_group_by_name():
    from tests.factories import CareGroupFactory

    north, south = CareGroupFactory(name="Zorggroep Noord"), CareGroupFactory(name="Zorggroep Zuid")
    survey = make_survey(kind=Survey.Kind.NZA_INSURER, threshold=2, anonymous=False)
    rating = make_question(survey, "9", Question.Kind.SCALE10, repeat=Question.Repeat.CARE_GROUP)
    # Two insurers rate Zorggroep Noord (6 and 8: mean 7.0); one rates Zorggroep Zuid.
    respond(survey, {rating: per({north.pk: 6, south.pk: 9})})
    respond(survey, {rating: per({north.pk: 8})})
    blocks = survey_results(survey).blocks
    assert [(b.repeat_label, figures(b.groups[0])[0] if b.groups[0].shown else b.groups[0].note)
            for b in blocks] == [("Zorggroep Noord", 2), ("Zorggroep Zuid", "minder dan 2 antwoorden")]
    assert blocks[0].groups[0].mean == Decimal("7.0")


def _seen(results):
    return [(b.question.code, b.repeat_key, b.row, [(g.key, figures(g)) for g in b.groups]) for b in results.blocks]


def test_several_views_at_once_are_each_the_view_alone(yes_no_survey, regions):
    amsterdam = regions[0]
    zk = InsurerFactory(name="Zilveren Kruis")
    q2 = make_question(yes_no_survey, "Q2", Question.Kind.SCALE10)
    many(6, yes_no_survey, {q2: 7}, region=amsterdam.pk, segment="s2", insurers=[zk.pk])
    views = [("", ""), ("region", ""), ("segment", "s1"), ("insurer", str(zk.pk))]
    together = survey_results_views(yes_no_survey, views=views)
    for dimension, value in views:
        alone = survey_results(yes_no_survey, dimension=dimension, value=value)
        assert _seen(together[(dimension, value)]) == _seen(alone), (dimension, value)
        assert together[(dimension, value)].responses == alone.responses == 18
    # Only some questions: the same blocks of those questions.
    [(key, only_q2)] = survey_results_views(yes_no_survey, views=[("region", "")], codes=["Q2"]).items()
    assert _seen(only_q2) == [b for b in _seen(survey_results(yes_no_survey, dimension="region")) if b[0] == "Q2"]
    with pytest.raises(PortalError):
        survey_results_views(yes_no_survey, views=[("insurer", "")])


def test_cross_tabs_of_several_questions_at_once_are_each_the_cross_tab_alone():
    survey = make_survey()
    q1 = make_question(survey, "Q1", Question.Kind.MULTIPLE, options=[{"value": "s1"}, {"value": "s2"}])
    q2 = make_question(survey, "Q2", Question.Kind.SINGLE, options=YES_NO)
    q3 = make_question(survey, "Q3", Question.Kind.SCALE10)
    many(6, survey, {q1: ["s1"], q2: "ja", q3: 8})
    many(5, survey, {q1: ["s1", "s2"], q2: "nee", q3: 4})
    many(2, survey, {q1: ["s2"], q2: "nee"})
    together = survey_crosstabs(survey, rows="Q1", columns=["Q2", "Q3"])
    for code in ("Q2", "Q3"):
        assert _seen(together[code]) == _seen(survey_crosstab(survey, rows="Q1", columns=code))
    # Q2 by Q1: s1 11 (6 ja, 5 nee; 2 outside, fewer than 5: withheld); s2 7 (all nee; 6 outside: shown).
    q2_groups = {g.key: g for g in together["Q2"].blocks[0].groups}
    assert (q2_groups["s1"].shown, figures(q2_groups["s2"])) == (False, (7, {"nee": (7, Decimal("100.0"))}, None))


def test_the_years_survey_of_a_series_is_the_newest_closed_else_the_open_one():
    now = timezone.now()
    assert series_survey(series="reeks", year=2026, now=now) is None
    make_survey(series="reeks", year=2026, status=Survey.Status.DRAFT)
    make_survey(series="reeks", year=2025)
    assert series_survey(series="reeks", year=2026, now=now) is None
    running = make_survey(series="reeks", year=2026, status=Survey.Status.PUBLISHED,
                          closes_at=now + timedelta(days=3))
    assert series_survey(series="reeks", year=2026, now=now) == running
    closed = make_survey(series="reeks", year=2026)
    make_survey(series="andere-reeks", year=2026)
    assert series_survey(series="reeks", year=2026, now=now) == closed
    # Once the running one has closed (published, past its closing moment), it is the newest with results.
    assert series_survey(series="reeks", year=2026, now=now + timedelta(days=4)) == running
