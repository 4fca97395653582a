"""The public purchasing-policy pages and attachments: readable without logging in (GCP publication duty) and by
the overlegteams, never showing a draft; attachments served by a view that checks who may see them."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from contracting.calendar import MilestoneKind
from contracting.services import (
    contract_year_ensure,
    milestone_reschedule,
    policy_attach,
    policy_publish,
    policy_save_draft,
)
from core.errors import PortalError
from insurers.models import PolicyAttachment
from tests.contracting.conftest import ams, build_contract
from tests.factories import InsurerFactory, OverlegTeamFactory, make_member
from tests.helpers import text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LONG_NAME = "Rekenmodel praktijkondersteuning " + "x" * 207 + ".pdf"  # 244 characters


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def published(market, year2027, purchaser):
    """Version 1 (20 March) with the rekenmodel, version 2 (25 March) with changed text, and a draft after it
    that was saved but not published, with an attachment of its own."""
    insurer = market["preferent"]
    policy = policy_save_draft(actor=purchaser, insurer=insurer, year=2027, title="Inkoopbeleid huisartsenzorg 2027",
                               body="# Uitgangspunten\n\nWij contracteren meerjarig.\n\nPOH-GGZ volgens de norm.")
    rekenmodel = policy_attach(actor=purchaser, policy=policy,
                               upload=SimpleUploadedFile("rekenmodel 2027.pdf", PDF + b"rekenmodel"))
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 20, 10, 0))
    policy_save_draft(actor=purchaser, insurer=insurer, year=2027, title="Inkoopbeleid huisartsenzorg 2027",
                      body="# Uitgangspunten\n\nWij contracteren meerjarig, voor drie jaar.\n\n"
                           "POH-GGZ volgens de norm.")
    policy_publish(actor=purchaser, policy=policy, now=ams(2026, 3, 25, 10, 0))
    policy_save_draft(actor=purchaser, insurer=insurer, year=2027, title="Geheim concept",
                      body="Concepttekst die nog niemand mag zien.")
    draft = policy_attach(actor=purchaser, policy=policy, upload=SimpleUploadedFile("concept.pdf", PDF + b"concept"))
    return {"policy": policy, "rekenmodel": rekenmodel, "draft_attachment": draft}


# --- Attachments -----------------------------------------------------------------------------------------------
def test_anyone_downloads_a_published_attachment_without_logging_in(client, published):
    attachment = published["rekenmodel"]
    response = client.get(reverse("policies:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF + b"rekenmodel"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rekenmodel 2027.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # The page links the view, never the stored file.
    page = client.get(reverse("policies:insurer_year", args=["pref", 2027])).content.decode()
    assert reverse("policies:attachment", args=[attachment.pk]) in page and attachment.file.url not in page


def test_a_draft_attachment_is_only_for_the_insurers_own_purchasers(client, published, purchaser, other_purchaser,
                                                                    practice_user):
    url = reverse("policies:attachment", args=[published["draft_attachment"].pk])
    assert client.get(url).status_code == 404  # anonymous
    for user in (practice_user, other_purchaser):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(purchaser)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF + b"concept"
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(reverse("policies:attachment", args=[published["draft_attachment"].pk + 100])).status_code == 404


def test_the_practice_offer_page_links_the_attachment_it_can_open(client, published, offer, practice_3100):
    member = make_member(Role.PRACTICE_MEMBER, practice_3100, email="assistent@praktijk.example")
    client.force_login(member)
    page = client.get(reverse("offers:detail", args=[offer.pk])).content.decode()
    link = reverse("policies:attachment", args=[published["rekenmodel"].pk])
    assert f'href="{link}"' in page and "/media/" not in page
    assert client.get(link).status_code == 200


def test_a_244_character_file_name_is_refused_with_a_message_and_nothing_is_stored(client, market, year2027,
                                                                                     purchaser, media):
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="x")
    assert len(LONG_NAME) == 244
    with pytest.raises(PortalError) as exc:
        policy_attach(actor=purchaser, policy=policy, upload=SimpleUploadedFile(LONG_NAME, PDF))
    assert exc.value.code == "attachment_name_too_long"
    assert exc.value.detail == ("De bestandsnaam is 244 tekens lang; ten hoogste 200. Geef het bestand een kortere "
                                "naam en voeg het opnieuw toe.")

    client.force_login(purchaser)
    response = client.post(reverse("purchasing:policy", args=[2027]),
                           {"action": "attach", "file": SimpleUploadedFile(LONG_NAME, PDF)})
    assert response.status_code == 200
    assert "De bestandsnaam is 244 tekens lang; ten hoogste 200." in text(response.content.decode())
    assert not PolicyAttachment.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_200_character_name_is_kept_and_the_file_stored_under_a_short_name(client, market, year2027, purchaser):
    name = "b" * 196 + ".pdf"
    policy = policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Beleid", body="x")
    attachment = policy_attach(actor=purchaser, policy=policy, upload=SimpleUploadedFile(name, PDF))
    assert attachment.name == name
    assert re.fullmatch(rf"policies/{policy.insurer_id}/2027/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    client.force_login(purchaser)
    response = client.get(reverse("policies:attachment", args=[attachment.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


# --- Public pages ------------------------------------------------------------------------------------------------
def test_the_policy_page_is_public_and_never_shows_the_draft(client, published, market, purchaser, nza_tariffs):
    build_contract(market["preferent"], purchaser, now=ams(2026, 9, 16, 9, 0))  # one day late
    with time_machine.travel(ams(2026, 4, 10, 12, 0), tick=False):
        response = client.get(reverse("policies:insurer_year", args=["pref", 2027]))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(html)
    assert "Inkoopbeleid Preferente Verzekeraar 2027" in page
    assert "Geldende versie: versie 2, gepubliceerd op 25 maart 2026. op tijd gepubliceerd" in page
    assert '<h3 class="utrecht-heading-3">Uitgangspunten</h3>' in html  # rendered, not raw
    assert "Wij contracteren meerjarig, voor drie jaar." in page
    assert "Geheim concept" not in page and "Concepttekst" not in page and "concept.pdf" not in page
    assert "rekenmodel 2027.pdf (PDF, 55 bytes)" in page
    assert "Verschil met versie 1 Tekst: 1 alinea gewijzigd, 0 toegevoegd, 0 verwijderd." in page
    assert "<ins>" in html
    assert "Versie 1 20 maart 2026 Eerste publicatie." in page
    # The contracting procedure from the year's calendar, and the contract status.
    procedure = page.split("Contracteerprocedure", 1)[1]
    for line in ("Voorgenomen inkoopbeleid en contracteerprocedure gepubliceerd uiterlijk 1 april 2026",
                 "Offertes ketenzorg aan zorggroepen en andere samenwerkingsverbanden uiterlijk 15 juli 2026",
                 "Definitief contractaanbod voor huisartsenpraktijken uiterlijk 15 september 2026",
                 "Ondertekenen in het contracteerportaal van 1 oktober 2026 tot en met 7 november 2026",
                 "Vragen en problemen beantwoordt de verzekeraar binnen 5 werkdagen",
                 "Bewerkelijke vragen zijn binnen 10 werkdagen afgehandeld",
                 "Besluit op volgverzoeken (volgcontracten) uiterlijk"):
        assert line in procedure, line
    assert ("Huisartsenpraktijk ‘Huisartsenzorg 2027’ (2027), gepubliceerd op 16 september 2026 "
            "te laat gepubliceerd") in procedure
    assert "Samenwerkingsverband Nog niet gepubliceerd (termijn: uiterlijk 15 juli 2026)." in procedure


def test_a_moved_calendar_date_shows_on_the_policy_page(client, published, year2027):
    close = year2027.milestones.get(kind=MilestoneKind.SIGNING_CLOSE)
    milestone_reschedule(actor=None, milestone=close, due_at=ams(2026, 11, 11, 0, 0))
    with time_machine.travel(ams(2026, 4, 10, 12, 0), tick=False):
        page = text(client.get(reverse("policies:insurer_year", args=["pref", 2027])).content.decode())
    assert "van 1 oktober 2026 tot en met 10 november 2026" in page


def test_each_version_has_its_own_page_with_the_difference(client, published):
    page = text(client.get(reverse("policies:version", args=["pref", 2027, 1])).content.decode())
    assert "niet de geldende versie" in page and "Wij contracteren meerjarig." in page
    assert "Verschil met" not in page
    page = text(client.get(reverse("policies:version", args=["pref", 2027, 2])).content.decode())
    assert "Verschil met versie 1" in page and "niet de geldende versie" not in page
    for args in (["pref", 2027, 3], ["pref", 2031, 1], ["onbekend", 2027, 1]):
        assert client.get(reverse("policies:version", args=args)).status_code == 404
    assert client.get(reverse("policies:insurer_year", args=["pref", 2031])).status_code == 404


def test_the_index_lists_published_policies_and_who_is_late(client, published, market, year2027):
    InsurerFactory(name="Zorgverzekeraar Zuid", short_name="Zuid", slug="zuid")
    with time_machine.travel(ams(2026, 3, 30, 12, 0), tick=False):
        page = text(client.get(reverse("policies:index")).content.decode())
    coming = page.split("Contractjaar 2027", 1)[1].split("Gepubliceerd inkoopbeleid 2027")[0]
    assert "Publiceren uiterlijk 1 april 2026." in coming
    assert "Verre Verzekeraar nog 2 dagen" in coming and "Zorgverzekeraar Zuid nog 2 dagen" in coming
    assert "Preferente Verzekeraar" not in coming
    published_table = page.split("Gepubliceerd inkoopbeleid 2027", 1)[1]
    assert "Preferente Verzekeraar versie 2 van 25 maart 2026 20 maart 2026" in published_table

    with time_machine.travel(ams(2026, 4, 2, 9, 0), tick=False):
        page = text(client.get(reverse("policies:index")).content.decode())
        other = text(client.get(reverse("policies:insurer_year", args=["ver", 2027])).content.decode())
    assert "Verre Verzekeraar te laat" in page
    assert "Verre Verzekeraar heeft voor 2027 nog geen inkoopbeleid gepubliceerd. te laat De termijn was 1 april " \
           "2026." in other


def test_an_overlegteam_member_reads_the_policy_from_the_home_page(client, published, market, year2027):
    team = OverlegTeamFactory(region=market["region"], insurer=market["preferent"])
    oth = make_member(Role.OTH_MEMBER, team, email="oth@lhv.example")
    client.force_login(oth)
    assert client.get(reverse("purchasing:dashboard")).status_code == 403  # not a purchaser
    with time_machine.travel(ams(2026, 5, 1, 12, 0), tick=False):
        home = client.get(reverse("home")).content.decode()
    link = reverse("policies:insurer_year", args=["pref", 2027])
    assert f'href="{link}"' in home and "Inkoopbeleid Preferente Verzekeraar 2027" in text(home)
    assert client.get(link).status_code == 200
    assert reverse("policies:index") in home


def test_the_footer_links_the_public_policy_pages(client, db):
    contract_year_ensure(actor=None, year=2027)
    page = client.get(reverse("register:index")).content.decode()
    assert f'href="{reverse("policies:index")}"' in page
