"""Every demo account from the run command's table can log in with the printed password and gets a home page
that names its role and organisation."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from accounts.models import ROLE_ORGANISATION_FIELD, Role


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--practices", "40", stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_every_demo_role_logs_in_and_sees_its_home_page(client, demo):
    assert {row["role"] for row in demo} == set(Role.values)
    for row in demo:
        client.logout()
        response = client.post("/account/inloggen/", {"username": row["email"], "password": row["password"]})
        assert response.status_code == 302, row["email"]
        home = client.get("/")
        assert home.status_code == 200, row["email"]
        html = home.content.decode()
        assert row["role_label"] in html, row["email"]
        if row["role"] in ROLE_ORGANISATION_FIELD:
            assert escape(row["organisation"].split(" (")[0]) in html, row["email"]
