# ruff: noqa: F811 (the contracting fixtures are imported by name and requested as arguments)
"""The GCP chapter of the monitor: the compliance scoreboard per insurer and the share of response clocks met,
on small fixtures with every date worked out by hand (contract year 2027, its calendar in 2026)."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from consultations.services import evaluation_finish, evaluation_save, evaluation_share
from contracting.models import Negotiation, Request
from contracting.services import (
    follow_requests_create,
    offer_sign,
    policy_publish,
    question_answer,
    register_publish,
    request_post_message,
    request_raise,
)
from insurers.models import Insurer, PurchasingPolicy
from monitor.indicators import Context, Dims, get_indicator
from tests.contracting.conftest import (  # noqa: F401 (fixtures)
    CHOICE,
    IN_WINDOW,
    ams,
    build_contract,
    care_group,
    market,
    nza_tariffs,
    other_purchaser,
    practice_3100,
    purchaser,
    signatory,
    year2027,
)
from tests.factories import CareGroupFactory, InsurerFactory, MarketShareFactory, PracticeFactory, make_member

pytestmark = pytest.mark.django_db


def cuts(code: str, now) -> dict:
    return {cut.dims: cut.value for cut in get_indicator(code).compute(Context(year=2027, now=now))}


def row_of(value: dict, label: str) -> dict:
    return next(r for r in value["rows"] if r["label"] == label)


def _publish_policy(insurer, actor, now):
    policy = PurchasingPolicy.objects.create(insurer=insurer, year=2027, title="Inkoopbeleid 2027",
                                             body="Wij kopen in.")
    return policy_publish(actor=actor, policy=policy, now=now)


def _evaluation_shared(insurer, actor, now):
    evaluation = evaluation_save(actor=actor, insurer=insurer, year=2027, method="survey",
                                 summary="Tevreden.", now=now)
    evaluation_finish(actor=actor, evaluation=evaluation, now=now)
    evaluation_share(actor=actor, evaluation=evaluation, now=now)


@pytest.fixture
def cycle(market, nza_tariffs, practice_3100, signatory, purchaser, other_purchaser, care_group):
    """Two GCP insurers and DSW through the 2026 calendar of contract year 2027.

    Preferente Verzekeraar (preferent in the first region, where the care group is): evaluation shared
    20 February, policy at 23:59 on 1 April (still by the end of the day), a first offer to the care group on
    10 July, its practice contract published 1 September (the offer can be signed from 1 October: 1 October to
    the end of 7 November is 38 days, at least 35), register 19 November, no follow requests.

    Verre Verzekeraar (preferent in a second region with one practice): no evaluation, policy at 00:10 on
    2 April (late), practice contract published 5 October at 12:00 (late for 15 September, and from then to
    00:00 on 8 November is 33 days and 12 hours: less than 5 weeks), register 19 November, one follow request
    from the first practice, not decided."""
    pref, other = market["preferent"], market["other"]
    InsurerFactory(name="DSW", short_name="DSW", slug="dsw", gcp_party=False)
    second = MarketShareFactory(insurer=other, share_percent=Decimal("70")).region
    MarketShareFactory(region=second, insurer=pref, share_percent=Decimal("30"))
    PracticeFactory(region=second)

    _evaluation_shared(pref, purchaser, ams(2026, 2, 20, 10, 0))
    _publish_policy(pref, purchaser, ams(2026, 4, 1, 23, 59))
    _publish_policy(other, other_purchaser, ams(2026, 4, 2, 0, 10))
    Negotiation.objects.create(insurer=pref, care_group=care_group, year=2027, created_at=ams(2026, 6, 1, 9, 0),
                               first_offer_at=ams(2026, 7, 10, 9, 0))
    build_contract(pref, purchaser, now=ams(2026, 9, 1, 12, 0))
    build_contract(other, other_purchaser, now=ams(2026, 10, 5, 12, 0))
    offer = pref.offers.get(practice=practice_3100)
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    offer.refresh_from_db()
    follow_requests_create(actor=signatory, offer=offer, insurers=[other], now=IN_WINDOW)
    register_publish(year=2027, effective_at=ams(2026, 11, 19, 0, 0))
    return market


MILESTONES = ("evaluation", "policy", "caregroup_offers", "individual_offer", "signing_period", "register",
              "follow_decisions")


def statuses(row: dict) -> tuple:
    return tuple(row["cells"][key] for key in MILESTONES)


def test_scoreboard_after_the_cycle(cycle):
    value = cuts("gcp_scoreboard", ams(2027, 1, 5, 12, 0))[Dims()]
    assert [r["label"] for r in value["rows"]] == ["DSW", "Preferente Verzekeraar", "Verre Verzekeraar"]
    pref = row_of(value, "Preferente Verzekeraar")
    assert statuses(pref) == ("op tijd", "op tijd", "op tijd", "op tijd", "op tijd", "op tijd", "n.v.t.")
    # 6 judged (no follow requests: n.v.t.), 6 on time: 100%.
    assert (pref["cells"]["on_time"], pref["cells"]["judged"], pref["cells"]["score"]) == (6, 6, 100.0)
    other = row_of(value, "Verre Verzekeraar")
    # No evaluation shared by 1 March: missing; no care group has it as preferent insurer: n.v.t.; the follow
    # request is still undecided on 5 January: missing.
    assert statuses(other) == ("ontbreekt", "te laat", "n.v.t.", "te laat", "te laat", "op tijd", "ontbreekt")
    # 6 judged, only the register on time: 1/6 = 16.7%.
    assert (other["cells"]["on_time"], other["cells"]["judged"], other["cells"]["score"]) == (1, 6, 16.7)
    dsw = row_of(value, "DSW")
    assert set(statuses(dsw)) == {"geen partij bij GCP"}
    assert dsw["cells"]["score"] is None and "Geen partij" in dsw["note"]
    # Nationally by name without its id, so no anonymised viewer can tie its letter to DSW; its own cut keeps it.
    assert dsw["insurer"] is None
    dsw_id = Insurer.objects.get(name="DSW").pk
    own = cuts("gcp_scoreboard", ams(2027, 1, 5, 12, 0))[Dims(insurer=dsw_id)]
    assert [r["insurer"] for r in own["rows"]] == [dsw_id]
    # Nationally 7 of 12 judged milestones on time: 58.3%.
    assert value["headline"]["value"] == 58.3 and value["n"] == 12


def test_scoreboard_before_the_follow_decisions_are_due(cycle):
    by_cut = cuts("gcp_scoreboard", ams(2026, 12, 15, 12, 0))
    other_id = cycle["other"].pk
    other = by_cut[Dims(insurer=other_id)]
    # The insurer's own cut holds only its own row.
    assert [r["insurer"] for r in other["rows"]] == [other_id]
    assert other["rows"][0]["cells"]["follow_decisions"] == "nog niet verstreken"
    # 5 judged (evaluation missing, policy, offer and five weeks late, register on time): 1/5 = 20%.
    assert other["headline"]["value"] == 20.0
    pref = row_of(by_cut[Dims()], "Preferente Verzekeraar")
    assert pref["cells"]["follow_decisions"] == "nog niet verstreken"
    # Nationally 7 of 11: 63.6%.
    assert by_cut[Dims()]["headline"]["value"] == 63.6


def test_scoreboard_not_yet_due_is_not_missing(market, year2027, purchaser):
    _publish_policy(market["preferent"], purchaser, ams(2026, 3, 28, 9, 0))
    value = cuts("gcp_scoreboard", ams(2026, 3, 30, 12, 0))[Dims()]
    assert row_of(value, "Preferente Verzekeraar")["cells"]["policy"] == "op tijd"
    other = row_of(value, "Verre Verzekeraar")
    # 30 March: the policy is due by 1 April, so not yet missing; the evaluation was due by 1 March.
    assert other["cells"]["policy"] == "nog niet verstreken"
    assert other["cells"]["evaluation"] == "ontbreekt"
    assert other["cells"]["register"] == "nog niet verstreken"


def test_scoreboard_reads_a_moved_milestone(market, year2027, purchaser):
    """An administrator moved the policy deadline to 3 April: publishing on 2 April is then on time."""
    year2027.milestones.filter(kind="policy_publication").update(due_at=ams(2026, 4, 4, 0, 0))
    _publish_policy(market["other"], make_member(Role.INSURER_PURCHASER, market["other"]),
                    ams(2026, 4, 2, 0, 10))
    value = cuts("gcp_scoreboard", ams(2026, 4, 10, 12, 0))[Dims()]
    assert row_of(value, "Verre Verzekeraar")["cells"]["policy"] == "op tijd"
    assert row_of(value, "Preferente Verzekeraar")["cells"]["policy"] == "ontbreekt"


def test_data_migration_marks_dsw_not_party(db):
    from django.apps import apps

    migration = importlib.import_module("insurers.migrations.0004_insurer_gcp_party")
    dsw = InsurerFactory(name="DSW", short_name="DSW", slug="dsw")
    zk = InsurerFactory(name="Zilveren Kruis", short_name="ZK", slug="zilveren-kruis")
    assert dsw.gcp_party and zk.gcp_party  # the default: party to the GCP
    migration.dsw_not_party(apps, None)
    dsw.refresh_from_db()
    zk.refresh_from_db()
    assert (dsw.gcp_party, zk.gcp_party) == (False, True)


# --- Clocks --------------------------------------------------------------------------------------------------
@pytest.fixture
def requests_2026(market, year2027, practice_3100, purchaser):
    """Questions to the preferent insurer, raised Monday 2 November 2026: 5 working days (Tue 3 … Mon 9
    November) make them due at 00:00 on 10 November. One answered Thursday 5 November (met), one Wednesday
    11 November (late), one never (overdue on 1 December); one raised Monday 30 November is still running on
    1 December (due 8 December). A knelpunt raised 2 November is due in 2 weeks (00:00 on 17 November) and
    reacted to on 10 November (met). A question raised 3 November 2025 belongs to contract year 2026's cycle."""
    member = make_member(Role.PRACTICE_MEMBER, practice_3100)
    pref = market["preferent"]

    def ask(when, kind=Request.Kind.QUESTION):
        return request_raise(actor=member, kind=kind, text=f"Vraag van {when:%d-%m-%Y}", now=when, insurer=pref,
                             practice=practice_3100)

    question_answer(actor=purchaser, question=ask(ams(2026, 11, 2, 9, 0)), answer="Ja.", now=ams(2026, 11, 5, 9, 0))
    question_answer(actor=purchaser, question=ask(ams(2026, 11, 2, 9, 1)), answer="Ja.",
                    now=ams(2026, 11, 11, 9, 0))
    ask(ams(2026, 11, 2, 9, 2))
    ask(ams(2026, 11, 30, 9, 0))
    knelpunt = ask(ams(2026, 11, 2, 9, 3), kind=Request.Kind.KNELPUNT)
    request_post_message(actor=purchaser, request=knelpunt, text="We kijken ernaar.", now=ams(2026, 11, 10, 9, 0))
    ask(ams(2025, 11, 3, 9, 0))
    return market


