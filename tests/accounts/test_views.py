"""Account pages: login, password reset, profile, inbox."""

import base64
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import shows_demo_secret, user_may_sign
from accounts.models import Membership, Notification, Role
from core.models import AuditEvent
from tests.factories import (
    DEFAULT_PASSWORD,
    CareGroupFactory,
    PracticeFactory,
    UserFactory,
    enrol_totp,
    make_member,
)

LOGIN_ERROR = "E-mailadres of wachtwoord klopt niet"


def logged_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


# --- Login ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_it_logs_in_with_email_and_password(client, practice_user):
    response = client.post(reverse("accounts:login"), {"username": practice_user.email,
                                                       "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(practice_user.pk)


@pytest.mark.django_db
def test_login_accepts_the_email_in_other_case(client, practice_user):
    response = client.post(reverse("accounts:login"), {"username": practice_user.email.upper(),
                                                       "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_login_page_links_to_password_reset(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert reverse("accounts:password_reset") in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_dutch_message(client, practice_user):
    response = client.post(reverse("accounts:login"), {"username": practice_user.email, "password": "fout"})
    assert response.status_code == 200
    assert LOGIN_ERROR in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_error_does_not_reveal_whether_the_email_exists(client, practice_user):
    inactive = UserFactory(email="oud@praktijk.example", is_active=False)

    def error_for(email):
        response = client.post(reverse("accounts:login"), {"username": email, "password": "fout-wachtwoord"})
        assert LOGIN_ERROR in response.content.decode()
        return list(response.context["form"].non_field_errors())

    wrong_password = error_for(practice_user.email)
    assert error_for("niemand@nergens.example") == wrong_password
    assert error_for(inactive.email) == wrong_password


@pytest.mark.django_db
def test_login_sends_an_enrolled_user_to_the_code_step(client):
    signatory = make_member(Role.PRACTICE_SIGNATORY, PracticeFactory(), email="teken@praktijk.example")
    enrol_totp(signatory)
    response = client.post(reverse("accounts:login") + "?next=/account/meldingen/",
                           {"username": signatory.email, "password": DEFAULT_PASSWORD,
                            "next": "/account/meldingen/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify_otp") + "?next=%2Faccount%2Fmeldingen%2F"


# --- Password reset -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_password_reset_mail_has_a_link_that_sets_a_new_password(client, practice_user, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": practice_user.email})
    assert response["Location"] == reverse("accounts:password_reset_done")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [practice_user.email]
    assert mail.subject == "Nieuw wachtwoord voor het Contracteerportaal huisartsenzorg"
    assert "Via deze link kiest u een nieuw wachtwoord" in mail.body
    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mail.body).group(1)

    # Django swaps the token in the link for one in the session and redirects to a set-password URL.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Nieuw wachtwoord kiezen" in response.content.decode()
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "paarden-nietje-batterij",
                                              "new_password2": "paarden-nietje-batterij"})
    assert response["Location"] == reverse("accounts:password_reset_complete")

    practice_user.refresh_from_db()
    assert practice_user.check_password("paarden-nietje-batterij")
    assert not practice_user.check_password(DEFAULT_PASSWORD)
    # The link works once.
    again = client.get(link, follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()


@pytest.mark.django_db
def test_password_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@nergens.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


@pytest.mark.django_db
def test_password_reset_request_and_completion_are_on_record(client, practice_user, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": practice_user.email}, REMOTE_ADDR="192.0.2.7")
    requested = AuditEvent.objects.get(verb="accounts.password.reset_requested")
    assert (requested.actor, requested.object_id) == (None, str(practice_user.pk))  # nobody is logged in
    assert requested.after == {"ip_address": "192.0.2.7"}
    assert not AuditEvent.objects.filter(verb="accounts.password.reset").exists()

    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mailoutbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": "paarden-nietje-batterij",
                                   "new_password2": "paarden-nietje-batterij"})
    done = AuditEvent.objects.get(verb="accounts.password.reset")
    assert (done.actor, done.object_id) == (practice_user, str(practice_user.pk))
    assert "paarden" not in str(done.before) + str(done.after)


@pytest.mark.django_db
def test_password_reset_rejected_passwords_leave_no_record(client, practice_user, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": practice_user.email})
    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mailoutbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "kort", "new_password2": "kort"})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(verb="accounts.password.reset").exists()
    practice_user.refresh_from_db()
    assert practice_user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_or_inactive_address_records_nothing(client, practice_user, mailoutbox):
    inactive = UserFactory(email="oud@praktijk.example", is_active=False)
    known = client.post(reverse("accounts:password_reset"), {"email": practice_user.email})
    for email in ("niemand@nergens.example", inactive.email):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        # The same answer as for an account that exists: nothing to learn about which addresses have one.
        assert (response.status_code, response["Location"]) == (known.status_code, known["Location"])
    assert len(mailoutbox) == 1
    assert list(AuditEvent.objects.filter(verb="accounts.password.reset_requested")
                .values_list("object_id", flat=True)) == [str(practice_user.pk)]


@pytest.mark.django_db
def test_password_reset_with_the_mail_server_down_looks_the_same_as_for_an_unknown_address(settings, client,
                                                                                          practice_user):
    """Nothing listens on the mail port: a known address gets the same redirect and page as an unknown one
    (no error that would tell them apart), and the failed mail is on record for the administrator."""
    from tests.accounts.test_outbox import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    url = reverse("accounts:password_reset")
    known = client.post(url, {"email": practice_user.email}, REMOTE_ADDR="192.0.2.7")
    unknown = client.post(url, {"email": "niemand@nergens.example"}, REMOTE_ADDR="192.0.2.7")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (
        302, reverse("accounts:password_reset_done"))
    known_page, unknown_page = client.get(known["Location"]), client.get(unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200

    def without_csrf(page) -> str:  # the CSRF token is masked afresh on every page
        return re.sub(r"[A-Za-z0-9]{64}", "csrf", page.content.decode())

    assert without_csrf(known_page) == without_csrf(unknown_page)
    assert "Controleer uw e-mail" in known_page.content.decode()

    (failed,) = AuditEvent.objects.filter(verb="accounts.password.reset_mail_failed")
    assert (failed.actor, failed.object_id) == (None, str(practice_user.pk))
    assert failed.after["ip_address"] == "192.0.2.7"
    assert failed.after["error"].startswith("ConnectionRefusedError")
    assert AuditEvent.objects.filter(verb="accounts.password.reset_requested").count() == 1


# --- Profile --------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_profile_shows_name_email_and_memberships(client, practice_user, practice, insurer):
    Membership.objects.create(user=practice_user, role=Role.INSURER_PURCHASER, insurer=insurer)
    body = logged_in(client, practice_user).get(reverse("accounts:profile")).content.decode()
    assert practice_user.full_name in body
    assert practice_user.email in body
    assert "Praktijkmedewerker" in body and practice.name in body
    assert reverse("accounts:practice_detail", args=[practice.pk]) in body
    assert "Zorginkoper" in body and insurer.name in body
    assert "Er is nog geen authenticator-app aan uw account gekoppeld" in body


@pytest.mark.django_db
def test_profile_without_memberships_says_what_will_appear(client):
    body = logged_in(client, UserFactory()).get(reverse("accounts:profile")).content.decode()
    assert "Uw account is nog niet aan een organisatie gekoppeld" in body


@pytest.mark.django_db
def test_signatory_without_two_factor_sees_the_enrolment_notice(client, practice):
    signatory = make_member(Role.PRACTICE_SIGNATORY, practice)
    body = logged_in(client, signatory).get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="signatory-notice"' in body
    assert "U mag pas contracten ondertekenen als u een authenticator-app" in body


@pytest.mark.django_db
def test_enrolled_signatory_and_plain_member_see_no_notice(client, practice, practice_user):
    signatory = make_member(Role.CAREGROUP_SIGNATORY, CareGroupFactory())
    enrol_totp(signatory)
    for user in (signatory, practice_user):
        body = logged_in(client, user).get(reverse("accounts:profile")).content.decode()
        assert 'data-testid="signatory-notice"' not in body


@pytest.mark.django_db
def test_demo_signatory_sees_the_qr_code_of_its_device(client, practice):
    demo = make_member(Role.PRACTICE_SIGNATORY, practice, email="tekenbevoegde@praktijk1.demo")
    device = enrol_totp(demo)
    body = logged_in(client, demo).get(reverse("accounts:profile")).content.decode()
    assert "<svg" in body
    secret = base64.b32encode(device.bin_key).decode()
    assert secret[:4] + " " + secret[4:8] in body


@pytest.mark.django_db
def test_real_account_never_sees_its_secret_again(client, practice):
    real = make_member(Role.PRACTICE_SIGNATORY, practice, email="teken@praktijk.nl")
    enrol_totp(real)
    body = logged_in(client, real).get(reverse("accounts:profile")).content.decode()
    assert "<svg" not in body
    assert 'data-testid="totp-secret"' not in body


@pytest.mark.django_db
def test_shows_demo_secret_only_for_demo_addresses():
    assert shows_demo_secret(UserFactory(email="a@praktijk3.demo"))
    assert shows_demo_secret(UserFactory(email="b@PRAKTIJK4.DEMO"))
    assert not shows_demo_secret(UserFactory(email="c@demo.nl"))
    assert not shows_demo_secret(UserFactory(email="d@praktijk.demo.nl"))


@pytest.mark.django_db
def test_user_may_sign_needs_signatory_role_and_confirmed_device(practice, practice_user):
    signatory = make_member(Role.PRACTICE_SIGNATORY, practice)
    membership = signatory.memberships.get()
    assert not user_may_sign(signatory, membership)  # no device yet

    TOTPDevice.objects.create(user=signatory, name="pending", confirmed=False)
    assert not user_may_sign(signatory, membership)  # enrolment not finished

    enrol_totp(signatory)
    assert user_may_sign(signatory, membership)

    enrol_totp(practice_user)
    assert not user_may_sign(practice_user, practice_user.memberships.get())  # not a signatory
    assert not user_may_sign(practice_user, membership)  # someone else's membership


# --- Inbox ----------------------------------------------------------------------------------------------
def _notice(user, n, *, read=False, minutes_ago=0, **extra):
    return Notification.objects.create(
        user=user, key=f"test-{user.pk}-{n}", subject=f"Melding {n}", body=f"Tekst {n}",
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None, **extra)


@pytest.mark.django_db
def test_inbox_empty_state(client, practice_user):
    body = logged_in(client, practice_user).get(reverse("accounts:inbox")).content.decode()
    assert "U heeft nog geen meldingen. Hier verschijnen berichten over deadlines" in body


@pytest.mark.django_db
def test_inbox_shows_only_own_notifications_newest_first_unread_bold(client, practice_user, outsider):
    _notice(practice_user, 1, minutes_ago=30, read=True)
    _notice(practice_user, 2, minutes_ago=10, url="/account/profiel/")
    _notice(outsider, 3)
    body = logged_in(client, practice_user).get(reverse("accounts:inbox")).content.decode()
    assert "Melding 3" not in body
    assert body.index("Melding 2") < body.index("Melding 1")
    assert '<strong class="portal-unread">Melding 2</strong>' in body
    assert '<strong class="portal-unread">Melding 1</strong>' not in body
    assert 'href="/account/profiel/"' in body


@pytest.mark.django_db
def test_an_unread_notice_stays_on_the_first_page_under_newer_read_ones(client, practice_user):
    # Melding 0 came 60 minutes ago and is unread; 30 newer ones (1 … 30 minutes ago) were read. Unread first:
    # Melding 0 heads page 1, then the read ones newest first, so page 1 holds Melding 0 and 1 … 24.
    _notice(practice_user, 0, minutes_ago=60)
    for n in range(1, 31):
        _notice(practice_user, n, minutes_ago=n, read=True)
    first = logged_in(client, practice_user).get(reverse("accounts:inbox")).content.decode()
    assert '<strong class="portal-unread">Melding 0</strong>' in first
    order = list(dict.fromkeys(int(n) for n in re.findall(r"Melding (\d+)\b", first)))
    assert order == [0, *range(1, 25)]


@pytest.mark.django_db
def test_inbox_links_only_to_pages_of_the_portal(client, practice_user):
    _notice(practice_user, 1, url="https://elders.example/")
    _notice(practice_user, 2, url="//elders.example/")
    body = logged_in(client, practice_user).get(reverse("accounts:inbox")).content.decode()
    assert "elders.example" not in body


@pytest.mark.django_db
def test_inbox_pages_by_25(client, practice_user):
    for n in range(30):
        _notice(practice_user, n, minutes_ago=n)
    logged_in(client, practice_user)
    first = client.get(reverse("accounts:inbox")).content.decode()
    assert "Melding 0<" in first and "Melding 24<" in first and "Melding 25<" not in first
    assert "Pagina 1 van 2" in first
    second = client.get(reverse("accounts:inbox") + "?pagina=2").content.decode()
    assert "Melding 25<" in second and "Melding 29<" in second and "Melding 24<" not in second


@pytest.mark.django_db
def test_mark_read(client, practice_user):
    notice = _notice(practice_user, 1)
    response = logged_in(client, practice_user).post(reverse("accounts:notification_read", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:inbox"))
    notice.refresh_from_db()
    assert notice.read_at is not None
    body = client.get(reverse("accounts:inbox")).content.decode()
    assert '<strong class="portal-unread">' not in body


@pytest.mark.django_db
def test_mark_read_keeps_the_page(client, practice_user):
    notice = _notice(practice_user, 1)
    response = logged_in(client, practice_user).post(reverse("accounts:notification_read", args=[notice.pk]),
                                                     {"pagina": "2"})
    assert response["Location"] == f"{reverse('accounts:inbox')}?pagina=2#melding-{notice.pk}"


@pytest.mark.django_db
def test_mark_read_of_another_users_notification_is_404(client, practice_user, outsider):
    theirs = _notice(outsider, 1)
    response = logged_in(client, practice_user).post(reverse("accounts:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_mark_read_needs_post_and_csrf(practice_user):
    notice = _notice(practice_user, 1)
    client = logged_in(Client(enforce_csrf_checks=True), practice_user)
    assert client.get(reverse("accounts:notification_read", args=[notice.pk])).status_code == 405
    assert client.post(reverse("accounts:notification_read", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.django_db
def test_inbox_query_count_does_not_grow_with_notifications(client, practice_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logged_in(client, practice_user)

    def queries_for_inbox():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("accounts:inbox")).status_code == 200
        return len(ctx.captured_queries)

    _notice(practice_user, 0)
    few = queries_for_inbox()
    for n in range(1, 40):
        _notice(practice_user, n, read=n % 2 == 0)
    assert queries_for_inbox() == few
    # session, user, memberships and unread count (context processor), page count, page rows
    with django_assert_max_num_queries(6):
        client.get(reverse("accounts:inbox"))
