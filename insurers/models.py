import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.uploads import UPLOAD_NAME_MAX

uzovi_validator = RegexValidator(r"^\d{4}$", _("Een UZOVI-code bestaat uit 4 cijfers."))


class Insurer(models.Model):
    """A health insurer (zorgverzekeraar) that buys GP care on its own purchasing policy."""

    name = models.CharField(_("naam"), max_length=120, unique=True)
    short_name = models.CharField(_("korte naam"), max_length=30, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    uzovi_code = models.CharField(_("UZOVI-code"), max_length=4, unique=True, validators=[uzovi_validator])
    website = models.URLField(_("website"), blank=True)
    # Whether the insurer is party to the Good Contracting Practices (GCP, 2016): DSW distanced itself from
    # them, so the monitor's GCP scoreboard marks it "geen partij bij GCP" instead of measuring it against them.
    gcp_party = models.BooleanField(_("partij bij Goede contracteerpraktijken"), default=True,
                                    help_text=_("Uit: de zorgverzekeraar heeft de GCP niet onderschreven (zoals "
                                                "DSW); het GCP-scorebord toetst hem er dan niet aan."))

    class Meta:
        verbose_name = _("zorgverzekeraar")
        verbose_name_plural = _("zorgverzekeraars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PurchasingPolicy(models.Model):
    """An insurer's purchasing policy (inkoopbeleid) for one contract year: the working draft, from which
    each publication makes an immutable PolicyVersion."""

    insurer = models.ForeignKey(Insurer, on_delete=models.CASCADE, related_name="policies",
                                verbose_name=_("zorgverzekeraar"))
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst"), blank=True,
                            help_text=_("Opmaak: lege regel tussen alinea's, regels die met '# ' beginnen zijn kopjes, "
                                        "met '- ' opsommingen."))
    updated_at = models.DateTimeField(_("laatst bewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("inkoopbeleid")
        verbose_name_plural = _("inkoopbeleid")
        ordering = ["-year", "insurer__name"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "year"], name="policy_once_per_insurer_year",
                                    violation_error_message=_("Deze verzekeraar heeft al inkoopbeleid voor dit jaar.")),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} — inkoopbeleid {self.year}"


# The name people see (and download the file as); the stored file has a short generated name of its own, so this
# is the only limit on the name.
ATTACHMENT_NAME_MAX = UPLOAD_NAME_MAX


def _attachment_path(instance, filename: str) -> str:
    """policies/<insurer>/<year>/<uuid>.pdf: well inside the FileField's 100 characters whatever the uploaded
    name, and never a name taken from the upload (PolicyAttachment.name keeps that)."""
    return f"policies/{instance.policy.insurer_id}/{instance.policy.year}/{uuid.uuid4().hex}.pdf"


class PolicyAttachment(models.Model):
    """A PDF attached to a policy draft. Published versions point at the attachments they carried; an
    attachment that a version carries is never deleted or replaced."""

    policy = models.ForeignKey(PurchasingPolicy, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("inkoopbeleid"))
    file = models.FileField(_("bestand"), upload_to=_attachment_path)
    name = models.CharField(_("naam"), max_length=ATTACHMENT_NAME_MAX)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("geüpload op"), auto_now_add=True)
    removed_from_draft = models.BooleanField(_("uit concept verwijderd"), default=False)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """A published version of a purchasing policy. Never changed after it is written."""

    policy = models.ForeignKey(PurchasingPolicy, on_delete=models.CASCADE, related_name="versions",
                               verbose_name=_("inkoopbeleid"))
    number = models.PositiveSmallIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst"))
    attachments = models.ManyToManyField(PolicyAttachment, blank=True, related_name="versions",
                                         verbose_name=_("bijlagen"))
    published_at = models.DateTimeField(_("gepubliceerd op"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("gepubliceerd door"))
    is_late = models.BooleanField(_("te laat gepubliceerd"), default=False)
    change_summary = models.TextField(_("wijzigingen t.o.v. vorige versie"), blank=True)
    # What changed against the previous version, as data ({"first": true} or title, paragraph counts and
    # attachment names), so the summary reads in the reader's language; change_summary keeps the Dutch text.
    changes = models.JSONField(_("wijzigingen (gegevens)"), default=dict, blank=True)
    content_hash = models.CharField(_("inhoudshash"), max_length=64)

    class Meta:
        verbose_name = _("gepubliceerde versie")
        verbose_name_plural = _("gepubliceerde versies")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"

    def change_lines(self) -> list[str]:
        """The change summary, one sentence a line, in the active language."""
        return change_lines(self.changes) if self.changes else self.change_summary.splitlines()


def change_lines(changes: dict) -> list[str]:
    if changes.get("first"):
        return [gettext("Eerste publicatie.")]
    lines = []
    if changes.get("title"):
        old, new = changes["title"]
        lines.append(gettext("Titel gewijzigd: ‘%(old)s’ → ‘%(new)s’.") % {"old": old, "new": new})
    changed, added, removed = (changes.get(k, 0) for k in ("changed", "added", "removed"))
    if changed or added or removed:
        lines.append(ngettext("Tekst: %(changed)s alinea gewijzigd, %(added)s toegevoegd, %(removed)s verwijderd.",
                              "Tekst: %(changed)s alinea's gewijzigd, %(added)s toegevoegd, %(removed)s verwijderd.",
                              changed) % {"changed": changed, "added": added, "removed": removed})
    lines += [gettext("Bijlage toegevoegd: %(name)s.") % {"name": n} for n in changes.get("attachments_added", [])]
    lines += [gettext("Bijlage verwijderd: %(name)s.") % {"name": n} for n in changes.get("attachments_removed", [])]
    return lines or [gettext("Geen inhoudelijke wijzigingen.")]
