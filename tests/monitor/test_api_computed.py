"""The monitor API on figures the run service computed from real rows (every registered indicator), not made
by hand: each answers in the documented shape, and an insurer's purchaser never reads the other insurer's name in
any figure, list or series."""

import pytest

from accounts.models import Role
from monitor.indicators import all_indicators
from monitor.services import monitor_recompute
from tests.contracting.conftest import (  # noqa: F401 - fixtures shared with the contracting tests
    ams,
    follow_request,
    market,
    nza_tariffs,
    offer,
    other_purchaser,
    practice_3100,
    published_contract,
    purchaser,
    signatory,
    signed_offer,
    year2027,
)
from tests.factories import make_member
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(follow_request, purchaser, other_purchaser):  # noqa: F811 - the imported fixtures
    run = monitor_recompute(year=2027, now=ams(2026, 12, 1, 12, 0))
    assert run.indicators_done == run.indicators_total == len(all_indicators())
    assert run.status == run.Status.DONE, run.error
    return run


def test_computed_figures_answer_in_shape_and_keep_the_other_insurer_anonymous(computed, market,  # noqa: F811
                                                                                purchaser):  # noqa: F811
    nza = make_member(Role.NZA_ANALYST, email="analist@nza.example")
    body = client_for(nza).get("/api/v1/monitor/indicators/", {"year": 2027}).json()
    assert [f["code"] for f in body["indicators"]] == [i.code for i in all_indicators()]
    assert any(f["value"] is not None for f in body["indicators"])
    for figure in body["indicators"]:
        if figure["value"] is not None:
            assert {"columns", "rows", "headline", "n", "notes"} <= set(figure["value"])
    assert "Verre Verzekeraar" in str(body)  # the NZa reads the names

    client = client_for(purchaser)
    hidden = market["other"].name
    listing = client.get("/api/v1/monitor/indicators/", {"year": 2027})
    assert listing.status_code == 200
    assert hidden not in listing.content.decode()
    for indicator in all_indicators():
        response = client.get(f"/api/v1/monitor/indicators/{indicator.code}/", {"year": 2027})
        # The insurers' own questionnaire answers (Tabel 6.2/6.4) are the NZa's only: not there for an insurer.
        assert response.status_code == (404 if indicator.nza_only else 200), indicator.code
        assert hidden not in response.content.decode(), indicator.code
    assert {f["code"] for f in listing.json()["indicators"]} == {i.code for i in all_indicators() if not i.nza_only}
