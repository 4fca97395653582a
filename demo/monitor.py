"""Demo: the NZa monitor's figures of the demo years, computed after every other step (so from the whole demo
data set), and the year in force published, so the demo shows a published year beside a live one. The nightly
run keeps the unpublished years fresh after that; a second seed leaves years already computed alone."""

from accounts.models import Membership, Role
from monitor.models import MonitorPublication, MonitorRun
from monitor.services import monitor_publish, monitor_recompute

from .registry import DemoContext, demo_step


@demo_step("monitor.snapshots", order=90)
def seed_monitor(ctx: DemoContext) -> dict[str, int]:
    in_force = ctx.years[0]
    published = set(MonitorPublication.objects.values_list("year", flat=True))
    computed = set(MonitorRun.objects.filter(status=MonitorRun.Status.DONE).values_list("year", flat=True))
    runs = publications = 0
    for year in ctx.years:
        if year in published or year in computed:
            continue
        monitor_recompute(year=year, now=ctx.now)
        runs += 1
    if in_force not in published:
        analyst = (Membership.objects.filter(role=Role.NZA_ANALYST).select_related("user").order_by("pk").first())
        if analyst is not None and MonitorRun.objects.filter(year=in_force, status=MonitorRun.Status.DONE).exists():
            monitor_publish(actor=analyst.user, year=in_force, now=ctx.now)
            publications += 1
    return {"monitor_runs": runs, "monitor_publications": publications}