def test_clocks_met_per_kind(requests_2026):
    by_cut = cuts("gcp_clocks_met", ams(2026, 12, 1, 12, 0))
    national = by_cut[Dims()]
    question = row_of(national, "Vraag")["cells"]
    assert question == {"due": 3, "met": 1, "late": 1, "overdue": 1, "running": 1, "share": 33.3}
    knelpunt = row_of(national, "Knelpunt")["cells"]
    assert (knelpunt["due"], knelpunt["met"], knelpunt["share"]) == (1, 1, 100.0)
    assert row_of(national, "Maatwerkverzoek")["cells"]["share"] is None
    # 2 of 4 due clocks met: 50%.
    assert national["headline"]["value"] == 50.0 and national["n"] == 4
    assert by_cut[Dims(insurer=requests_2026["preferent"].pk)]["headline"]["value"] == 50.0
    other = by_cut[Dims(insurer=requests_2026["other"].pk)]
    assert other["headline"]["value"] is None and other["n"] == 0


def _queries(code: str, now) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get_indicator(code).compute(Context(year=2027, now=now))
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_data(cycle):
    now = ams(2027, 1, 5, 12, 0)
    _queries("gcp_clocks_met", now)  # content types are cached after their first read
    few = (_queries("gcp_scoreboard", now), _queries("gcp_clocks_met", now))
    region = cycle["region"]
    for i in range(3):
        group = CareGroupFactory(region=region)
        Negotiation.objects.create(insurer=cycle["preferent"], care_group=group, year=2027,
                                   created_at=ams(2026, 6, 1, 9, 0), first_offer_at=ams(2026, 7, 20, 9, 0))
        member = make_member(Role.PRACTICE_MEMBER, PracticeFactory(region=region))
        request_raise(actor=member, kind=Request.Kind.QUESTION, text="Vraag", now=ams(2026, 11, 2, 9, 0),
                      insurer=cycle["other"], practice=member.memberships.get().practice)
        InsurerFactory()
    assert (_queries("gcp_scoreboard", now), _queries("gcp_clocks_met", now)) == few
    # The care groups offered on 20 July make the preferent insurer late for 15 July.
    value = cuts("gcp_scoreboard", now)[Dims()]
    assert row_of(value, "Preferente Verzekeraar")["cells"]["caregroup_offers"] == "te laat"
    assert Insurer.objects.count() == 6


