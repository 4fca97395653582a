"""Load generator for scripts/benchmark (standard library only, so it measures the server, not a client
library). Each phase runs N concurrent clients, each with its own keep-alive connection, and prints p50/p95
latencies next to the trivial view measured in the same run, as ratios.

Phases: the trivial view; the API offer list of the largest insurer's purchaser and of practices, offer
detail; the public register page, its CSV (the whole register) and the API register's first page, without
logging in; the purchaser dashboard in a browser session; the NZa monitor's dashboard and API as the purchaser
sees them (its own figures beside the national ones); and signing.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import re
import statistics
import struct
import sys
import threading
import time
from urllib.parse import urlencode, urlparse


def totp(secret_b32: str, at: float | None = None) -> str:
    key = base64.b32decode(secret_b32)
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Client:
    def __init__(self, base: str):
        url = urlparse(base)
        self.host, self.port = url.hostname, url.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.token = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        status, _, payload, elapsed = self.send(method, path, data, headers)
        return status, payload, elapsed

    def send(self, method: str, path: str, data: bytes | None, headers: dict) -> tuple[int, list, bytes, float]:
        if self.cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            raise
        return response.status, response.getheaders(), payload, time.perf_counter() - started

    def session_login(self, email: str, password: str) -> bool:
        """Log in through the login form, as a browser does: the CSRF cookie and token, then the session cookie."""
        status, headers, page, _ = self.send("GET", "/account/inloggen/", None, {})
        self._keep_cookies(headers)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return False
        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": password})
        status, headers, _, _ = self.send("POST", "/account/inloggen/", form.encode(),
                                          {"Content-Type": "application/x-www-form-urlencoded"})
        self._keep_cookies(headers)
        return status == 302 and "sessionid" in self.cookies

    def _keep_cookies(self, headers: list) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]


def run_phase(clients: list[Client], work) -> tuple[list[float], dict[int, int]]:
    """work(client_index, client) yields (method, path, body); all clients start together."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def run(i: int, client: Client) -> None:
        barrier.wait()
        for method, path, body in work(i, client):
            status, _, elapsed = client.request(method, path, body)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--prepared", required=True, help="JSON printed by manage.py benchmark_prepare")
    parser.add_argument("--demo-password", required=True)
    parser.add_argument("--requests", type=int, default=10, help="requests per client per phase")
    args = parser.parse_args()
    prepared = json.load(open(args.prepared))
    specs = prepared["clients"]
    n = len(specs)

    signers = [Client(args.base_url) for _ in specs]
    for client, spec in zip(signers, specs, strict=True):
        status, body, _ = client.request("POST", "/api/v1/auth/token/", {
            "email": spec["email"], "password": prepared["password"], "otp": totp(spec["totp_secret"])})
        if status != 200:
            print(f"token for {spec['email']} failed: {status} {body[:200]!r}", file=sys.stderr)
            return 1
        client.token = json.loads(body)["token"]
    purchasers = [Client(args.base_url) for _ in specs]
    status, body, _ = purchasers[0].request("POST", "/api/v1/auth/token/", {
        "email": prepared["purchaser"], "password": args.demo_password})
    if status != 200:
        print(f"purchaser token failed: {status} {body[:200]!r}", file=sys.stderr)
        return 1
    for client in purchasers:
        client.token = json.loads(body)["token"]
    # One browser session for the dashboard, shared like the token above (one login, as one purchaser would).
    browsers = [Client(args.base_url) for _ in specs]
    if not browsers[0].session_login(prepared["purchaser"], args.demo_password):
        print(f"purchaser login through the form failed for {prepared['purchaser']}", file=sys.stderr)
        return 1
    for client in browsers[1:]:
        client.cookies = dict(browsers[0].cookies)
    public = [Client(args.base_url) for _ in specs]  # the register needs no login

    year = prepared["year"]  # the year being signed
    # The register and the dashboard: the year whose signing has closed, mostly signed (the same before a seed
    # with a year ahead).
    shown = prepared.get("register_year", year)
    k = args.requests
    phases = [
        ("trivial view (/healthz)", signers, lambda i, c: [("GET", "/healthz", None)] * k),
        ("offer list (insurer, page 1)", purchasers,
         lambda i, c: [("GET", f"/api/v1/offers/?year={year}&status=open", None)] * k),
        ("offer list (practice)", signers, lambda i, c: [("GET", f"/api/v1/offers/?year={year}", None)] * k),
        ("offer detail (practice)", signers,
         lambda i, c: [("GET", f"/api/v1/offers/{specs[i]['offers'][j % len(specs[i]['offers'])]}/", None)
                       for j in range(k)]),
        ("register page (public)", public, lambda i, c: [("GET", f"/register/{shown}/", None)] * k),
        ("register CSV, whole (public)", public, lambda i, c: [("GET", f"/register/{shown}.csv", None)] * k),
        ("API register, page 1 (public)", public, lambda i, c: [("GET", f"/api/v1/register/{shown}/", None)] * k),
        ("purchaser dashboard (session)", browsers, lambda i, c: [("GET", f"/inkoop/?year={shown}", None)] * k),
        ("monitor dashboard (insurer)", browsers, lambda i, c: [("GET", f"/monitor/?year={shown}", None)] * k),
        ("API monitor indicators (insurer)", purchasers,
         lambda i, c: [("GET", f"/api/v1/monitor/indicators/?year={shown}", None)] * k),
        ("signing (practice)", signers,
         lambda i, c: [("POST", f"/api/v1/offers/{pk}/sign/", {"modules": []}) for pk in specs[i]["offers"][:k]]),
    ]
    # Warm up every connection and worker once.
    run_phase(signers, lambda i, c: [("GET", "/healthz", None)] * 2)
    results = []
    for name, clients, work in phases:
        started = time.perf_counter()
        latencies, statuses = run_phase(clients, work)
        wall = time.perf_counter() - started
        results.append((name, latencies, statuses, wall))

    base_p50 = statistics.median(results[0][1])
    base_p95 = pct(results[0][1], 0.95)
    print(f"\n{n} concurrent clients, {k} requests each per phase\n")
    header = f"{'endpoint':32} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p50 ×':>7} {'p95 ×':>7} {'req/s':>7}  statuses"
    print(header)
    print("-" * len(header))
    for name, latencies, statuses, wall in results:
        p50, p95 = statistics.median(latencies), pct(latencies, 0.95)
        print(f"{name:32} {len(latencies):5d} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p50 / base_p50:7.2f} "
              f"{p95 / base_p95:7.2f} {len(latencies) / wall:7.1f}  {dict(sorted(statuses.items()))}")
    print("\n× = ratio to the trivial view in the same run (machine noise cancels out; absolute ms do not compare "
          "across machines).")
    # Every request of every phase must succeed: a run of quick refusals (403, 409) measures nothing.
    failed = [name for name, _, statuses, _ in results if set(statuses) != {200}]
    if failed:
        print(f"requests that did not succeed in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
