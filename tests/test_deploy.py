"""The production topology (docker-compose.yml, Dockerfile) and the production settings' refusals.

Docker does not run here, so the compose file is checked as data: the things that would hurt in production
(a second beat, a literal secret, web starting before migrations, development settings) are asserted directly.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.settings import DEV_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
INTERPOLATION = re.compile(r"^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command(service: dict) -> list[str]:
    cmd = service.get("command", [])
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def test_all_services_exist(services):
    assert {"postgres", "redis", *APP_SERVICES} <= set(services)


def test_app_services_share_one_image_built_from_the_dockerfile(services):
    images = {services[name].get("image") for name in APP_SERVICES}
    assert len(images) == 1 and None not in images
    for name in APP_SERVICES:
        build = services[name].get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        assert context in (".", "./"), f"{name} is not built from this repository"


def test_backing_services(services):
    assert services["postgres"]["image"].split(":")[1].split(".")[0] == "15"
    assert services["redis"]["image"].split(":")[1].split(".")[0] == "7"
    for name in ("postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert services[name].get("volumes"), f"{name} keeps its data in the container only"


def test_migrate_runs_once_before_the_app(services):
    migrate = services["migrate"]
    assert command(migrate)[-3:] == ["manage.py", "migrate", "--noinput"]
    assert depends_on(migrate) == {"postgres": "service_healthy"}
    # A one-shot: restarting it after success would be harmless but never "completed".
    assert str(migrate.get("restart", "no")) in ("no", "on-failure")
    for name in ("web", "worker", "beat"):
        assert depends_on(services[name]).get("migrate") == "service_completed_successfully", name


def test_web_runs_gunicorn(services):
    cmd = command(services["web"])
    assert cmd[0] == "gunicorn"
    assert "config.wsgi:application" in cmd
    assert "0.0.0.0:8000" in cmd
    assert cmd[cmd.index("--workers") + 1] == "4"


def test_worker_runs_celery_worker_without_embedded_beat(services):
    cmd = command(services["worker"])
    assert cmd[:4] == ["celery", "-A", "config", "worker"]
    assert "-B" not in cmd and "--beat" not in cmd
    assert "container_name" not in services["worker"], "a fixed container name stops `--scale worker=N`"


def test_exactly_one_beat(services):
    beats = [name for name, svc in services.items()
             if "celery" in command(svc) and {"beat", "-B", "--beat"} & set(command(svc))]
    assert beats == ["beat"]
    assert command(services["beat"])[:4] == ["celery", "-A", "config", "beat"]
    replicas = services["beat"].get("deploy", {}).get("replicas", 1)
    assert replicas == 1


def test_every_app_service_uses_production_settings_and_an_environment_secret(services):
    for name in APP_SERVICES:
        env = environment(services[name])
        assert env.get("DJANGO_SETTINGS_MODULE") == "config.settings_production", name
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", env.get("SECRET_KEY", "")), (
            f"{name}: SECRET_KEY must come from the environment and fail when it is unset")
        for key in ("DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
            assert env.get(key), f"{name} lacks {key}"
        assert "@postgres:" in env["DATABASE_URL"] and "redis://redis:" in env["REDIS_URL"]


def test_no_literal_secret_in_the_compose_file(services):
    text = (ROOT / "docker-compose.yml").read_text()
    assert DEV_SECRET_KEY not in text and "django-insecure" not in text
    for name, svc in services.items():
        for key, value in environment(svc).items():
            if re.search(r"SECRET|PASSWORD|TOKEN|_KEY$", key):
                assert INTERPOLATION.match(value), f"{name}: {key} is a literal"
            # A password inside a URL must be interpolated too.
            credentials = re.match(r"^\w+://[^:/@]+:([^@]+)@", value)
            if credentials:
                assert INTERPOLATION.match(credentials.group(1)), f"{name}: {key} holds a literal password"


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in re.sub(r"\\\n", " ", text).splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    users = [args.strip() for op, args in instructions if op == "USER"]
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"
    runs = " ".join(args for op, args in instructions if op == "RUN")
    assert "pip install ." in runs
    assert "collectstatic" in runs
    # The build-time key lives only inside the collectstatic command, never in the image's ENV or ARGs.
    assert not [args for op, args in instructions if op in ("ENV", "ARG") and "SECRET_KEY" in args]
    cmd = next(args for op, args in reversed(instructions) if op == "CMD")
    assert "gunicorn" in cmd and "config.wsgi:application" in cmd


def test_dockerignore_keeps_local_state_out():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "var", ".env"} <= ignored


# --- The production settings, in fresh interpreters -----------------------------------------------------
def run(args: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    base.update(PORTAL_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings_production", **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("key", [None, DEV_SECRET_KEY, "too-short"])
def test_production_settings_refuse_a_missing_or_development_key(tmp_path, key):
    env = {} if key is None else {"SECRET_KEY": key}
    result = run(["-c", "import config.settings_production"], tmp_path, **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr


def test_deploy_check_passes_with_a_random_key(tmp_path):
    key = secrets.token_urlsafe(48)
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, SECRET_KEY=key)
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_build_collectstatic_works(tmp_path):
    """The Dockerfile's collectstatic step: the manifest storage fails on a CSS url() to a missing file."""
    result = run(["manage.py", "collectstatic", "--noinput"], tmp_path, SECRET_KEY=secrets.token_urlsafe(48),
                 STATIC_ROOT=str(tmp_path / "static"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


PRODUCTION_PAGES = r"""
import json
import re

import django

django.setup()
from django.core.management import call_command
from django.test import Client

call_command("collectstatic", "--noinput", verbosity=0)
client = Client()  # built after collectstatic, so WhiteNoise finds the files in STATIC_ROOT
answers = {}
for url in ["/account/inloggen/", "/api/docs/"]:
    response = client.get(url, secure=True, HTTP_HOST="localhost")
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    answers[url] = {"status": response.status_code, "headers": dict(response.headers), "assets": {}}
    for asset in assets:
        answers[url]["assets"][asset] = client.get(asset, secure=True, HTTP_HOST="localhost").status_code
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def production_pages(tmp_path_factory) -> dict:
    """The login page and /api/docs/ as the production settings serve them (manifest static files, WhiteNoise),
    with the status of every script and stylesheet they load."""
    tmp_path = tmp_path_factory.mktemp("production")
    result = run(["-c", PRODUCTION_PAGES], tmp_path, SECRET_KEY=secrets.token_urlsafe(48),
                 STATIC_ROOT=str(tmp_path / "static"))
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def csp_directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("url", ["/account/inloggen/", "/api/docs/"])
def test_production_pages_carry_a_csp_without_inline_script_and_a_permissions_policy(production_pages, url):
    page = production_pages[url]
    assert page["status"] == 200
    policy = csp_directives(page["headers"]["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"] and policy["base-uri"] == ["'self'"]
    features = dict(part.strip().split("=", 1) for part in page["headers"]["Permissions-Policy"].split(","))
    assert {features[f] for f in ("camera", "microphone", "geolocation", "payment", "usb")} == {"()"}


def test_production_serves_every_asset_of_its_pages(production_pages):
    docs = production_pages["/api/docs/"]["assets"]
    assert any("swagger-ui-bundle" in url for url in docs) and any("?script" in url for url in docs)
    for url, page in production_pages.items():
        assert page["assets"] and all(status == 200 for status in page["assets"].values()), (url, page["assets"])
