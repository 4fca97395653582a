"""Forms of the account pages. They check the shape of the input; the services decide."""

import logging

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import PortalError
from core.forms import UtrechtFormMixin

from .otp import totp_verify
from .services import password_reset_complete, password_reset_record_mail_failed, password_reset_record_request
from .throttle import client_ip_address, login_throttled, login_throttled_message

logger = logging.getLogger(__name__)


class LoginForm(UtrechtFormMixin, AuthenticationForm):
    """E-mail and password. One message for an unknown address, a wrong password and an inactive account,
    so the form never tells a stranger which e-mail addresses have an account."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("E-mailadres of wachtwoord klopt niet."),
        "inactive": _("E-mailadres of wachtwoord klopt niet."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("E-mailadres")
        username.widget.input_type = "email"
        username.widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})

    def clean_username(self) -> str:
        # Addresses are stored in lower case (UserManager), and people type them in any case.
        return (self.cleaned_data.get("username") or "").strip().lower()

    def get_invalid_login_error(self):
        # authenticate() returns None for a wrong password and for a login that django-axes refused; only the
        # second gets the lockout message, the same whether or not the address has an account.
        if login_throttled(self.request):
            return forms.ValidationError(
                login_throttled_message(self.request, self.cleaned_data.get("username")), code="login_throttled")
        return super().get_invalid_login_error()


class PortalPasswordResetForm(UtrechtFormMixin, PasswordResetForm):
    """Django's reset form: a link only for an active account with that address, and the same page whether or
    not there is one, also when the mail cannot be sent. Each link asked for is on record
    (accounts.password.reset_requested), and so is each one that could not be mailed
    (accounts.password.reset_mail_failed)."""

    def save(self, *args, request=None, **kwargs):
        self.request = request
        return super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # Django's own send_mail, but one that knows when the mail failed: Django's logs the failure and returns
        # as if it went out, which leaves no trace the administrator can find.
        request = getattr(self, "request", None)
        ip_address = client_ip_address(request) if request is not None else None
        user = context["user"]
        password_reset_record_request(user=user, ip_address=ip_address)
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(subject, loader.render_to_string(email_template_name, context),
                                         from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except Exception as exc:
            # Server down or hanging, address refused: the visitor still gets the usual page, since an error
            # would tell them that this address has an account.
            logger.warning("Password reset mail for user %s not sent", user.pk, exc_info=True)
            password_reset_record_mail_failed(user=user, ip_address=ip_address, error=exc)


class PortalSetPasswordForm(UtrechtFormMixin, SetPasswordForm):
    def save(self, commit=True):
        return password_reset_complete(user=self.user, password=self.cleaned_data["new_password1"])


class TokenForm(UtrechtFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        help_text=_("De zes cijfers die de app nu toont. Spaties mag u weglaten."),
        max_length=9,  # six digits, with a space or two from copying
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Een code bestaat uit zes cijfers."), code="otp_format")
        return token


class VerifyTokenForm(TokenForm):
    """Checks a code with accounts.otp.totp_verify (lock, throttle, no reuse, audit), for `purpose` ("login",
    "signing"). On success `device` holds the device that accepted it, for django_otp.login()."""

    def __init__(self, *args, user, purpose: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.purpose = purpose
        self.device: TOTPDevice | None = None

    def clean_token(self) -> str:
        token = super().clean_token()
        try:
            self.device = totp_verify(user=self.user, code=token, purpose=self.purpose)
        except PortalError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code)
        return token
