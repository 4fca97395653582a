"""The user's own endpoints (me, notifications, token), and what every API endpoint does for strangers."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

from accounts.models import ApiToken, Notification, Role
from accounts.services import notify_users
from core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, CareGroupFactory, code_for, enrol_totp, make_member, wrong_code_for
from tests.helpers import assert_error, client_for

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
NOW = datetime(2026, 10, 15, 8, 0, tzinfo=UTC)


def request_token(email: str, password: str = DEFAULT_PASSWORD, **extra):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password, **extra}, format="json")


def test_token_for_email_and_password(practice_user, practice):
    response = request_token("MEDEWERKER@praktijk.example")
    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    assert len(token) == 40 and int(token, 16) >= 0
    assert body["two_factor"] is False

    # Only the hash is kept: the raw token is nowhere in the database.
    stored = ApiToken.objects.get(user=practice_user)
    assert stored.key == hashlib.sha256(token.encode()).hexdigest()
    assert not ApiToken.objects.filter(key=token).exists()
    assert stored.two_factor is False

    # Each request issues a fresh token; the earlier one keeps working.
    again = request_token("medewerker@praktijk.example").json()["token"]
    assert again != token
    for raw in (token, again):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        assert client.get("/api/v1/me/").json()["user"]["email"] == "medewerker@praktijk.example"
    rows = client.get("/api/v1/practices/").json()["results"]
    assert [row["id"] for row in rows] == [practice.pk]


def test_issuing_a_token_is_audited_without_the_token(practice_user):
    token = request_token(practice_user.email).json()["token"]
    event = AuditEvent.objects.get(verb="accounts.api_token.issued")
    assert event.actor == practice_user
    assert event.after == {"two_factor": False}
    assert token not in str(event.before) + str(event.after) + event.object_repr


@pytest.mark.parametrize("email,password", [
    ("medewerker@praktijk.example", "wrong-password-123"),
    ("niemand@praktijk.example", DEFAULT_PASSWORD),
])
def test_wrong_credentials_get_one_dutch_answer(practice_user, email, password):
    response = request_token(email, password)
    assert_error(response, 400, "invalid_credentials")
    assert response.json()["detail"] == "Het e-mailadres of het wachtwoord klopt niet."
    assert not ApiToken.objects.exists()


def test_deactivated_user_gets_no_token(practice_user):
    practice_user.is_active = False
    practice_user.save()
    assert_error(request_token(practice_user.email), 400, "invalid_credentials")


def test_token_of_a_deactivated_user_stops_working(practice_user):
    token = request_token(practice_user.email).json()["token"]
    practice_user.is_active = False
    practice_user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/me/")
    # 403 rather than 401 for the same reason as for anonymous users: session authentication comes first.
    assert_error(response, 403, "authentication_failed")
    assert response.json()["detail"] == "Dit account is gedeactiveerd."


def test_token_request_without_password_names_the_field(db):
    response = APIClient().post("/api/v1/auth/token/", {"email": "iemand@example.nl"}, format="json")
    assert_error(response, 400, "invalid")
    assert "password" in response.json()["fields"]


# --- Token with a second factor -------------------------------------------------------------------------
@pytest.fixture
def signatory_device(practice):
    user = make_member(Role.PRACTICE_SIGNATORY, practice, email="teken@praktijk.example")
    return enrol_totp(user)


@time_machine.travel(NOW, tick=False)
def test_valid_code_gives_a_two_factor_token(signatory_device):
    response = request_token("teken@praktijk.example", otp=code_for(signatory_device))
    assert response.status_code == 200, response.content
    assert response.json()["two_factor"] is True
    assert ApiToken.objects.get().two_factor is True
    assert AuditEvent.objects.get(verb="accounts.api_token.issued").after == {"two_factor": True}


@time_machine.travel(NOW, tick=False)
def test_the_code_for_a_token_is_on_record_with_its_purpose(signatory_device):
    request_token("teken@praktijk.example", otp=wrong_code_for(signatory_device))
    failed = AuditEvent.objects.get(verb="accounts.two_factor.failed")
    assert (failed.actor, failed.after) == (signatory_device.user, {"purpose": "api_token", "reason": "invalid_otp"})
    # The wrong code counts towards the throttle, although the request answered with an error.
    signatory_device.refresh_from_db()
    assert signatory_device.throttling_failure_count == 1

    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        assert request_token("teken@praktijk.example", otp=code_for(signatory_device)).status_code == 200
    verified = AuditEvent.objects.get(verb="accounts.two_factor.verified")
    assert (verified.actor, verified.object_id) == (signatory_device.user, str(signatory_device.pk))
    assert verified.after == {"purpose": "api_token", "device": signatory_device.persistent_id}


@time_machine.travel(NOW, tick=False)
def test_no_code_gives_a_token_without_two_factor(signatory_device):
    response = request_token("teken@praktijk.example", otp="")
    assert response.status_code == 200
    assert response.json()["two_factor"] is False


@time_machine.travel(NOW, tick=False)
def test_wrong_code_gives_no_token(signatory_device):
    response = request_token("teken@praktijk.example", otp=wrong_code_for(signatory_device))
    assert_error(response, 400, "invalid_otp")
    assert "otp" in response.json()["fields"]
    assert not ApiToken.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_code_counts_once(signatory_device):
    code = code_for(signatory_device)
    assert request_token("teken@praktijk.example", otp=code).status_code == 200
    assert_error(request_token("teken@praktijk.example", otp=code), 400, "invalid_otp")
    assert ApiToken.objects.count() == 1


def test_wrong_codes_are_throttled(signatory_device):
    with time_machine.travel(NOW, tick=False):
        assert_error(request_token("teken@praktijk.example", otp=wrong_code_for(signatory_device)), 400, "invalid_otp")
        # Right after a wrong code even the right one waits: guessing six digits takes far too long.
        response = request_token("teken@praktijk.example", otp=code_for(signatory_device))
        assert_error(response, 429, "otp_throttled")
        assert response.json()["detail"] == ("U heeft te vaak een verkeerde code ingevoerd. Wacht 1 seconde en "
                                             "probeer het opnieuw.")
        assert not ApiToken.objects.exists()
        assert AuditEvent.objects.filter(verb="accounts.two_factor.failed", after__reason="otp_throttled").exists()
    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        response = request_token("teken@praktijk.example", otp=code_for(signatory_device))
        assert response.status_code == 200 and response.json()["two_factor"] is True


def test_a_wrong_password_does_not_spend_the_code(signatory_device):
    with time_machine.travel(NOW, tick=False):
        code = code_for(signatory_device)
        assert_error(request_token("teken@praktijk.example", "wrong-password-123", otp=code), 400,
                     "invalid_credentials")
        assert request_token("teken@praktijk.example", otp=code).status_code == 200


def test_code_without_an_authenticator_app_is_refused(practice_user):
    response = request_token(practice_user.email, otp="123456")
    # no_device rather than invalid_otp: retyping the code will not help, linking an app will.
    assert_error(response, 400, "no_device")
    assert "otp" in response.json()["fields"]
    assert not ApiToken.objects.exists()


def test_last_use_is_recorded_at_most_once_a_minute(practice_user):
    with time_machine.travel(NOW, tick=False):
        raw = request_token(practice_user.email).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    for seconds, expected in ((0, 0), (30, 0), (59, 0), (60, 60), (90, 60), (200, 200)):
        with time_machine.travel(NOW + timedelta(seconds=seconds), tick=False):
            assert client.get("/api/v1/me/").status_code == 200
        token.refresh_from_db()
        assert token.last_used_at == NOW + timedelta(seconds=expected), seconds


def test_session_still_works_next_to_tokens(practice_user):
    token = request_token(practice_user.email).json()["token"]
    client = client_for(practice_user)  # a browser session of the same user, next to the token
    assert client.get("/api/v1/me/").json()["user"]["email"] == practice_user.email
    assert me_with(token).json()["user"]["email"] == practice_user.email


# --- Schema and docs ------------------------------------------------------------------------------------
def test_schema_is_served_and_generates_without_warnings(db, tmp_path):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in ("/api/v1/contract-years/{year}/", "/api/v1/me/", "/api/v1/practices/{id}/",
                 "/api/v1/notifications/{id}/read/", "/api/v1/auth/token/", "/api/v1/offers/{id}/sign/",
                 "/api/v1/follow-requests/{id}/decide/", "/api/v1/register/{year}/", "/api/v1/standard-contracts/"):
        assert path in schema

    GENERATOR_STATS.reset()
    # --fail-on-warn turns any drf-spectacular warning or error into a failure; --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_docs_page_renders(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def me_with(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


def test_a_token_lasts_thirty_days(practice_user):
    with time_machine.travel(NOW, tick=False):
        body = request_token(practice_user.email).json()
    assert body["expires_at"] == "2026-11-14T08:00:00Z"
    with time_machine.travel(NOW + timedelta(days=30) - timedelta(seconds=1), tick=False):
        assert me_with(body["token"]).status_code == 200
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        response = me_with(body["token"])
    assert_error(response, 403, "token_expired")
    assert "Vraag een nieuw token aan" in response.json()["detail"]


def test_a_token_that_may_sign_lasts_a_working_day(signatory_device):
    with time_machine.travel(NOW, tick=False):
        body = request_token("teken@praktijk.example", otp=code_for(signatory_device)).json()
    assert (body["two_factor"], body["expires_at"]) == (True, "2026-10-15T20:00:00Z")
    with time_machine.travel(NOW + timedelta(hours=11, minutes=59), tick=False):
        assert me_with(body["token"]).status_code == 200
    with time_machine.travel(NOW + timedelta(hours=12), tick=False):
        assert_error(me_with(body["token"]), 403, "token_expired")
