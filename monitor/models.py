"""The NZa monitor's stored figures (ARCHITECTURE.md: `MonitorSnapshot(year, indicator, dimensions, value)`).

The monitor only reads the other apps, through their selectors; what it computes is kept here, per contract year
and indicator, cut by the dimensions the indicator supports (insurer, region, segment, provider type). The
dashboards, exports, API and the printable monitor read these rows only and never recompute on a page view.

- `MonitorRun`: one recomputation of one contract year: who asked, when it ran, how far it is (the progress bar)
  and from what it ran (`source`: the row counts and latest change moments of the data it read).
- `MonitorSnapshot`: one indicator's figures for one cut. `value` is the indicator's table (see
  monitor/indicators/__init__.py for its shape). An empty insurer/region or segment/provider type means "all".
- `MonitorPublication`: a published year; its snapshots are no longer recomputed, so its figures stay as
  published.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    ALL = "", _("alle segmenten")
    S1 = "s1", _("segment 1")
    S2 = "s2", _("segment 2")


class ProviderType(models.TextChoices):
    # As the surveys' respondent attributes name them (surveys.models.Invitation.attributes).
    ALL = "", _("alle zorgaanbieders")
    GP = "gp", _("alleen huisartsenzorg")
    CARE_GROUP = "care_group", _("alleen multidisciplinaire zorg")
    BOTH = "both", _("beide")


class MonitorRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    year = models.PositiveSmallIntegerField(_("contractjaar"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("aangevraagd door"))
    requested_at = models.DateTimeField(_("aangevraagd op"))
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    indicators_total = models.PositiveSmallIntegerField(_("aantal indicatoren"), default=0)
    indicators_done = models.PositiveSmallIntegerField(_("indicatoren berekend"), default=0)
    source = models.JSONField(_("berekend uit"), default=dict, blank=True)
    error = models.TextField(_("fout"), blank=True)
    # Moved on after every indicator: a running run whose heartbeat stops has lost its worker (monitor.services
    # marks it failed after RUN_STALE_AFTER).
    heartbeat_at = models.DateTimeField(_("laatste voortgang"), null=True, blank=True)
    # Milliseconds per indicator code, and "total".
    timings = models.JSONField(_("rekentijden (ms)"), default=dict, blank=True)
    # Publish the year once this run is done (the demo's year in force, computed by the worker after its first
    # sweep).
    publish_when_done = models.BooleanField(_("publiceren zodra klaar"), default=False)

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Meta:
        verbose_name = _("berekening")
        verbose_name_plural = _("berekeningen")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["year", "status"], name="monitorrun_year_status")]
        constraints = [
            # At most one queued or running run per year: a second request gets the first run, and two runs never
            # write the same year's snapshots at once.
            models.UniqueConstraint(fields=["year"], condition=models.Q(status__in=["queued", "running"]),
                                    name="monitorrun_one_active_per_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_status_display()} ({self.requested_at:%Y-%m-%d %H:%M})"


class MonitorSnapshot(models.Model):
    year = models.PositiveSmallIntegerField(_("contractjaar"))
    indicator = models.CharField(_("indicator"), max_length=64)
    insurer = models.ForeignKey("insurers.Insurer", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("zorgverzekeraar"))
    region = models.ForeignKey("providers.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("regio"))
    segment = models.CharField(_("segment"), max_length=4, choices=Segment.choices, blank=True, default="")
    provider_type = models.CharField(_("soort zorgaanbieder"), max_length=12, choices=ProviderType.choices,
                                     blank=True, default="")
    value = models.JSONField(_("waarde"))
    run = models.ForeignKey(MonitorRun, null=True, on_delete=models.SET_NULL, related_name="snapshots",
                            verbose_name=_("berekening"))
    computed_at = models.DateTimeField(_("berekend op"))

    class Meta:
        verbose_name = _("momentopname")
        verbose_name_plural = _("momentopnamen")
        ordering = ["year", "indicator", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator", "insurer", "region", "segment", "provider_type"],
                                    name="monitorsnapshot_unique_cut", nulls_distinct=False),
        ]
        indexes = [models.Index(fields=["year", "insurer", "region", "segment", "provider_type"],
                                name="monitorsnapshot_cut")]

    def __str__(self):
        return f"{self.year} {self.indicator}"


class MonitorPublication(models.Model):
    year = models.PositiveSmallIntegerField(_("contractjaar"), unique=True)
    published_at = models.DateTimeField(_("gepubliceerd op"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("gepubliceerd door"))
    run = models.ForeignKey(MonitorRun, null=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("berekening"))

    class Meta:
        verbose_name = _("gepubliceerd jaar")
        verbose_name_plural = _("gepubliceerde jaren")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)