def test_printed_scoreboard_from_its_snapshots(client, cycle, purchaser):
    """The scoreboard computed on the fixture, stored as snapshots and printed: the NZa reads every verdict;
    the preferent insurer's purchasers read their own row by name and the other insurer by letter only."""
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    from monitor.models import MonitorSnapshot

    now = ams(2027, 1, 5, 12, 0)
    for cut in get_indicator("gcp_scoreboard").compute(Context(year=2027, now=now)):
        MonitorSnapshot.objects.create(year=2027, indicator="gcp_scoreboard", insurer_id=cut.dims.insurer,
                                       value=cut.value, computed_at=now)

    def text(user):
        client.force_login(user)
        content = client.get(reverse("monitor:print_pdf", args=[2027])).content
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())

    nza = text(make_member(Role.NZA_ANALYST))
    assert "mijlpalen op tijd: 58,3%" in nza
    assert "Verre Verzekeraar ontbreekt te laat n.v.t. te laat te laat op tijd ontbreekt 1 6 16,7%" in nza
    own = text(purchaser)
    assert "Preferente Verzekeraar op tijd op tijd" in own
    assert "Verre Verzekeraar" not in own
    assert "ontbreekt te laat n.v.t. te laat te laat op tijd ontbreekt 1 6 16,7%" in own
