"""Helpers shared by the test modules: what a reader sees of a page, fetching a page, API clients and error
bodies, a free loopback port, running code in two threads at once, and waiting for a session to queue behind a
lock. Factories (and the TOTP codes of a device) live in tests/factories.py."""

import html as htmllib
import re
import socket
import threading
import time
from collections.abc import Callable

from django.db import connection, connections
from rest_framework.test import APIClient

# Tags inside a line of text: dropped without a space, so "<strong>12</strong>,50" reads "12,50".
INLINE_TAGS = ("strong", "span", "time", "a", "em", "data", "code", "abbr")
_INLINE = re.compile(rf"</?(?:{'|'.join(INLINE_TAGS)})\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    """What a reader sees: inline tags dropped, other tags as spaces, entities unescaped, whitespace collapsed."""
    return " ".join(htmllib.unescape(_TAG.sub(" ", _INLINE.sub("", html))).split())


# --- Pages -------------------------------------------------------------------------------------------------
def page_html(client, url: str, status: int = 200, **params) -> str:
    """The HTML `client` gets for GET `url` (with query `params`), after checking the status. A streamed
    response (a file download) gives ""."""
    response = client.get(url, params or None)
    if response.streaming:
        assert response.status_code == status, (url, response.status_code)
        response.close()
        return ""
    body = response.content.decode()
    assert response.status_code == status, (url, response.status_code, body[:2000])
    return body


def page_html_as(client, user, url: str, status: int = 200, **params) -> str:
    """`page_html` with `user` logged in on `client`."""
    client.force_login(user)
    return page_html(client, url, status, **params)


# --- API ---------------------------------------------------------------------------------------------------
def client_for(user=None) -> APIClient:
    """A client with a session of `user` (anonymous for None); also fine for HTML pages."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def assert_error(response, status: int, code: str) -> dict:
    """The API's error body: this status, this code and a message; returns the body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# --- Servers and threads -----------------------------------------------------------------------------------
def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_in_threads(*targets: Callable[[], object], timeout: float = 120) -> list[Exception]:
    """Run each target in its own thread (each with its own database connection, closed at the end) and wait
    for all of them; returns what they raised. A test that needs them to start together passes targets that
    wait on a threading.Barrier."""
    errors: list[Exception] = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:  # surfaced to the caller
                errors.append(exc)
            finally:
                connections.close_all()
        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), f"a thread was still running after {timeout} s"
    return errors


def wait_for_lock_waiter(timeout: float = 30) -> bool:
    """Wait until another database session is queued behind a lock this thread's session holds (PostgreSQL
    shows it with wait_event_type 'Lock', blocked by our pid). True once one is, False after `timeout`
    seconds. Lets a test hold a lock until the race it is about has really started, instead of sleeping."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # pg_stat_activity is read once per transaction unless the snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))")
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
