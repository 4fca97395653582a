"""/api/docs/ in a real browser that may reach nothing but this server: Swagger UI renders the API from the
app's own files, under the Content-Security-Policy, without one request to another host."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def test_api_docs_render_offline(page, shot):
    elsewhere, problems = [], []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/api/docs/")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "Contracteerportaal huisartsenzorg API" in title.inner_text()
    operation = page.locator(".opblock-summary", has_text="/api/v1/auth/token/").first
    operation.wait_for()
    operation.click()  # opens it: its description and parameters render too
    page.get_by_text("Exchange e-mail, password and optionally a code").first.wait_for()
    shot(page, "docs")

    assert elsewhere == []
    assert problems == []  # a Content-Security-Policy violation is reported as a console error
