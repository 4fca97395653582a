"""With Redis stopped, asking a question and signing still succeed, and their notices wait in the outbox; once
Redis is back, a real Celery worker runs the mail sweep and each mail goes out exactly once.

A redis-server of this test's own, on a free loopback port: the Celery app is pointed at it, it is stopped while
the requests run (so any request that touched the broker would hang or fail) and started again on the same
port for the worker. Nothing is mocked."""

import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Notification, Role
from accounts.tasks import send_due_notification_emails_task
from config.celery import app as celery_app
from contracting.models import Request, Signature
from tests.contracting.conftest import IN_WINDOW
from tests.factories import code_for, make_member
from tests.helpers import free_port


class RedisServer:
    """A redis-server process started and stopped by this test."""

    def __init__(self, port: int, folder: str):
        self.port, self.folder, self.process = port, folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):  # wait until it accepts connections
            try:
                redis.Redis(port=self.port, socket_connect_timeout=1).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None


class Tripwire:
    """Listens on the stopped broker's port and closes every connection at once, counting them: the broker
    stays unreachable, and any request that tried to reach it is seen (even one whose error was swallowed)."""

    def __init__(self, port: int):
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", port))
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _address = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(10)
        self.sock.close()


def _forget_broker_connections() -> None:
    """Celery keeps a broker connection pool and a result backend per thread; drop them so the next use
    connects to the URLs now configured."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    vars(celery_app._local).pop("backend", None)


@contextmanager
def celery_pointed_at(url: str):
    saved = {"broker_url": celery_app.conf.broker_url, "result_backend": celery_app.conf.result_backend}
    celery_app.conf.update(broker_url=url, result_backend=url)
    _forget_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_broker_connections()


@pytest.fixture
def own_redis():
    folder = tempfile.mkdtemp(prefix="outbox-redis-")
    server = RedisServer(free_port(), folder)
    server.start()
    try:
        with celery_pointed_at(server.url):
            yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def member(practice_3100):
    return make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example",
                       full_name="Anna Assistent")


def _sign_form(client, offer, signatory) -> dict:
    content = client.get(reverse("offers:sign", args=[offer.pk])).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', content).group(1)
    return {"digest": digest, "confirm": "on", "token": code_for(TOTPDevice.objects.get(user=signatory))}


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_asking_and_signing_work_and_the_mail_goes_out_once_it_is_back(
        client, own_redis, offer, member, signatory, purchaser):
    own_redis.stop()
    tripwire = Tripwire(own_redis.port)
    try:
        with pytest.raises(redis.ConnectionError):  # the broker is really gone
            redis.Redis(port=own_redis.port, socket_connect_timeout=1).ping()
        seen_by_the_check = tripwire.connections

        with time_machine.travel(IN_WINDOW, tick=False):
            client.force_login(member)
            asked = client.post(reverse("offers:ask", args=[offer.pk]), {"text": "Geldt het plafond per locatie?"})
            assert asked.status_code == 302 and asked.url == reverse("offers:detail", args=[offer.pk]) + "#vragen"

            client.force_login(signatory)
            signed = client.post(reverse("offers:sign", args=[offer.pk]), _sign_form(client, offer, signatory))
            assert signed.status_code == 302 and signed.url == reverse("offers:receipt", args=[offer.pk])
            assert client.get(reverse("offers:receipt", args=[offer.pk])).status_code == 200
    finally:
        tripwire.close()
    assert tripwire.connections == seen_by_the_check  # no request even tried to reach the broker

    assert Request.objects.filter(offer=offer).count() == 1 and Signature.objects.filter(offer=offer).exists()
    pending = Notification.objects.filter(emailed_at__isnull=True)
    assert sorted(pending.values_list("user__email", flat=True)) == sorted(
        [purchaser.email, member.email, signatory.email])  # the question, and the receipt for the practice
    assert mail.outbox == []

    own_redis.start()  # back, on the same port
    # The worker's sweep takes the current time, and the notices were written at IN_WINDOW: a minute later on
    # a running clock, whatever the machine's date (time_machine moves the clock of the worker's thread too).
    with time_machine.travel(IN_WINDOW + timedelta(minutes=1), tick=True), \
            start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        first = send_due_notification_emails_task.delay().get(timeout=60)
        second = send_due_notification_emails_task.delay().get(timeout=60)

    assert first == {"sent": 3, "failed": 0, "skipped": 0}
    assert second == {"sent": 0, "failed": 0, "skipped": 0}
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted([
        (purchaser.email, "Nieuwe vraag over Huisartsenzorg 2027"),
        (member.email, "Ondertekend: Huisartsenzorg 2027"),
        (signatory.email, "Ondertekend: Huisartsenzorg 2027"),
    ])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
