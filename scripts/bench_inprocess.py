"""In-process companion of scripts/bench_load.py: each page and endpoint requested through Django's test client
on the seeded database (no HTTP server, no other clients), one at a time, with its median and p95 time, its
query count and its size, as ratios to the trivial view measured the same way in the same run.

Usage (scripts/benchmark runs it): python scripts/bench_inprocess.py --prepared prepared.json [--repeat 20]
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepared", required=True, help="JSON printed by manage.py benchmark_prepare")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per endpoint")
    args = parser.parse_args()
    prepared = json.load(open(args.prepared))

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from contracting.models import Offer

    year = prepared.get("register_year", prepared["year"])  # the year whose signing has closed, mostly signed
    public = Client(HTTP_HOST="localhost")
    purchaser = Client(HTTP_HOST="localhost")
    purchasing = User.objects.get(email=prepared["purchaser"])
    purchaser.force_login(purchasing)
    nza = Client(HTTP_HOST="localhost")
    nza.force_login(User.objects.get(email=prepared["nza"]))
    own_offer = (Offer.objects.filter(year=year, insurer__memberships__user=purchasing, practice__isnull=False)
                 .order_by("pk").values_list("pk", flat=True).first())
    endpoints = [
        ("trivial view (/healthz)", public, "/healthz"),
        ("register page", public, f"/register/{year}/"),
        ("register page, last page", public, f"/register/{year}/?pagina=9999"),
        ("register page, search", public, f"/register/{year}/?q=utrecht"),
        ("register CSV (whole register)", public, f"/register/{year}.csv"),
        ("API register, page 1", public, f"/api/v1/register/{year}/"),
        ("API register, last page", public, f"/api/v1/register/{year}/?page=last"),
        ("API offer list (insurer, open)", purchaser, f"/api/v1/offers/?year={year}&status=open"),
        ("API offer list (insurer, all)", purchaser, f"/api/v1/offers/?year={year}"),
        ("purchaser dashboard", purchaser, f"/inkoop/?year={year}"),
        ("API offer detail (insurer)", purchaser, f"/api/v1/offers/{own_offer}/"),
        # The NZa monitor, from its snapshots (scripts/bench_monitor.py computed them just before).
        ("monitor dashboard (NZa)", nza, f"/monitor/?year={year}"),
        ("monitor dashboard (insurer)", purchaser, f"/monitor/?year={year}"),
        ("API monitor indicators (NZa)", nza, f"/api/v1/monitor/indicators/?year={year}"),
        ("API monitor indicators (insurer)", purchaser, f"/api/v1/monitor/indicators/?year={year}"),
        ("monitor Berekeningen (NZa)", nza, "/monitor/berekeningen/"),
    ]

    def fetch(client, url) -> tuple[int, int]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, len(body)

    counted = []
    for _name, client, url in endpoints:
        for _ in range(2):  # warm caches and the connection
            fetch(client, url)
        # Counted with an execute wrapper: the request_started signal resets Django's own query log.
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            status, size = fetch(client, url)
        counted.append((status, len(executed), size))
    # Timed in rounds, every endpoint once a round, so that a busy moment of the machine falls on all of them
    # alike rather than on whichever endpoint was being measured.
    times: list[list[float]] = [[] for _ in endpoints]
    for _ in range(args.repeat):
        for i, (_name, client, url) in enumerate(endpoints):
            gc.collect()  # the garbage of the request before (the CSV's is large) is not this one's time
            started = time.perf_counter()
            fetch(client, url)
            times[i].append(time.perf_counter() - started)
    rows = []
    for (name, _client, _url), (status, n_queries, size), measured in zip(endpoints, counted, times, strict=True):
        ordered = sorted(measured)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        rows.append((name, status, statistics.median(measured), p95, ordered[0], n_queries, size))

    base, base_min = rows[0][2], rows[0][4]
    print(f"\nIn-process (Django test client, one request at a time, {args.repeat} rounds)\n")
    header = (f"{'endpoint':34} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8} {'p50 ×':>7} {'min ×':>7} "
              f"{'queries':>7} {'bytes':>10}")
    print(header)
    print("-" * len(header))
    for name, status, p50, p95, fastest, n_queries, size in rows:
        print(f"{name:34} {status:6d} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {fastest * 1000:8.1f} {p50 / base:7.1f} "
              f"{fastest / base_min:7.1f} {n_queries:7d} {size:10d}")
    print("\n× = ratio to the trivial view in the same run; min × is the steadier one on a busy machine.")
    failed = [name for name, status, *_ in rows if status != 200]
    if failed:
        print(f"not 200: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
