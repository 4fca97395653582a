"""Demo: the NZa monitor's figures of the demo years, asked for by the NZa's demo analyst after every other step,
with the year in force to be published once computed, so the demo shows a published year beside live ones.

The seed only queues the runs: it leaves the contract years' due milestones to the worker's first sweep (the
register, expired offers, …), and figures computed before that would be wrong, and a published year would keep
them. The worker computes each run once the sweep has caught up (monitor.services.ENGINE_WAIT) and publishes the
year in force then. Nothing is computed inside the seed, so this step costs the same at 200 and 50,000 practices.
A second seed leaves years that have a run alone."""

from django.utils import timezone

from accounts.models import Membership, Role
from monitor.models import MonitorPublication, MonitorRun
from monitor.services import monitor_request_recompute

from .registry import DemoContext, demo_step


@demo_step("monitor.snapshots", order=90)
def seed_monitor(ctx: DemoContext) -> dict[str, int]:
    analyst = Membership.objects.filter(role=Role.NZA_ANALYST).select_related("user").order_by("pk").first()
    if analyst is None:
        return {"monitor_runs": 0}
    have = set(MonitorPublication.objects.values_list("year", flat=True)) | set(
        MonitorRun.objects.values_list("year", flat=True))
    queued = 0
    for year in ctx.years:
        if year in have:
            continue
        # Asked for at the real moment, not the demo's: the run waits for the sweep from now on.
        monitor_request_recompute(actor=analyst.user, year=year, now=timezone.now(),
                                  publish_when_done=year == ctx.years[0])
        queued += 1
    return {"monitor_runs": queued}
