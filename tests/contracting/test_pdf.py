"""The signed-contract PDF: a real PDF, drawn from the frozen signature, with the hash in its text."""

import re
import zlib

import pytest
from django.urls import reverse

from contracting.models import Signature
from contracting.pdf import signed_contract_pdf
from contracting.services import offer_sign
from tests.contracting.conftest import CHOICE, IN_WINDOW


def page_text(pdf: bytes) -> str:
    """The text drawn on the pages: every content stream, inflated where compressed, as Windows-1252."""
    chunks = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        header, data = match.groups()
        chunks.append(zlib.decompress(data) if b"/FlateDecode" in header else data)
    return b"\n".join(chunks).decode("cp1252", "replace")


@pytest.fixture
def signature(offer, signatory):
    offer_sign(actor=signatory, offer=offer, now=IN_WINDOW, modules=CHOICE, two_factor_verified=True)
    return Signature.objects.get(offer=offer)


def test_pdf_view_returns_the_signed_contract_with_its_hash(client, signature, signatory, offer):
    client.force_login(signatory)
    response = client.get(reverse("offers:pdf", args=[offer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="contract-pref-2027-{offer.practice.agb_code}.pdf"')
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert b"/FlateDecode" in pdf  # compressed as shipped; the text below is read back through zlib
    drawn = page_text(pdf)
    assert signature.content_hash in drawn
    for expected in ("Huisartsenzorg 2027", "Preferente Verzekeraar", offer.practice.name, offer.practice.agb_code,
                     "POH-GGZ", "€ 61.620,00", "€ 286.420,00", "15 oktober 2026, 10:00:00"):
        assert expected in drawn, expected


def test_pdf_shows_what_was_signed_not_the_contract_as_it_is_now(signature):
    signature.content["holder"]["name"] = "Praktijk ten tijde van ondertekenen"
    signature.content["conditions"] = "Tekens buiten Windows-1252 ≤ ≥ ✓ worden vervangen, niet fataal."
    drawn = page_text(signed_contract_pdf(signature, compress=False))
    assert "Praktijk ten tijde van ondertekenen" in drawn
    # ≤ and ≥ written the way Windows-1252 can, what it has no way to write as "?"
    assert "Tekens buiten Windows-1252 <= >= ? worden vervangen" in drawn
