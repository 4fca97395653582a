"""Login throttling (django-axes): wrong passwords on the login page and the token API lock the e-mail address and
the client address, each on its own, for the cool-off; even the right password waits."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import DEFAULT_PASSWORD, UserFactory

# 10:00 in Amsterdam (UTC+1 in December): a lockout from now lifts after 10:15.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
LOCKED = ("Te veel mislukte inlogpogingen. Inloggen met dit e-mailadres of vanaf uw netwerkadres is tijdelijk "
          "geblokkeerd. Probeer het na 10:15 opnieuw.")
WRONG = "E-mailadres of wachtwoord klopt niet."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def user():
    return UserFactory(email="arts@praktijk.example")


def login(email: str, password: str = DEFAULT_PASSWORD, *, address: str = "127.0.0.1", client=None, **meta):
    client = client or Client()
    response = client.post(reverse("accounts:login"), {"username": email, "password": password},
                           REMOTE_ADDR=address, **meta)
    return response, client


def errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors()) if response.context else []


def token(email: str, password: str = DEFAULT_PASSWORD, *, address: str = "127.0.0.1", **meta):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json",
                            REMOTE_ADDR=address, **meta)


# --- The login page -------------------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(user):
    for attempt in range(1, 5):
        response, _client = login(user.email, f"fout-{attempt}")
        assert response.status_code == 200 and errors(response) == [WRONG], attempt

    response, _client = login(user.email, "fout-5")
    assert response.status_code == 429
    assert errors(response) == [LOCKED]
    assert LOCKED in response.content.decode()

    response, client = login(user.email)  # the right password, a minute later
    assert response.status_code == 429
    assert errors(response) == [LOCKED]
    assert "_auth_user_id" not in client.session


def test_the_lockout_lifts_after_the_cool_off(user):
    for attempt in range(5):
        login(user.email, f"fout-{attempt}")
    with time_machine.travel(NOW + timedelta(minutes=14, seconds=59), tick=False):
        response, _client = login(user.email)
        assert response.status_code == 429 and errors(response) == [LOCKED]
    # The refused attempt just now did not extend the lockout: it still lifts after 10:15.
    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        response, client = login(user.email)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_a_lockout_reads_the_same_for_an_address_without_an_account(user):
    for attempt in range(5):
        login(user.email, f"fout-{attempt}", address="192.0.2.1")
        login("niemand@nergens.example", f"fout-{attempt}", address="192.0.2.2")
    known, _client = login(user.email, address="192.0.2.3")
    unknown, _client = login("niemand@nergens.example", address="192.0.2.4")
    assert (known.status_code, errors(known)) == (unknown.status_code, errors(unknown)) == (429, [LOCKED])


def test_the_address_is_locked_across_accounts(user):
    for n in range(5):  # one wrong password each for five addresses: no account reaches its limit
        response, _client = login(f"gok{n}@praktijk.example", "fout")
    assert response.status_code == 429 and errors(response) == [LOCKED]

    response, client = login(user.email)
    assert response.status_code == 429 and errors(response) == [LOCKED]
    assert "_auth_user_id" not in client.session
    # The same account from another address is not locked.
    response, client = login(user.email, address="10.0.0.2")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_the_account_is_locked_across_addresses(user):
    for n in range(5):
        login(user.email, "fout", address=f"198.51.100.{n + 1}")
    response, client = login(user.email, address="198.51.100.99")
    assert response.status_code == 429 and errors(response) == [LOCKED]
    assert "_auth_user_id" not in client.session


def test_logging_in_does_not_unlock_an_address_that_guesses_at_other_accounts(user):
    for n in range(4):
        login(f"gok{n}@praktijk.example", "fout")
    response, client = login(user.email)  # someone at the same address logs in to their own account
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))

    response, _client = login("gok4@praktijk.example", "fout")
    assert response.status_code == 429 and errors(response) == [LOCKED]
    response, _client = login(user.email)
    assert response.status_code == 429


def test_logging_in_forgets_the_users_own_typos(user):
    for attempt in range(4):
        login(user.email, f"fout-{attempt}")
    response, client = login(user.email)
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    for attempt in range(4):  # four more: the earlier four no longer count
        response, _client = login(user.email, f"nog-eens-fout-{attempt}")
        assert response.status_code == 200 and errors(response) == [WRONG]


def test_behind_the_proxy_the_client_is_the_address_it_forwarded(user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "172.17.0.1"
    for n in range(5):
        # Whatever the client itself puts in X-Forwarded-For (left of what the proxy appended) is ignored.
        login(f"gok{n}@praktijk.example", "fout", address=proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5")
    response, _client = login(user.email, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 429
    response, client = login(user.email, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_without_a_proxy_a_forged_forwarded_for_changes_nothing(user):
    for n in range(5):
        login(f"gok{n}@praktijk.example", "fout", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response, _client = login(user.email, HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 429


def test_the_admin_login_is_throttled_too(db):
    admin = UserFactory(email="beheer@portaal.example", is_staff=True, is_superuser=True)
    client = Client()
    for attempt in range(5):
        response = client.post(reverse("admin:login"), {"username": admin.email, "password": f"fout-{attempt}"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- The token API --------------------------------------------------------------------------------------
def test_the_token_api_locks_and_answers_429_with_its_error_shape(user):
    for attempt in range(4):
        response = token(user.email, f"fout-{attempt}")
        assert (response.status_code, response.json()["code"]) == (400, "invalid_credentials"), attempt

    response = token(user.email, "fout-5")
    assert response.status_code == 429
    assert response.json() == {"code": "login_throttled", "detail": LOCKED}
    assert response["Retry-After"] == str(15 * 60)

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = token(user.email)  # the right password
        assert response.status_code == 429 and response.json()["code"] == "login_throttled"
        assert response["Retry-After"] == str(10 * 60)
    assert not ApiToken.objects.exists()

    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        assert token(user.email).status_code == 200


def test_the_token_api_answers_in_english_when_asked(user):
    for attempt in range(5):
        response = token(user.email, f"fout-{attempt}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response.json()["detail"] == ("Too many failed login attempts. Logging in with this e-mail address or "
                                         "from your network address is blocked for now. Try again after 10:15.")


def test_the_login_page_and_the_api_count_together(user):
    for attempt in range(3):
        login(user.email, f"fout-{attempt}")
    for attempt in range(2):
        response = token(user.email, f"api-fout-{attempt}", address=f"10.1.1.{attempt}")
    assert response.status_code == 429
    response, _client = login(user.email, address="10.2.2.2")
    assert response.status_code == 429


def test_the_api_locks_the_address_across_accounts(user):
    for n in range(5):
        response = token(f"gok{n}@praktijk.example", "fout")
    assert response.status_code == 429
    assert token(user.email).status_code == 429
    assert token(user.email, address="10.0.0.2").status_code == 200


def test_the_message_names_the_day_when_the_lockout_lifts_tomorrow(user, settings):
    settings.AXES_COOLOFF_TIME = timedelta(hours=16)
    for attempt in range(5):
        response, _client = login(user.email, f"fout-{attempt}")
    assert re.search(r"Probeer het na 2 december 2026 02:00 opnieuw\.", errors(response)[0])


# --- Lockouts on record ---------------------------------------------------------------------------------
def lockouts() -> list[tuple]:
    from core.models import AuditEvent

    return [(e.actor, e.object_type, e.after) for e in
            AuditEvent.objects.filter(verb="accounts.login.locked_out").order_by("at", "pk")]


def test_a_lockout_through_the_login_page_is_on_record_once(user):
    for attempt in range(4):
        login(user.email, f"fout-{attempt}", address="192.0.2.1")
    assert lockouts() == []
    login(user.email, "fout-5", address="192.0.2.1")
    expected = [(None, "axes.accessattempt", {"username": user.email, "ip_address": "192.0.2.1"})]
    assert lockouts() == expected
    # Refused while it lasts, the right password and a wrong one, from here and from elsewhere: the same lockout.
    for password, address in ((DEFAULT_PASSWORD, "192.0.2.1"), ("fout-6", "192.0.2.1"), ("fout-7", "192.0.2.9")):
        response, _client = login(user.email, password, address=address)
        assert response.status_code == 429
    assert lockouts() == expected

    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):  # lifted; five more lock it again
        for attempt in range(5):
            login(user.email, f"later-{attempt}", address="192.0.2.1")
    assert lockouts() == expected * 2


def test_a_lockout_through_the_token_api_is_on_record_once(user):
    for attempt in range(5):
        token(user.email, f"fout-{attempt}", address="192.0.2.2")
    expected = [(None, "axes.accessattempt", {"username": user.email, "ip_address": "192.0.2.2"})]
    assert lockouts() == expected
    assert token(user.email, address="192.0.2.2").status_code == 429
    assert lockouts() == expected


def test_an_address_guessing_at_accounts_is_on_record_when_it_is_locked(user):
    for n in range(5):  # no account reaches its limit; the client address does, at the fifth
        response, _client = login(f"gok{n}@praktijk.example", "fout", address="192.0.2.3")
    assert response.status_code == 429
    assert lockouts() == [(None, "axes.accessattempt", {"username": "gok4@praktijk.example",
                                                        "ip_address": "192.0.2.3"})]
