from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insurers.models import Insurer
from providers.models import CareGroup, OverlegTeam, Practice

from .notices import render


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an e-mail address; acts for organisations through memberships."""

    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("toegang tot beheer"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class Role(models.TextChoices):
    INSURER_PURCHASER = "insurer_purchaser", _("Zorginkoper")
    PRACTICE_MEMBER = "practice_member", _("Praktijkmedewerker")
    PRACTICE_SIGNATORY = "practice_signatory", _("Tekenbevoegde praktijk")
    CAREGROUP_MEMBER = "caregroup_member", _("Medewerker samenwerkingsverband")
    CAREGROUP_SIGNATORY = "caregroup_signatory", _("Tekenbevoegde samenwerkingsverband")
    OTH_MEMBER = "oth_member", _("Lid overlegteam huisartsen")
    NZA_ANALYST = "nza_analyst", _("Analist NZa")
    ADMINISTRATOR = "administrator", _("Beheerder")


# Which organisation field a role needs; roles absent here need none (NZa, administrator).
ROLE_ORGANISATION_FIELD = {
    Role.INSURER_PURCHASER: "insurer",
    Role.PRACTICE_MEMBER: "practice",
    Role.PRACTICE_SIGNATORY: "practice",
    Role.CAREGROUP_MEMBER: "care_group",
    Role.CAREGROUP_SIGNATORY: "care_group",
    Role.OTH_MEMBER: "overleg_team",
}
SIGNATORY_ROLES = frozenset({Role.PRACTICE_SIGNATORY, Role.CAREGROUP_SIGNATORY})
_ORG_FIELDS = ("insurer", "practice", "care_group", "overleg_team")


def _membership_shape() -> models.Q:
    """Each role points at exactly the organisation kind it needs, and at no other."""
    q = models.Q()
    for role in Role:
        needed = ROLE_ORGANISATION_FIELD.get(role)
        cond = models.Q(role=role)
        for field in _ORG_FIELDS:
            cond &= models.Q(**{f"{field}__isnull": field != needed})
        q |= cond
    return q


class Membership(models.Model):
    """Ties a user to an organisation they act for, in one role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("gebruiker"))
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    insurer = models.ForeignKey(Insurer, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="memberships", verbose_name=_("zorgverzekeraar"))
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="memberships", verbose_name=_("praktijk"))
    care_group = models.ForeignKey(CareGroup, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="memberships", verbose_name=_("samenwerkingsverband"))
    overleg_team = models.ForeignKey(OverlegTeam, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="memberships", verbose_name=_("overlegteam"))
    # A practice membership of a GP (huisarts), not of a practice's other staff: the LHV asks GPs, not
    # organisations, so surveys for "the GP members of practices" invite the users with such a membership.
    is_gp = models.BooleanField(_("huisarts"), default=False, db_default=False,
                                help_text=_("Deze persoon is huisarts in deze praktijk (niet: andere medewerker)."))
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_gp=False) | models.Q(role__in=[Role.PRACTICE_MEMBER, Role.PRACTICE_SIGNATORY]),
                name="membership_gp_only_in_a_practice"),
            models.CheckConstraint(
                condition=_membership_shape(), name="membership_role_matches_organisation",
                violation_error_message=_("Deze rol hoort bij precies één organisatie van de juiste soort "
                                          "(bijvoorbeeld een zorginkoper bij een zorgverzekeraar)."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "insurer", "practice", "care_group", "overleg_team"],
                name="membership_unique", nulls_distinct=False,
                violation_error_message=_("Deze gebruiker heeft deze rol voor deze organisatie al."),
            ),
        ]

    def __str__(self) -> str:
        org = self.organisation
        return f"{self.user} — {self.get_role_display()}" + (f" — {org}" if org else "")

    @property
    def organisation(self):
        field = ROLE_ORGANISATION_FIELD.get(self.role)
        return getattr(self, field) if field else None

    @property
    def is_signatory(self) -> bool:
        return self.role in SIGNATORY_ROLES


class MailStatus(models.TextChoices):
    """Where a notice's e-mail stands; derived from the outbox columns of Notification (see mail_status)."""

    PENDING = "pending", _("wacht op verzending")
    FAILED = "failed", _("mislukt, wordt opnieuw geprobeerd")
    GAVE_UP = "gave_up", _("niet te bezorgen")
    SENT = "sent", _("verzonden")
    SKIPPED = "skipped", _("niet verzonden (gebruiker niet actief)")


