"""The survey indicators of the monitor on small closed surveys built from the portal's own templates, with every
expected value worked out by hand below; a group under the threshold is withheld in every cut."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import RegionalMeeting, RegionalMeetingInvitation
from monitor.indicators import Context, Dims, get_indicator
from providers.models import CareGroup
from surveys.models import Survey
from surveys.services import survey_create_from_definition
from surveys.templates_data import template_definition
from tests.factories import CareGroupFactory, InsurerFactory, PracticeFactory, RegionFactory
from tests.surveys.builders import per, respond

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
YEAR = 2026
# The surveys closed at the end of 31 March 2026; the monitor runs on 1 December.
OPENS, CLOSES = datetime(2026, 3, 1, 9, 0, tzinfo=AMS), datetime(2026, 4, 1, 0, 0, tzinfo=AMS)
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=AMS)
CTX = Context(year=YEAR, now=NOW)


def closed_survey(key: str, *, threshold: int, year: int = YEAR, closes_at=CLOSES) -> Survey:
    survey = survey_create_from_definition(actor=None, definition=template_definition(key, year=year), year=year,
                                           opens_at=OPENS, closes_at=closes_at)
    status = Survey.Status.CLOSED if closes_at <= NOW else Survey.Status.PUBLISHED
    Survey.objects.filter(pk=survey.pk).update(threshold=threshold, status=status)
    survey.refresh_from_db()
    return survey


def questions(survey: Survey) -> dict:
    return {q.code: q for q in survey.questions.all()}


def cuts_of(code: str, ctx: Context = CTX) -> dict:
    return {cut.dims: cut.value for cut in get_indicator(code).compute(ctx)}


def rows(value: dict) -> dict:
    return {r["key"]: r for r in value["rows"]}


@pytest.fixture
def world():
    class W:
        pass

    w = W()
    w.zk, w.vgz = InsurerFactory(name="Zilveren Kruis"), InsurerFactory(name="VGZ")
    w.noord, w.zuid = RegionFactory(name="Noord"), RegionFactory(name="Zuid")
    return w


@pytest.fixture
def provider_survey(world):
    """The NZa provider survey, threshold 3, nine respondents in three kinds:
    A x4: vraag 1 S1 and S2, practice in a care group ("both"), Noord, contracted by Zilveren Kruis;
    B x3: vraag 1 S1, practice only ("gp"), Noord, contracted by Zilveren Kruis and VGZ;
    C x2: vraag 1 S2, care group, Zuid, contracted by VGZ.
    Groups: segment S1 = A+B 7 (S2 = A+C 6); provider type both 4, gp 3, care group 2; Noord 7, Zuid 2;
    Zilveren Kruis A+B 7, VGZ B+C 5."""
    survey = closed_survey("nza-provider", threshold=3)
    q = questions(survey)
    kinds = [
        (4, ["s1", "s2"], "both", world.noord, [world.zk.pk],
         {"Q9": "nee", "Q13": "gehonoreerd", "Q19": 8, "Q17": {"meer-tijd": "5", "kwetsbare-ouderen": "3"},
          "Q17b": {"meer-tijd": "1"}}),
        (3, ["s1"], "gp", world.noord, [world.zk.pk, world.vgz.pk],
         {"Q9": "ja", "Q13": "geen-verzoek", "Q19": 4, "Q17": {"meer-tijd": "4"}, "Q17b": {"meer-tijd": "2"}}),
        (2, ["s2"], "care_group", world.zuid, [world.vgz.pk],
         {"Q9": "nee", "Q13": "niet-gehonoreerd", "Q19": 6, "Q17": {"meer-tijd": "2"}}),
    ]
    for n, q1, provider_type, region, insurers, answers in kinds:
        for _ in range(n):
            respond(survey, {q["Q1"]: q1, **{q[code]: value for code, value in answers.items()}},
                    segment="both", provider_type=provider_type, region=region.pk, insurers=insurers)
    return survey


def test_policy_transparency_per_option_with_the_threshold_in_every_cut(world, provider_survey):
    cuts = cuts_of("survey_policy_transparent")
    national = cuts[Dims()]
    # Vraag 9: B (3) ja, A (4) and C (2) nee: 3/9 = 33.3%, 6/9 = 66.7%; the headline is "nee".
    assert (rows(national)["ja"]["cells"], rows(national)["nee"]["cells"]) == (
        {"count": 3, "percent": 33.3}, {"count": 6, "percent": 66.7})
    assert (national["n"], national["headline"]["value"]) == (9, 66.7)
    # Segment 2 (A + C, 6; the 3 outside are not fewer than 3): all nee.
    s2 = cuts[Dims(segment="s2")]
    assert (s2["n"], rows(s2)["nee"]["cells"], s2["headline"]["value"]) == (6, {"count": 6, "percent": 100.0}, 100.0)
    # VGZ (B + C, 5; 4 outside): ja 3/5 = 60%, nee 2/5 = 40%.
    vgz = cuts[Dims(insurer=world.vgz.pk)]
    assert (vgz["n"], rows(vgz)["ja"]["cells"]["percent"], vgz["headline"]["value"]) == (5, 60.0, 40.0)
    # Practice in a care group (A, 4): shown, all nee.
    assert rows(cuts[Dims(provider_type="both")])["nee"]["cells"] == {"count": 4, "percent": 100.0}
    # Withheld: segment 1 (7, but the 2 outside it are fewer than 3), care groups (2) and practices only (3:
    # otherwise the care groups are the whole minus the others), Zuid (2) and Noord (7, the whole minus Zuid),
    # Zilveren Kruis (7, with 2 outside).
    for dims, note in [(Dims(segment="s1"), "niet getoond"), (Dims(provider_type="care_group"), "minder dan 3"),
                       (Dims(provider_type="gp"), "niet getoond"), (Dims(region=world.zuid.pk), "minder dan 3"),
                       (Dims(region=world.noord.pk), "niet getoond"), (Dims(insurer=world.zk.pk), "niet getoond")]:
        value = cuts[dims]
        assert value["headline"] is None and value["n"] is None, dims
        assert all(r["withheld"] and not r["cells"] and r["note"].startswith(note) for r in value["rows"]), dims


def test_innovation_requests_tabel_5_1(world, provider_survey):
    national = cuts_of("survey_innovation_requests")[Dims()]
    # Vraag 13: geen verzoek 3 (B) 33.3%, niet gehonoreerd 2 (C) 22.2%, gedeeltelijk 0, gehonoreerd 4 (A) 44.4%.
    assert {k: r["cells"]["count"] for k, r in rows(national).items()} == {
        "geen-verzoek": 3, "niet-gehonoreerd": 2, "gedeeltelijk": 0, "gehonoreerd": 4}
    assert rows(national)["gehonoreerd"]["cells"]["percent"] == 44.4
    # Of the 9 - 3 = 6 who asked, 0 + 4 were (partly) honoured: 66.7%.
    assert national["headline"]["value"] == 66.7


def test_fact_base_tabel_6_1_split_by_provider_type(world, provider_survey):
    cuts = cuts_of("survey_fact_base_coordinated")
    national = cuts[Dims()]
    # Vraag 19: A 4 x 8, B 3 x 4, C 2 x 6: (32 + 12 + 12) / 9 = 6.22 -> 6.2; 4: 3/9 33.3%, 6: 22.2%, 8: 44.4%.
    whole = rows(national)["all"]["cells"]
    assert (whole["n"], whole["mean"], whole["4"], whole["6"], whole["8"], whole["1"]) == (9, 6.2, 33.3, 22.2, 44.4, 0)
    assert national["headline"]["value"] == 6.2
    # The report's split: both (A, 4) mean 8.0; care groups (2) and practices only (3) withheld.
    split = rows(national)
    assert (split["both"]["cells"]["mean"], split["care_group"]["withheld"], split["gp"]["withheld"]) == (
        8.0, True, True)
    assert [r["key"] for r in national["rows"]] == ["all", "gp", "care_group", "both"]
    # Region Noord is withheld here too (the whole minus Zuid's 2).
    assert cuts[Dims(region=world.noord.pk)]["rows"][0]["withheld"]
    # Not cut by segment (the report splits Tabel 6.1 by provider type only).
    assert not any(dims.segment for dims in cuts)


def test_themes_tabel_6_5(world, provider_survey):
    cuts = cuts_of("survey_themes_room")
    national = cuts[Dims()]
    themes = rows(national)
    # Meer tijd: 9 answers: "2" 2 (22.2%), "4" 3 (33.3%), "5" 4 (44.4%). Kwetsbare ouderen: A's 4, all "3".
    assert themes["meer-tijd"]["cells"] == {"n": 9, "1": 0.0, "2": 22.2, "3": 0.0, "4": 33.3, "5": 44.4}
    assert themes["kwetsbare-ouderen"]["cells"]["3"] == 100.0
    # A theme nobody answered has no figure.
    assert themes["ehealth"]["withheld"]
    # Headline: columns 4 and 5 over the two shown themes: (7/9 + 0/4) / 2 = 38.9%.
    assert national["headline"]["value"] == 38.9
    # Each theme is its own whole. Meer tijd in Noord (7) is withheld: Zuid has 2, the whole minus Noord. Kwetsbare
    # ouderen was answered in Noord only (A's 4): Noord is the whole, shown; the headline reads that theme alone
    # (0 of 4 in columns 4 and 5).
    noord = rows(cuts[Dims(region=world.noord.pk)])
    assert noord["meer-tijd"]["withheld"] and noord["meer-tijd"]["note"].startswith("niet getoond")
    assert noord["kwetsbare-ouderen"]["cells"]["n"] == 4
    assert cuts[Dims(region=world.noord.pk)]["headline"]["value"] == 0.0
    assert rows(cuts[Dims(region=world.zuid.pk)])["meer-tijd"]["note"] == "minder dan 3 antwoorden"
    # Practices in a care group (A, 4): meer tijd all column 5.
    assert rows(cuts[Dims(provider_type="both")])["meer-tijd"]["cells"]["5"] == 100.0


def test_obstacles_per_theme_tabel_6_6(world, provider_survey):
    cuts = cuts_of("survey_themes_obstacles")
    national = cuts[Dims()]
    # Vraag 17b on "meer tijd", by those who chose column 4 or 5 at vraag 17: A (4) category 1, B (3) category 2:
    # 4/7 = 57.1%, 3/7 = 42.9%; the headline counts the 7 answers of the one shown theme.
    assert rows(national)["meer-tijd"]["cells"] == {"n": 7, "1": 57.1, "2": 42.9, "3": 0.0, "4": 0.0}
    assert national["headline"]["value"] == 7
    # VGZ: B's 3 answers (the 4 outside it are enough), all category 2. Zilveren Kruis: all 7, nobody outside.
    assert rows(cuts[Dims(insurer=world.vgz.pk)])["meer-tijd"]["cells"]["2"] == 100.0
    assert rows(cuts[Dims(insurer=world.zk.pk)])["meer-tijd"]["cells"]["n"] == 7


def test_the_insurers_per_care_group_tabel_6_2(world):
    survey = closed_survey("nza-insurer", threshold=1)
    q = questions(survey)
    g1, g2 = CareGroupFactory(name="Zorggroep Een"), CareGroupFactory(name="Zorggroep Twee")
    respond(survey, {q["V18"]: per({g1.pk: 7, g2.pk: 8})}, care_groups=[g1.pk, g2.pk])
    respond(survey, {q["V18"]: per({g1.pk: 5})}, care_groups=[g1.pk])
    [cut] = get_indicator("survey_fact_base_coordinated_insurers").compute(CTX)
    by_key = rows(cut.value)
    # Zorggroep Een: (7 + 5) / 2 = 6.0 from 2 insurers; Twee: 8.0 from 1; the mean over them (6.0 + 8.0) / 2 = 7.0.
    assert by_key[f"care_group:{g1.pk}"]["cells"] == {"mean": 6.0, "n": 2}
    assert (by_key[f"care_group:{g2.pk}"]["label"], by_key[f"care_group:{g2.pk}"]["cells"]) == (
        "Zorggroep Twee", {"mean": 8.0, "n": 1})
    assert cut.value["headline"]["value"] == 7.0


def test_satisfaction_per_insurer_sub_report_and_region(world):
    survey = closed_survey("gp-satisfaction", threshold=3)
    t1 = questions(survey)["T1"]
    both = [world.zk.pk, world.vgz.pk]
    for _ in range(3):
        respond(survey, {t1: per({world.zk.pk: 8, world.vgz.pk: 5})}, region=world.noord.pk, provider_type="gp",
                insurers=both)
    for _ in range(2):
        respond(survey, {t1: per({world.zk.pk: 6})}, region=world.zuid.pk, provider_type="gp", insurers=[world.zk.pk])
    respond(survey, {t1: per({world.zk.pk: 4, world.vgz.pk: 7})}, region=world.zuid.pk, provider_type="both",
            insurers=both)
    cuts = cuts_of("satisfaction_content")
    national = cuts[Dims()]
    # Zilveren Kruis: (3 x 8 + 2 x 6 + 4) / 6 = 6.67 -> 6.7; VGZ (3 x 5 + 7) / 4 = 5.5; by name, VGZ first.
    assert [(r["label"], r["insurer"], r["cells"]) for r in national["rows"]] == [
        ("VGZ", world.vgz.pk, {"mean": 5.5, "n": 4}), ("Zilveren Kruis", world.zk.pk, {"mean": 6.7, "n": 6})]
    # The insurers' unweighted mean: (6.7 + 5.5) / 2 = 6.1 (never the 10 ratings pooled).
    assert national["headline"]["value"] == 6.1
    assert cuts[Dims(insurer=world.zk.pk)]["headline"]["value"] == 6.7
    # Noord: Zilveren Kruis 3 x 8 = 8.0; VGZ Noord 3 is withheld, as VGZ Zuid has 1 (the whole minus Noord).
    noord = rows(cuts[Dims(region=world.noord.pk)])
    assert noord[f"insurer:{world.zk.pk}"]["cells"] == {"mean": 8.0, "n": 3}
    assert noord[f"insurer:{world.vgz.pk}"]["withheld"]
    assert cuts[Dims(region=world.noord.pk)]["headline"]["value"] == 8.0
    # The overlegteam's view: Zilveren Kruis in Zuid, (6 + 6 + 4) / 3 = 5.3; VGZ in Noord nothing.
    assert cuts[Dims(insurer=world.zk.pk, region=world.zuid.pk)]["headline"]["value"] == 5.3
    vgz_noord = cuts[Dims(insurer=world.vgz.pk, region=world.noord.pk)]
    assert vgz_noord["headline"] is None and vgz_noord["rows"][0]["withheld"]
    # Provider type: Zilveren Kruis' one "both" rating is fewer than 3, so its 5 "gp" ratings are withheld too.
    assert rows(cuts[Dims(provider_type="gp")])[f"insurer:{world.zk.pk}"]["withheld"]


def test_an_open_survey_gives_no_results_yet_and_a_missing_one_says_so(world):
    open_survey = closed_survey("gp-satisfaction", threshold=3, closes_at=datetime(2026, 12, 15, tzinfo=AMS))
    respond(open_survey, {questions(open_survey)["T1"]: per({world.zk.pk: 9})}, region=world.noord.pk)
    [cut] = get_indicator("satisfaction_process").compute(CTX)
    assert cut.dims == Dims() and cut.value["rows"] == [] and cut.value["headline"] is None
    # Closes at 00:00 on 15 December: the last day is 14 December.
    assert cut.value["notes"] == ["Nog geen resultaten: de enquête sluit op 14 december 2026."]
    [cut] = get_indicator("survey_policy_transparent").compute(CTX)
    assert cut.value["notes"] == ["Geen enquête voor 2026."]


def test_last_years_survey_does_not_report_this_year(world, provider_survey):
    cuts = cuts_of("survey_policy_transparent", Context(year=YEAR + 1, now=NOW))
    assert list(cuts) == [Dims()] and cuts[Dims()]["notes"] == ["Geen enquête voor 2027."]


def test_regional_meetings_in_the_portal(world):
    start = datetime(2026, 2, 10, 19, 0, tzinfo=AMS)

    def meeting(insurer, region, *, status=RegionalMeeting.Status.PLANNED, starts_at=start, year=YEAR):
        return RegionalMeeting.objects.create(insurer=insurer, region=region, year=year, title="Toelichting",
                                              starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                                              status=status, created_at=start - timedelta(days=30))

    def invite(m, holder, attended):
        kind = "care_group" if isinstance(holder, CareGroup) else "practice"
        RegionalMeetingInvitation.objects.create(meeting=m, invited_at=start - timedelta(days=20),
                                                 attended=attended, **{kind: holder})

    p1, p2, p3 = (PracticeFactory(region=world.noord) for _ in range(3))
    group = CareGroupFactory(region=world.zuid)
    zk_noord_1, zk_noord_2 = meeting(world.zk, world.noord), meeting(world.zk, world.noord)
    for p, present in ((p1, True), (p2, False), (p3, None)):
        invite(zk_noord_1, p, present)
    invite(zk_noord_2, p1, True)  # the same practice at a second meeting counts once
    vgz_zuid = meeting(world.vgz, world.zuid)
    invite(vgz_zuid, group, True)
    # Not counted: a cancelled meeting, one that has not started by the run, one about another year.
    invite(meeting(world.vgz, world.zuid, status=RegionalMeeting.Status.CANCELLED), PracticeFactory(), True)
    meeting(world.vgz, world.noord, starts_at=datetime(2026, 12, 10, 19, 0, tzinfo=AMS))
    meeting(world.zk, world.zuid, year=YEAR + 1)

    cuts = cuts_of("regional_meetings_portal")
    national = cuts[Dims()]
    # Zilveren Kruis: 2 meetings, 3 practices invited, 1 present (33.3%); VGZ: 1 meeting, 1 of 1 (100%).
    assert [(r["label"], r["insurer"], r["cells"]) for r in national["rows"]] == [
        ("VGZ", world.vgz.pk, {"meetings": 1, "invited": 1, "present": 1, "present_percent": 100.0}),
        ("Zilveren Kruis", world.zk.pk, {"meetings": 2, "invited": 3, "present": 1, "present_percent": 33.3})]
    # Headline: (1 + 1) present of (3 + 1) invited = 50%.
    assert (national["n"], national["headline"]["value"]) == (4, 50.0)
    assert [r["label"] for r in cuts[Dims(insurer=world.zk.pk)]["rows"]] == ["Noord"]
    assert cuts[Dims(region=world.zuid.pk)]["headline"]["value"] == 100.0
    assert set(cuts) == {Dims(), Dims(insurer=world.zk.pk), Dims(insurer=world.vgz.pk), Dims(region=world.noord.pk),
                         Dims(region=world.zuid.pk), Dims(insurer=world.zk.pk, region=world.noord.pk),
                         Dims(insurer=world.vgz.pk, region=world.zuid.pk)}


def _queries(code: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get_indicator(code).compute(CTX)
    return len(ctx.captured_queries)


def test_the_queries_do_not_grow_with_the_responses(world, provider_survey):
    codes = ["survey_policy_transparent", "survey_fact_base_coordinated", "survey_themes_room"]
    before = {code: _queries(code) for code in codes}
    q = questions(provider_survey)
    region = RegionFactory(name="West")
    for i in range(12):
        respond(provider_survey, {q["Q1"]: ["s1"], q["Q9"]: "ja", q["Q19"]: 1 + i % 10,
                                  q["Q17"]: {"ehealth": "1", "ict": "2"}},
                provider_type="gp", region=region.pk, insurers=[world.vgz.pk])
    # 15 queries with the segment cross-tab, 8 without, at 9 and at 21 responses and with a region more.
    assert {code: _queries(code) for code in codes} == before


def test_a_closed_survey_nobody_answered_has_a_national_cut_without_figures(world):
    closed_survey("gp-satisfaction", threshold=3)
    [cut] = get_indicator("satisfaction_maatwerk").compute(CTX)
    assert (cut.dims, cut.value["rows"], cut.value["headline"]) == (Dims(), [], None)
