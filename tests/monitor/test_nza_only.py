"""An indicator only the NZa may see (the insurers' own questionnaire answers per care group, Tabel 6.2/6.4):
the NZa has it on the dashboard, in the downloads and the API; for every other viewer it does not exist."""

import pytest
from django.urls import reverse

from monitor.indicators import _REGISTRY, Chapter, Unit, indicator
from tests.monitor.snapshots import snapshot

pytestmark = pytest.mark.django_db

CODE = "test_insurers_marks"
TITLE = "Testcijfers van de zorgverzekeraars per samenwerkingsverband"


@pytest.fixture
def nza_only(monitor_world):
    indicator(code=CODE, chapter=Chapter.SURVEYS, order=2, title=TITLE, unit=Unit.MARK,
              formula="Gemiddeld cijfer per samenwerkingsverband.", source="Testvragenlijst",
              nza_only=True)(lambda ctx: [])
    snapshot(2027, CODE, [("Zorggroep Test", None, 6, 0)], head=6.2)
    yield monitor_world
    _REGISTRY.pop(CODE, None)


def test_only_the_nza_sees_an_nza_only_indicator(client, nza_only):
    w = nza_only
    page = reverse("monitor:dashboard") + "?year=2027&chapter=enquetes"
    csv = reverse("monitor:figure_csv", args=[CODE]) + "?year=2027"
    api_list, api_detail = "/api/v1/monitor/indicators/?year=2027", f"/api/v1/monitor/indicators/{CODE}/?year=2027"

    client.force_login(w.nza)
    assert TITLE in client.get(page).content.decode()
    assert "Zorggroep Test" in client.get(csv).content.decode()
    assert CODE in [f["code"] for f in client.get(api_list).json()["indicators"]]
    assert client.get(api_detail).status_code == 200

    for name in ("purchaser", "team", "practice_user", "care_group_user"):
        client.force_login(getattr(w, name))
        assert TITLE not in client.get(page).content.decode(), name
        assert client.get(csv).status_code == 404, name
        assert CODE not in [f["code"] for f in client.get(api_list).json()["indicators"]], name
        assert client.get(api_detail).status_code == 404, name