# The one definition of each mail status as a query; Notification.mail_status says the same for one row.
MAIL_STATUS_CONDITIONS = {
    MailStatus.SENT: models.Q(emailed_at__isnull=False),
    MailStatus.GAVE_UP: models.Q(emailed_at__isnull=True, email_gave_up_at__isnull=False),
    MailStatus.SKIPPED: models.Q(emailed_at__isnull=True, email_next_attempt_at__isnull=True,
                                 email_gave_up_at__isnull=True),
    MailStatus.FAILED: models.Q(emailed_at__isnull=True, email_next_attempt_at__isnull=False, email_attempts__gt=0),
    MailStatus.PENDING: models.Q(emailed_at__isnull=True, email_next_attempt_at__isnull=False, email_attempts=0),
}


class Notification(models.Model):
    """An item in a user's in-portal inbox, and its e-mail in the outbox. `key` makes each notification happen
    once per user.

    Texts: `subject_msgid`/`body_msgid` with `params` render in the reader's language (accounts.notices);
    `subject`/`body` hold the Dutch text as it was written and e-mailed (rows from before message ids have
    only these). Outbox: the mail sweep sends every notice whose `email_next_attempt_at` has come, claiming it
    until `email_claimed_until`; `emailed_at` is set only after the mail went out, `email_gave_up_at` when the
    sweep stopped trying (then `email_next_attempt_at` is empty)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("gebruiker"))
    key = models.CharField(_("sleutel"), max_length=120)
    subject = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("bericht"), blank=True)
    subject_msgid = models.CharField(_("onderwerp (brontekst)"), max_length=200, blank=True)
    body_msgid = models.TextField(_("bericht (brontekst)"), blank=True)
    params = models.JSONField(_("gegevens in de tekst"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)
    email_next_attempt_at = models.DateTimeField(_("volgende verzendpoging"), null=True, blank=True,
                                                 default=timezone.now)
    email_claimed_until = models.DateTimeField(_("in verzending tot"), null=True, blank=True)
    email_attempts = models.PositiveIntegerField(_("verzendpogingen"), default=0)
    email_last_error = models.TextField(_("laatste verzendfout"), blank=True)
    # Set when the outbox stopped trying: the recipient was refused for good, or the mail failed too often.
    email_gave_up_at = models.DateTimeField(_("niet meer geprobeerd sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user")]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            # The mail sweep's query, in its order; only mail still to be tried is in it (not sent, not skipped,
            # not given up), so it stays small however many notices there are.
            models.Index(fields=["email_next_attempt_at", "id"], name="notification_mail_due",
                         condition=models.Q(emailed_at__isnull=True, email_next_attempt_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def display_subject(self) -> str:
        """The subject in the active language."""
        return render(self.subject_msgid, self.params) if self.subject_msgid else self.subject

    @property
    def display_body(self) -> str:
        """The body in the active language."""
        return render(self.body_msgid, self.params) if self.subject_msgid else self.body

    @property
    def mail_status(self) -> str:
        if self.emailed_at is not None:
            return MailStatus.SENT
        if self.email_gave_up_at is not None:
            return MailStatus.GAVE_UP
        if self.email_next_attempt_at is None:
            return MailStatus.SKIPPED
        return MailStatus.FAILED if self.email_attempts else MailStatus.PENDING


class ApiToken(models.Model):
    """An API token (header `Authorization: Token <key>`). `two_factor` records that a valid TOTP code was given
    when it was issued: only such a token may sign. The key is stored hashed (SHA-256), so a database leak
    yields no usable tokens."""

    key = models.CharField(_("sleutel (hash)"), max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker"))
    two_factor = models.BooleanField(_("met tweestapsverificatie uitgegeven"), default=False)
    created_at = models.DateTimeField(_("uitgegeven op"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def expires_at(self):
        """A token that may sign lasts as long as a working day's session; others last a month (settings)."""
        lifetime = settings.API_TOKEN_TWO_FACTOR_LIFETIME if self.two_factor else settings.API_TOKEN_LIFETIME
        return self.created_at + lifetime


class CalendarFeed(models.Model):
    """A user's secret calendar feed (iCal) of their own deadlines. Calendar apps fetch it without a session,
    so the link itself is the secret: `<pk>-<token>`, where the token is derived from `nonce` and the portal's
    SECRET_KEY (accounts.selectors.calendar_feed_token) and never stored, so a database leak yields no usable
    link. A new link (a new nonce) ends the old one at once; changing SECRET_KEY changes every link (the profile
    page then shows the new one)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed",
                                verbose_name=_("gebruiker"))
    nonce = models.CharField(_("willekeurig deel"), max_length=64)
    # Counts the links made; the "new link" form posts the version it replaces, so posting it twice (a double
    # click, a browser resubmitting) makes one new link, not two.
    version = models.PositiveIntegerField(_("versie"), default=1)
    created_at = models.DateTimeField(_("aangemaakt op"))

    class Meta:
        verbose_name = _("agenda-link")
        verbose_name_plural = _("agenda-links")

    def __str__(self) -> str:
        return f"{self.user} (v{self.version})"
