"""What the Content-Security-Policy (config/settings.py) asks of the templates, and the policy's headers on a page.
Under the production settings themselves: tests/test_deploy.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_DIRS = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
# One opening tag, attributes quoted or not (a '>' inside quotes does not end it).
TAG = re.compile(r"<(?P<name>[a-zA-Z][\w:-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
EVENT_HANDLER = re.compile(r"(?:^|\s)(?:on[a-z]+|hx-on[\w:-]*)\s*=", re.I)


def templates() -> list[Path]:
    found = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*") if path.suffix in (".html", ".txt")]
    assert len(found) > 40, "the template folders moved?"
    return found


def problems(source: str) -> list[str]:
    # Template comments never reach the browser.
    source = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", source, flags=re.S)
    found = []
    for tag in TAG.finditer(source):
        name, attrs = tag.group("name").lower(), tag.group("attrs")
        if name == "script" and not re.search(r"\ssrc\s*=", attrs):
            found.append(f"inline <script>: {tag.group(0)[:80]}")
        if name == "style":
            found.append("inline <style> element")
        if EVENT_HANDLER.search(attrs):
            found.append(f"event-handler attribute: {tag.group(0)[:80]}")
        if re.search(r"(?:^|\s)style\s*=", attrs):
            found.append(f"style attribute: {tag.group(0)[:80]}")
        if re.search(r"=\s*[\"']?\s*javascript:", attrs, re.I):
            found.append(f"javascript: URL: {tag.group(0)[:80]}")
    return found


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    '<script type="module">\nx()</script>',
    "<style>p { color: red }</style>",
    '<button type="button" onclick="go()">',
    '<body\n  onload="go()">',
    '<div hx-on:click="go()">',
    '<p style="color: red">',
    '<a href="javascript:go()">',
])
def test_the_check_finds_what_the_policy_would_block(source):
    assert problems(source)


@pytest.mark.parametrize("source", [
    '<script src="{% static \'vendor/htmx/htmx.min.js\' %}" defer></script>',
    '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>',
    '<input data-once="x" aria-describedby="on-hold">',
    '<a class="utrecht-link" href="/account/">',
    "{# htmx must not inject its <style> #}",
])
def test_the_check_lets_files_and_plain_attributes_pass(source):
    assert not problems(source)


def test_no_template_has_inline_script_style_or_event_handlers():
    found = {str(path.relative_to(settings.BASE_DIR)): problems(path.read_text(encoding="utf-8"))
             for path in templates()}
    assert not {path: p for path, p in found.items() if p}


@pytest.mark.django_db
def test_a_page_carries_the_policy_without_inline_script_and_the_permissions_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    features = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
