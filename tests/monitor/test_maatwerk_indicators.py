"""Chapter 5 (maatwerk): maatwerk and innovation requests and their outcomes (Tabel 5.1, the portal's side),
module-change requests, follow rates and the lead time from offer to signature, each on a small fixture with
the figures counted by hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracting.models import FollowRequest, HolderKind, Module, Offer, Request
from monitor.indicators import Context, Dims, get_indicator
from tests.factories import CareGroupFactory, InsurerFactory, PracticeFactory, RegionFactory
from tests.monitor.fixtures import ams, contract, follow, negotiation, offer, request

NOW = ams(2027, 6, 1, 12, 0)
K, S = Request.Kind, Request.Status


def cuts(code, year=2027):
    return {cut.dims: cut.value for cut in get_indicator(code).compute(Context(year=year, now=NOW))}


def row(value, key):
    return next(r for r in value["rows"] if r["key"] == key)


@pytest.fixture
def world(db):
    r1, r2 = RegionFactory(name="R1"), RegionFactory(name="R2")
    a = InsurerFactory(name="Alfa Zorg", short_name="Alfa")
    b = InsurerFactory(name="Beta Zorg", short_name="Beta")
    c = InsurerFactory(name="Ceta Zorg", short_name="Ceta")
    return {"r1": r1, "r2": r2, "a": a, "b": b, "c": c, "p1": PracticeFactory(region=r1),
            "p2": PracticeFactory(region=r1), "g1": CareGroupFactory(region=r2)}


@pytest.fixture
def maatwerk(world):
    """Maatwerk and innovation requests about 2027:

        r1 A p1 maatwerk    granted
        r2 A p1 maatwerk    refused
        r3 A g1 innovation  refused, partly granted in appeal  -> partly
        r4 B p1 innovation  open                                -> pending
        r5 B g1 maatwerk    withdrawn
        r6 A p1 maatwerk    granted; no year named, raised 1 March 2027
        r7 A p1 maatwerk    refused; no year named, raised 00:30 on 1 January 2027 Amsterdam (still 2026 in UTC)

    Not counted: a maatwerk request about 2026, one without a year raised in 2026, and a question."""
    w = world
    request(K.MAATWERK, w["a"], w["p1"], outcome="granted")
    request(K.MAATWERK, w["a"], w["p1"], outcome="refused")
    request(K.INNOVATION, w["a"], w["g1"], outcome="refused", appeal_outcome="partly", status=S.CLOSED)
    request(K.INNOVATION, w["b"], w["p1"], status=S.OPEN)
    request(K.MAATWERK, w["b"], w["g1"], status=S.WITHDRAWN)
    request(K.MAATWERK, w["a"], w["p1"], year=None, raised_at=ams(2027, 3, 1, 10, 0), outcome="granted")
    request(K.MAATWERK, w["a"], w["p1"], year=None, raised_at=ams(2027, 1, 1, 0, 30), outcome="refused")
    request(K.MAATWERK, w["a"], w["p1"], year=2026, outcome="granted")
    request(K.MAATWERK, w["a"], w["p1"], year=None, raised_at=ams(2026, 12, 31, 23, 30), outcome="granted")
    request(K.QUESTION, w["a"], w["p1"], status=S.ANSWERED)
    return w


def test_maatwerk_requests_tabel_5_1(maatwerk):
    values = cuts("maatwerk_requests")
    national = values[Dims()]
    # Maatwerk r1, r2, r5, r6, r7: granted 2 (r1, r6), refused 2 (r2, r7), withdrawn 1 (r5);
    # honoured 2 of the 4 decided = 50%.
    assert row(national, "kind:maatwerk")["cells"] == {"requests": 5, "granted": 2, "partly": 0, "refused": 2,
                                                       "pending": 0, "withdrawn": 1, "honoured_share": 50.0}
    # Innovation r3 (the appeal's outcome, partly) and r4 (pending): honoured 1 of 1 decided.
    assert row(national, "kind:innovation")["cells"] == {"requests": 2, "granted": 0, "partly": 1, "refused": 0,
                                                         "pending": 1, "withdrawn": 0, "honoured_share": 100.0}
    # All 7: honoured (2 + 1) of the 5 decided = 60%.
    assert row(national, "all")["cells"]["requests"] == 7 and national["n"] == 7
    assert national["headline"]["value"] == 60.0
    # Segment 2 (care groups): r3 partly and r5 withdrawn -> 1 of 1 decided honoured.
    s2 = values[Dims(segment="s2")]
    assert row(s2, "all")["cells"] == {"requests": 2, "granted": 0, "partly": 1, "refused": 0, "pending": 0,
                                       "withdrawn": 1, "honoured_share": 100.0}
    # Insurer B: r4 pending, r5 withdrawn -> nothing decided, no share.
    b = values[Dims(insurer=maatwerk["b"].pk)]
    assert b["headline"]["value"] is None and row(b, "all")["cells"]["requests"] == 2
    # Insurer A in R1 (the practice's requests r1, r2, r6, r7): 2 of 4 honoured.
    a_r1 = values[Dims(insurer=maatwerk["a"].pk, region=maatwerk["r1"].pk)]
    assert a_r1["headline"]["value"] == 50.0 and a_r1["n"] == 4
    # Segment 1 in R2: no practice requests there, so no such cut.
    assert Dims(region=maatwerk["r2"].pk, segment="s1") not in values


def test_maatwerk_contract_share(world):
    """Signed 2027 practice contracts: A with p1, p2 (R1) and p3 (R2), B with p1. Granted maatwerk about 2027:
    A–p1 (twice: one contract), A–p2 (innovation refused, partly granted in appeal). Not: A–p3 refused, A–p3
    granted but about 2026, B–p1 still pending, B–p1 a granted module change (another kind)."""
    w = world
    p3 = PracticeFactory(region=w["r2"])
    sa = contract(w["a"], holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})])
    sb = contract(w["b"], holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})])
    for sc, practice in ((sa, w["p1"]), (sa, w["p2"]), (sa, p3), (sb, w["p1"])):
        offer(sc, practice, signed_at=ams(2026, 10, 10, 10, 0))
    request(K.MAATWERK, w["a"], w["p1"], outcome="granted")
    request(K.MAATWERK, w["a"], w["p1"], outcome="partly")
    request(K.INNOVATION, w["a"], w["p2"], outcome="refused", appeal_outcome="partly", status=S.CLOSED)
    request(K.MAATWERK, w["a"], p3, outcome="refused")
    request(K.MAATWERK, w["a"], p3, outcome="granted", year=2026)
    request(K.MAATWERK, w["b"], w["p1"], status=S.OPEN)
    request(K.MODULE_CHANGE, w["b"], w["p1"], module=Module.objects.get(code="poh-ggz"), outcome="granted")
    values = cuts("maatwerk_contract_share")
    national = values[Dims()]
    # 2 of the 4 contracts (A–p1, A–p2) = 50%; A 2 of 3 = 66.7%; B 0 of 1.
    assert row(national, "all")["cells"] == {"contracts": 4, "with_maatwerk": 2, "share": 50.0}
    assert national["headline"]["value"] == 50.0
    assert row(national, f"insurer:{w['a'].pk}")["cells"] == {"contracts": 3, "with_maatwerk": 2, "share": 66.7}
    assert row(national, f"insurer:{w['b'].pk}")["cells"]["share"] == 0.0
    # R2: A–p3 only, refused.
    assert values[Dims(region=w["r2"].pk)]["headline"]["value"] == 0.0


def test_module_change_requests(world):
    w = world
    poh_ggz, pm = Module.objects.get(code="poh-ggz"), Module.objects.get(code="praktijkmanagement")
    request(K.MODULE_CHANGE, w["a"], w["p1"], module=poh_ggz, outcome="granted")
    request(K.MODULE_CHANGE, w["a"], w["p2"], module=poh_ggz, outcome="refused")
    request(K.MODULE_CHANGE, w["b"], w["p1"], module=pm, status=S.OPEN)
    request(K.MAATWERK, w["a"], w["p1"], outcome="granted")  # another kind: not here
    values = cuts("module_change_requests")
    national = values[Dims()]
    assert [r["key"] for r in national["rows"]] == [f"module:{poh_ggz.pk}", f"module:{pm.pk}", "all"]
    assert row(national, f"module:{poh_ggz.pk}")["label"] == "POH-GGZ"
    # POH-GGZ: 1 granted, 1 refused -> 50%; praktijkmanagement: 1 pending, nothing decided.
    assert row(national, f"module:{poh_ggz.pk}")["cells"] == {"requests": 2, "granted": 1, "partly": 0,
                                                              "refused": 1, "pending": 0, "withdrawn": 0,
                                                              "honoured_share": 50.0}
    assert row(national, f"module:{pm.pk}")["cells"]["honoured_share"] is None
    assert national["n"] == 3 and national["headline"]["value"] == 50.0
    # B's cut has only the praktijkmanagement request.
    assert [r["key"] for r in values[Dims(insurer=w["b"].pk)]["rows"]] == [f"module:{pm.pk}", "all"]


def test_follow_rates(world):
    """Signed contracts of A offered to B and C to follow:

        o1 (p1, R1) -> B followed, -> C declined
        o2 (p2, R1) -> B partly,   -> C followed
        o3 (g1, R2) -> B pending
    and one follow request about 2026 (not counted)."""
    w = world
    sc = contract(w["a"], holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})])
    o1, o2 = (offer(sc, w[p], signed_at=ams(2026, 10, 10, 10, 0)) for p in ("p1", "p2"))
    o3 = offer(contract(w["a"], lines=[("ketenzorg-dm2", {})]), w["g1"], signed_at=ams(2026, 9, 1, 10, 0))
    F = FollowRequest.Status
    follow(o1, w["b"], F.FOLLOWED)
    follow(o1, w["c"], F.DECLINED)
    follow(o2, w["b"], F.PARTIAL)
    follow(o2, w["c"], F.FOLLOWED)
    follow(o3, w["b"], F.PENDING)
    old = offer(contract(w["a"], holder_kind=HolderKind.PRACTICE, first_year=2026, lines=[("inschrijving", {})]),
                w["p1"], signed_at=ams(2025, 10, 10, 10, 0))
    follow(old, w["b"], F.DECLINED, year=2026)
    values = cuts("follow_rates")
    national = values[Dims()]
    # 5 requests: followed 2 (40%), partly 1, declined 1, pending 1 (20% each).
    assert row(national, "all")["cells"] == {"requests": 5, "followed": 2, "followed_share": 40.0, "partly": 1,
                                             "partly_share": 20.0, "declined": 1, "declined_share": 20.0,
                                             "pending": 1, "pending_share": 20.0}
    assert national["headline"]["value"] == 40.0
    # B, asked three times: followed, partly, pending a third each; C: followed and declined half each.
    b = row(national, f"insurer:{w['b'].pk}")
    assert b["insurer"] == w["b"].pk and b["label"] == "Beta Zorg"
    assert (b["cells"]["followed_share"], b["cells"]["partly_share"], b["cells"]["pending_share"],
            b["cells"]["declined_share"]) == (33.3, 33.3, 33.3, 0.0)
    c = row(national, f"insurer:{w['c'].pk}")["cells"]
    assert (c["followed_share"], c["declined_share"]) == (50.0, 50.0)
    assert [r["key"] for r in national["rows"]] == ["all", f"insurer:{w['b'].pk}", f"insurer:{w['c'].pk}"]
    # Segment 2: the care group's one request, still pending. R2 (the care group's region) is the same.
    for dims in (Dims(segment="s2"), Dims(region=w["r2"].pk)):
        assert row(values[dims], "all")["cells"]["pending_share"] == 100.0
    # B's own cut: its row only.
    assert [r["key"] for r in values[Dims(insurer=w["b"].pk)]["rows"]] == [f"insurer:{w['b'].pk}"]
    assert cuts("follow_rates", year=2026)[Dims()]["headline"]["value"] == 0.0


def test_signing_lead_time(world):
    """Days from the offer's day to the signature's day (Amsterdam). A preferent offer is made when its contract
    is published (whenever the row was written), one on request when it was made:

        practices, A (published 00:30 on 1 September 2026, 31 August in UTC):
                      signed 15 October -> 44 days; 1 October -> 30; 23:30 on 7 November (22:30 UTC) -> 67
        practices, B (published 2 September): signed 12 September -> 10;
                      on request 20 September, signed 30 September -> 10
        care groups, A: first offer in the negotiation 1 July, contract made 1 August, signed 1 September -> 62
                        published 10 August without a negotiation, signed 18 August -> 8
    Not counted: an open offer, and a multi-year contract signed in 2025 that runs on in 2027."""
    w = world
    pa = contract(w["a"], holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})],
                  published_at=ams(2026, 9, 1, 0, 30))
    pb = contract(w["b"], holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})],
                  published_at=ams(2026, 9, 2, 10, 0))
    offer(pa, w["p1"], signed_at=ams(2026, 10, 15, 9, 0))
    offer(pa, w["p2"], signed_at=ams(2026, 10, 1, 9, 0))
    offer(pa, PracticeFactory(region=w["r2"]), signed_at=ams(2026, 11, 7, 23, 30))
    offer(pb, PracticeFactory(region=w["r1"]), signed_at=ams(2026, 9, 12, 9, 0))
    offer(pb, PracticeFactory(region=w["r1"]), offered_at=ams(2026, 9, 20, 10, 0), signed_at=ams(2026, 9, 30, 9, 0),
          reason=Offer.Reason.REQUESTED)
    offer(pb, PracticeFactory(region=w["r1"]))
    long = contract(w["b"], holder_kind=HolderKind.PRACTICE, first_year=2026, term_years=3,
                    lines=[("inschrijving", {})])
    offer(long, PracticeFactory(region=w["r1"]), signed_at=ams(2025, 12, 1))
    negotiated = offer(contract(w["a"], lines=[("ketenzorg-dm2", {})], published_at=ams(2026, 8, 1, 10, 0)),
                       w["g1"], signed_at=ams(2026, 9, 1, 10, 0))
    negotiation(negotiated, first_offer_at=ams(2026, 7, 1, 10, 0))
    offer(contract(w["a"], lines=[("ketenzorg-copd", {})], published_at=ams(2026, 8, 10, 10, 0)),
          CareGroupFactory(region=w["r1"]), signed_at=ams(2026, 8, 18, 10, 0))
    values = cuts("signing_lead_time")
    national = values[Dims()]
    # Practices [44, 30, 67, 10, 10]: median 30, mean 161 / 5 = 32.2.
    assert row(national, "kind:practice")["cells"] == {"n": 5, "median": 30.0, "mean": 32.2, "min": 10, "max": 67}
    # Care groups [62, 8]: median and mean 35.
    assert row(national, "kind:care_group")["cells"] == {"n": 2, "median": 35.0, "mean": 35.0, "min": 8, "max": 62}
    assert national["headline"]["value"] == 35.0 and national["n"] == 7
    # Per insurer: A's practices [44, 30, 67] -> median 44, mean 47; B's [10, 10].
    a_practices = row(national, f"kind:practice:insurer:{w['a'].pk}")
    assert a_practices["insurer"] == w["a"].pk and a_practices["label"] == "Alfa Zorg — Huisartsenpraktijken"
    assert a_practices["cells"] == {"n": 3, "median": 44.0, "mean": 47.0, "min": 30, "max": 67}
    assert row(national, f"kind:practice:insurer:{w['b'].pk}")["cells"]["median"] == 10.0
    # R1: p1 (44), p2 (30) and B's two (10, 10): median (10 + 30) / 2 = 20, mean 94 / 4 = 23.5; the care group
    # without a negotiation (8).
    r1 = values[Dims(region=w["r1"].pk)]
    assert row(r1, "kind:practice")["cells"] == {"n": 4, "median": 20.0, "mean": 23.5, "min": 10, "max": 44}
    assert row(r1, "kind:care_group")["cells"]["median"] == 8.0
    # B's cut: no care-group contracts signed, so no care-group figure.
    b = values[Dims(insurer=w["b"].pk)]
    assert row(b, "kind:care_group")["cells"] == {"n": 0, "median": None, "mean": None, "min": None, "max": None}
    assert b["headline"]["value"] is None


CODES = ["maatwerk_requests", "maatwerk_contract_share", "module_change_requests", "follow_rates",
         "signing_lead_time"]


def _queries(code) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get_indicator(code).compute(Context(year=2027, now=NOW))
    return len(ctx.captured_queries)


def _add(n, insurer, other):
    poh_ggz = Module.objects.get(code="poh-ggz")
    sc = contract(insurer, holder_kind=HolderKind.PRACTICE, lines=[("inschrijving", {})])
    for i in range(n):
        practice = PracticeFactory(region=RegionFactory())
        o = offer(sc, practice, offered_at=ams(2026, 9, 1), signed_at=ams(2026, 10, 1 + i))
        follow(o, other, FollowRequest.Status.FOLLOWED if i % 2 else FollowRequest.Status.PENDING)
        request(K.MAATWERK, insurer, practice, outcome="granted")
        request(K.INNOVATION, insurer, practice, outcome="refused", appeal_outcome="granted")
        request(K.MODULE_CHANGE, insurer, practice, module=poh_ggz, outcome="partly")


@pytest.mark.parametrize("code", CODES)
def test_query_count_does_not_grow_with_the_data(db, code):
    insurer, other, third = InsurerFactory(), InsurerFactory(), InsurerFactory()
    _add(2, insurer, other)
    few = _queries(code)
    assert few > 0
    _add(4, third, other)
    assert _queries(code) == few
