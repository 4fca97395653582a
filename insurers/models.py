from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

uzovi_validator = RegexValidator(r"^\d{4}$", _("Een UZOVI-code bestaat uit 4 cijfers."))


class Insurer(models.Model):
    """A health insurer (zorgverzekeraar) that buys GP care on its own purchasing policy."""

    name = models.CharField(_("naam"), max_length=120, unique=True)
    short_name = models.CharField(_("korte naam"), max_length=30, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    uzovi_code = models.CharField(_("UZOVI-code"), max_length=4, unique=True, validators=[uzovi_validator])
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("zorgverzekeraar")
        verbose_name_plural = _("zorgverzekeraars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
