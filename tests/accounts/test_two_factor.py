"""Two-factor enrolment on the profile and the code step after login, with real TOTP codes."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, code_for, enrol_totp, make_member, wrong_code_for

WRONG_CODE_ERROR = "Deze code klopt niet"
NOW = datetime(2026, 10, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def signatory(practice):
    return make_member(Role.PRACTICE_SIGNATORY, practice, email="teken@praktijk.example")


@pytest.fixture
def signatory_client(client, signatory):
    client.force_login(signatory)
    return client


def start_enrolment(client) -> TOTPDevice:
    response = client.post(reverse("accounts:two_factor"), {"action": "start"})
    assert response.status_code == 302
    return TOTPDevice.objects.get(confirmed=False)


# --- Enrolment ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_viewing_the_page_creates_nothing(signatory_client):
    response = signatory_client.get(reverse("accounts:two_factor"))
    assert response.status_code == 200
    assert "Beginnen" in response.content.decode()
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_start_shows_qr_code_and_secret(signatory_client, signatory):
    device = start_enrolment(signatory_client)
    assert device.user == signatory
    body = signatory_client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in body and 'role="img"' in body
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in body
    assert AuditEvent.objects.filter(verb="accounts.two_factor.enrolment_started").count() == 1


@pytest.mark.django_db
def test_starting_twice_keeps_one_pending_device(signatory_client):
    first = start_enrolment(signatory_client)
    second = start_enrolment(signatory_client)
    assert first.pk == second.pk


@pytest.mark.django_db
def test_right_code_confirms_the_device_and_verifies_the_session(signatory_client, signatory):
    device = start_enrolment(signatory_client)
    response = signatory_client.post(reverse("accounts:two_factor"), {"token": code_for(device)}, follow=True)
    body = response.content.decode()
    assert "Tweestapsverificatie staat aan" in body
    assert 'data-testid="signatory-notice"' not in body
    assert "Deze sessie is met een code bevestigd" in body
    device.refresh_from_db()
    assert device.confirmed
    assert signatory_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(verb="accounts.two_factor.enrolled", object_id=str(signatory.pk)).exists()


@pytest.mark.django_db
def test_code_with_a_space_is_accepted(signatory_client):
    device = start_enrolment(signatory_client)
    code = code_for(device)
    signatory_client.post(reverse("accounts:two_factor"), {"token": f"{code[:3]} {code[3:]}"})
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_wrong_code_shows_an_error_and_changes_nothing(signatory_client):
    device = start_enrolment(signatory_client)
    response = signatory_client.post(reverse("accounts:two_factor"), {"token": wrong_code_for(device)})
    assert response.status_code == 200
    body = response.content.decode()
    assert WRONG_CODE_ERROR in body
    assert 'aria-invalid="true"' in body
    assert "<svg" in body  # the user can try again with the same QR code
    device.refresh_from_db()
    assert not device.confirmed
    assert DEVICE_ID_SESSION_KEY not in signatory_client.session
    assert not AuditEvent.objects.filter(verb="accounts.two_factor.enrolled").exists()


@pytest.mark.django_db
def test_letters_are_not_a_code(signatory_client):
    device = start_enrolment(signatory_client)
    response = signatory_client.post(reverse("accounts:two_factor"), {"token": "abcdef"})
    assert "Een code bestaat uit zes cijfers" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_enrolled_user_cannot_start_over(signatory_client, signatory):
    enrol_totp(signatory)
    response = signatory_client.post(reverse("accounts:two_factor"), {"action": "start"})
    assert "Er is al een authenticator-app aan uw account gekoppeld" in response.content.decode()
    assert TOTPDevice.objects.filter(user=signatory).count() == 1


@pytest.mark.django_db
def test_enrolment_posts_need_csrf(signatory):
    client = Client(enforce_csrf_checks=True)
    client.force_login(signatory)
    assert client.post(reverse("accounts:two_factor"), {"action": "start"}).status_code == 403
    assert not TOTPDevice.objects.exists()


# --- Code step after login ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_login_then_code_marks_the_session_verified(client, signatory):
    device = enrol_totp(signatory)
    response = client.post(reverse("accounts:login"), {"username": signatory.email, "password": DEFAULT_PASSWORD})
    assert response["Location"].startswith(reverse("accounts:verify_otp"))
    assert DEVICE_ID_SESSION_KEY not in client.session

    response = client.post(reverse("accounts:verify_otp"), {"token": code_for(device), "next": "/account/profiel/"})
    assert response.status_code == 302
    assert response["Location"] == "/account/profiel/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    body = client.get("/account/profiel/").content.decode()
    assert "Deze sessie is met een code bevestigd" in body
    event = AuditEvent.objects.get(verb="accounts.two_factor.verified")
    assert (event.actor, event.object_id) == (signatory, str(device.pk))
    assert event.after == {"purpose": "login", "device": device.persistent_id}


@pytest.mark.django_db
def test_wrong_code_at_login_step_leaves_the_session_unverified(client, signatory):
    device = enrol_totp(signatory)
    client.force_login(signatory)
    response = client.post(reverse("accounts:verify_otp"), {"token": wrong_code_for(device)})
    assert response.status_code == 200
    assert WRONG_CODE_ERROR in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(verb="accounts.two_factor.verified").exists()
    event = AuditEvent.objects.get(verb="accounts.two_factor.failed")
    assert (event.actor, event.after) == (signatory, {"purpose": "login", "reason": "invalid_otp"})


@pytest.mark.django_db
def test_a_throttled_device_is_refused_at_the_login_step_even_with_the_right_code(client, signatory):
    device = enrol_totp(signatory)
    client.force_login(signatory)
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("accounts:verify_otp"), {"token": wrong_code_for(device)})
        response = client.post(reverse("accounts:verify_otp"), {"token": code_for(device)})
        assert response.status_code == 200
        assert "U heeft te vaak een verkeerde code ingevoerd. Wacht 1 seconde en probeer het opnieuw." in (
            response.content.decode())
        assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # counted, although the check answered with an error
    assert [e.after["reason"] for e in AuditEvent.objects.filter(verb="accounts.two_factor.failed").order_by("pk")] \
        == ["invalid_otp", "otp_throttled"]

    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        response = client.post(reverse("accounts:verify_otp"), {"token": code_for(device)})
        assert response.status_code == 302
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, signatory):
    device = enrol_totp(signatory)
    code = code_for(device)
    client.force_login(signatory)
    client.post(reverse("accounts:verify_otp"), {"token": code})
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    other = Client()
    other.force_login(signatory)
    response = other.post(reverse("accounts:verify_otp"), {"token": code})
    assert WRONG_CODE_ERROR in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in other.session


@pytest.mark.django_db
def test_code_step_ignores_a_next_url_elsewhere(client, signatory):
    device = enrol_totp(signatory)
    client.force_login(signatory)
    response = client.post(reverse("accounts:verify_otp"),
                           {"token": code_for(device), "next": "https://elders.example/"})
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_code_step_without_a_device_sends_the_user_to_enrolment(client, signatory):
    client.force_login(signatory)
    response = client.get(reverse("accounts:verify_otp"))
    assert response["Location"] == reverse("accounts:two_factor")
