import ast
import gettext
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from contracting.calendar import MilestoneKind, Phase
from contracting.services import contract_year_ensure
from tests.helpers import text

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
REFRESH = ("run manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=staticfiles --ignore=var, "
           "fill in msgstr, then manage.py compilemessages --ignore=.venv")


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, plural, translations and flags (the header excluded)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"flags": "", "msgid": None, "plural": None, "msgstr": {}}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif m := re.match(r'^(msgid_plural|msgid|msgstr(?:\[(\d)\])?) (".*")$', line):
                value = ast.literal_eval(m.group(3))
                key = ("msgstr", int(m.group(2) or 0)) if m.group(1).startswith("msgstr") else m.group(1)
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] = value
                else:
                    entry["plural" if key == "msgid_plural" else "msgid"] = value
            elif line.startswith('"') and key:
                value = ast.literal_eval(line)
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] += value
                else:
                    entry["plural" if key == "msgid_plural" else "msgid"] += value
        if entry["msgid"]:
            entries.append(entry)
    return entries


def test_every_english_entry_is_translated_and_compiled():
    entries = po_entries(CATALOGUE / "django.po")
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if "fuzzy" in e["flags"] or not all(e["msgstr"].values())]
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:5]}; {REFRESH}"
    with open(CATALOGUE / "django.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [e["msgid"] for e in entries
             if (compiled.ngettext(e["msgid"], e["plural"], 1) if e["plural"] else compiled.gettext(e["msgid"]))
             != e["msgstr"][0]]
    assert not stale, f"django.mo is older than django.po for: {stale[:5]}; {REFRESH}"


@pytest.mark.parametrize("choices", [MilestoneKind, Phase, Role], ids=lambda c: c.__name__)
def test_calendar_phase_and_role_labels_have_english(choices):
    def labels(language):
        with translation.override(language):
            return [str(label) for label in choices.labels]

    missing = [nl for nl, en in zip(labels("nl"), labels("en"), strict=True) if nl == en]
    assert not missing, f"no English for {missing}; {REFRESH}"


@time_machine.travel(datetime(2026, 10, 26, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False)
def test_switching_to_english_shows_the_home_page_in_english(client, practice_user, practice):
    contract_year_ensure(actor=None, year=2027)
    client.force_login(practice_user)
    assert "Kalender contractjaar 2027" in text(client.get(reverse("home")).content.decode())

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302 and response.url == reverse("home")
    html = client.get(reverse("home")).content.decode()
    page = text(html)
    assert '<html lang="en">' in html
    assert "Calendar for contract year 2027" in page
    assert "Current phase: Signing open" in page
    assert "Practice staff member" in page
    assert "Next step: by 7 November 2026 Contracting closes For: GP practice, health insurer, NZa 12 days left" in page
    assert "You can sign up to and including 7 November 2026. 12 days left" in page
    assert "Only an authorised signatory of your practice can sign." in page
    assert "Nederlands" in page  # the way back, named in its own language

    client.post(reverse("set_language"), {"language": "nl", "next": reverse("home")})
    assert "Kalender contractjaar 2027" in text(client.get(reverse("home")).content.decode())
