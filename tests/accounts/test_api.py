"""The user's own endpoints (me, notifications, token), and what every API endpoint does for strangers."""

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Notification, Role
from accounts.services import notify_users
from tests.factories import DEFAULT_PASSWORD, CareGroupFactory, enrol_totp, make_member


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]


# --- Anonymous and broken credentials, on every endpoint -------------------------------------------------
ENDPOINTS = [
    ("get", "/api/v1/me/"),
    ("get", "/api/v1/contract-years/"),
    ("get", "/api/v1/contract-years/2027/"),
    ("get", "/api/v1/insurers/"),
    ("get", "/api/v1/insurers/1/"),
    ("get", "/api/v1/practices/"),
    ("get", "/api/v1/practices/1/"),
    ("get", "/api/v1/care-groups/"),
    ("get", "/api/v1/care-groups/1/"),
    ("get", "/api/v1/regions/"),
    ("get", "/api/v1/regions/1/"),
    ("get", "/api/v1/notifications/"),
    ("get", "/api/v1/notifications/1/"),
    ("post", "/api/v1/notifications/1/read/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_gets_not_authenticated(method, url):
    response = getattr(APIClient(), method)(url)
    # 403 rather than 401: session authentication comes first and sends no WWW-Authenticate challenge.
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "not_authenticated")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_unknown_token_is_refused(method, url):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = getattr(client, method)(url)
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "authentication_failed")


# --- Me -------------------------------------------------------------------------------------------------
def test_me_shows_user_memberships_and_two_factor(practice_user, practice):
    body = client_for(practice_user).get("/api/v1/me/").json()
    assert body == {
        "user": {"id": practice_user.pk, "email": "medewerker@praktijk.example", "full_name": practice_user.full_name},
        "memberships": [{
            "role": "practice_member",
            "role_label": "Praktijkmedewerker",
            "organisation": {"type": "practice", "id": practice.pk, "name": practice.name},
        }],
        "two_factor": False,
    }

    enrol_totp(practice_user)
    assert client_for(practice_user).get("/api/v1/me/").json()["two_factor"] is True


def test_me_for_roles_with_and_without_organisation(insurer_user, insurer, db):
    membership = client_for(insurer_user).get("/api/v1/me/").json()["memberships"][0]
    assert membership["organisation"] == {"type": "insurer", "id": insurer.pk, "name": "Zorgverzekeraar Noord"}

    group = CareGroupFactory()
    caregroup_user = make_member(Role.CAREGROUP_SIGNATORY, group)
    membership = client_for(caregroup_user).get("/api/v1/me/").json()["memberships"][0]
    assert membership["role_label"] == "Tekenbevoegde samenwerkingsverband"
    assert membership["organisation"] == {"type": "care_group", "id": group.pk, "name": group.name}

    nza = make_member(Role.NZA_ANALYST)
    membership = client_for(nza).get("/api/v1/me/").json()["memberships"][0]
    assert membership == {"role": "nza_analyst", "role_label": "Analist NZa", "organisation": None}


# --- Notifications --------------------------------------------------------------------------------------
def notify(user, key: str, subject: str = "Nieuw aanbod") -> Notification:
    notify_users(user_ids=[user.pk], key=key, subject=subject, body="Bekijk het aanbod.", url="/aanbod/1/")
    return Notification.objects.get(user=user, key=key)


def test_notifications_are_own_only(practice_user, outsider):
    mine = notify(practice_user, "offer-1")
    theirs = notify(outsider, "offer-1")
    client = client_for(practice_user)

    rows = client.get("/api/v1/notifications/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["subject"] == "Nieuw aanbod"
    assert rows[0]["read_at"] is None
    assert_error(client.get(f"/api/v1/notifications/{theirs.pk}/"), 404, "not_found")


def test_mark_read_is_idempotent(practice_user):
    notice = notify(practice_user, "offer-1")
    client = client_for(practice_user)

    first = client.post(f"/api/v1/notifications/{notice.pk}/read/")
    assert first.status_code == 200
    read_at = first.json()["read_at"]
    assert read_at is not None and read_at.endswith("Z")

    second = client.post(f"/api/v1/notifications/{notice.pk}/read/")
    assert second.status_code == 200
    assert second.json()["read_at"] == read_at
    notice.refresh_from_db()
    assert notice.read_at is not None

    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0
    assert client.get("/api/v1/notifications/", {"unread": "false"}).json()["count"] == 1


def test_mark_read_of_another_users_notification_is_not_found(practice_user, outsider):
    theirs = notify(outsider, "offer-1")

    response = client_for(practice_user).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert_error(client_for(practice_user).post("/api/v1/notifications/999999/read/"), 404, "not_found")


def test_notification_list_queries_do_not_grow(practice_user, django_assert_num_queries):
    client = client_for(practice_user)
    # session, user, count, notifications
    for total in (3, 20):
        for n in range(total):
            notify(practice_user, f"key-{n}")
        with django_assert_num_queries(4):
            response = client.get("/api/v1/notifications/")
        assert response.json()["count"] == total


# --- Token ----------------------------------------------------------------------------------------------
def test_token_for_email_and_password(practice_user, practice):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"email": "MEDEWERKER@praktijk.example",
                                                   "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=practice_user).key

    again = client.post("/api/v1/auth/token/", {"email": "medewerker@praktijk.example",
                                                "password": DEFAULT_PASSWORD}, format="json")
    assert again.json()["token"] == token

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["user"]["email"] == "medewerker@praktijk.example"
    rows = client.get("/api/v1/practices/").json()["results"]
    assert [row["id"] for row in rows] == [practice.pk]


@pytest.mark.parametrize("email,password", [
    ("medewerker@praktijk.example", "wrong-password-123"),
    ("niemand@praktijk.example", DEFAULT_PASSWORD),
])
def test_wrong_credentials_get_one_dutch_answer(practice_user, email, password):
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")
    assert_error(response, 400, "invalid_credentials")
    assert response.json()["detail"] == "Het e-mailadres of het wachtwoord klopt niet."
    assert not Token.objects.exists()


def test_deactivated_user_gets_no_token(practice_user):
    practice_user.is_active = False
    practice_user.save()
    response = APIClient().post("/api/v1/auth/token/", {"email": practice_user.email,
                                                        "password": DEFAULT_PASSWORD}, format="json")
    assert_error(response, 400, "invalid_credentials")


def test_token_request_without_password_names_the_field(db):
    response = APIClient().post("/api/v1/auth/token/", {"email": "iemand@example.nl"}, format="json")
    assert_error(response, 400, "invalid")
    assert "password" in response.json()["fields"]


# --- Schema and docs ------------------------------------------------------------------------------------
def test_schema_is_served_and_generates_without_warnings(db, tmp_path):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in ("/api/v1/contract-years/{year}/", "/api/v1/me/", "/api/v1/practices/{id}/",
                 "/api/v1/notifications/{id}/read/", "/api/v1/auth/token/"):
        assert path in schema

    GENERATOR_STATS.reset()
    # --fail-on-warn turns any drf-spectacular warning or error into a failure; --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_docs_page_renders(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
