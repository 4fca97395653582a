"""Monitor phase of scripts/benchmark: how long computing the NZa monitor takes on the benchmark data (5,000
practices, three contract years, 20,000 survey responses).

1. Every registered indicator of every contract year computed once (its compute function only, no writes), with
   its time, its query count and the number of cuts it returns: the query count must not depend on the data
   size (a few GROUP BY queries per indicator).
2. The run service (monitor.services.monitor_recompute) for each year that is not published: the time from "Nu
   herberekenen" to the last snapshot written, which is what the NZa waits for (aim: well under a minute). The
   runs seed_demo queued are run here (the year in force is published when its run is done), after the deadline
   sweep a worker would have run first (runs wait for it).

Usage (scripts/benchmark runs it): python scripts/bench_monitor.py [--slowest 12]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slowest", type=int, default=12, help="indicators listed per year, slowest first")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from contracting.models import ContractYear
    from contracting.services import deadlines_sweep
    from monitor.indicators import Context, all_indicators
    from monitor.models import MonitorPublication, MonitorRun, MonitorSnapshot
    from monitor.services import monitor_recompute

    started = time.perf_counter()
    deadlines_sweep(now=timezone.now())  # as the worker's first sweep after the seed: runs wait for it
    print(f"\nDeadline sweep before the monitor runs: {time.perf_counter() - started:.1f} s")
    for run in MonitorRun.objects.filter(status=MonitorRun.Status.QUEUED).order_by("year"):
        started = time.perf_counter()
        finished = monitor_recompute(year=run.year, now=timezone.now(), run=run)
        print(f"{run.year}: the queued run {time.perf_counter() - started:.2f} s "
              f"({finished.status if finished else 'not started'}"
              f"{', published' if run.publish_when_done else ''})")
    years = list(ContractYear.objects.order_by("year").values_list("year", flat=True))
    published = set(MonitorPublication.objects.values_list("year", flat=True))
    indicators = all_indicators()
    now = timezone.now()
    print(f"\nMonitor: {len(indicators)} indicators, contract years {years} (published: {sorted(published) or '-'})")
    failed = []
    for year in years:
        rows = []
        for indicator in indicators:
            executed: list[str] = []

            def count(execute, sql, params, many, context, executed=executed):
                executed.append(sql)
                return execute(sql, params, many, context)

            started = time.perf_counter()
            try:
                with connection.execute_wrapper(count):
                    cuts = len(list(indicator.compute(Context(year=year, now=now))))
            except Exception as exc:  # reported, and the phase fails below
                failed.append(f"{year} {indicator.code}: {type(exc).__name__}: {exc}")
                cuts = -1
            rows.append((time.perf_counter() - started, indicator.code, len(executed), cuts))
        total = sum(r[0] for r in rows)
        print(f"\n{year}: computing every indicator (no writes) {total:.2f} s, "
              f"{sum(r[2] for r in rows)} queries, {sum(max(r[3], 0) for r in rows)} cuts")
        header = f"  {'indicator':40} {'ms':>8} {'queries':>7} {'cuts':>6}"
        print(header)
        for seconds, code, queries, cuts in sorted(rows, reverse=True)[:args.slowest]:
            print(f"  {code:40} {seconds * 1000:8.1f} {queries:7d} {cuts:6d}")
    print()
    for year in years:
        if year in published:
            print(f"{year}: published, not recomputed (its figures stay as published)")
            continue
        started = time.perf_counter()
        run = monitor_recompute(year=year, now=timezone.now())
        wall = time.perf_counter() - started
        snapshots = MonitorSnapshot.objects.filter(year=year).count()
        print(f"{year}: monitor_recompute {wall:.2f} s ({run.status}, {run.indicators_done}/{run.indicators_total} "
              f"indicators, {snapshots} snapshot rows)")
        if run.status != MonitorRun.Status.DONE:
            failed.append(f"{year} run: {run.error}")
    if failed:
        print("failed:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
