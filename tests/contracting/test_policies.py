import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracting.services import policy_attach, policy_detach, policy_publish, policy_save_draft
from core.errors import PortalError
from insurers.models import PolicyAttachment, PolicyVersion
from tests.contracting.conftest import ams

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(market, year2027, purchaser):
    return policy_save_draft(actor=purchaser, insurer=market["preferent"], year=2027, title="Inkoopbeleid 2027",
                             body="Inleiding.\n\nPOH-GGZ volgens NZa.\n\nKwaliteit: accreditatie.")


def test_publishing_creates_immutable_versions_with_a_change_summary(draft, purchaser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    v1 = policy_publish(actor=purchaser, policy=draft, now=ams(2026, 3, 20, 10, 0))
    assert (v1.number, v1.is_late, v1.change_summary) == (1, False, "Eerste publicatie.")
    policy_attach(actor=purchaser, policy=draft, upload=SimpleUploadedFile("rekenmodel.pdf", PDF))
    policy_save_draft(actor=purchaser, insurer=draft.insurer, year=2027, title="Inkoopbeleid 2027",
                      body="Inleiding.\n\nPOH-GGZ: 12 uur per 2.350 patiënten.\n\nKwaliteit: accreditatie.\n\nNieuw.")
    v2 = policy_publish(actor=purchaser, policy=draft, now=ams(2026, 3, 25, 10, 0))
    assert v2.number == 2
    assert "Tekst: 1 alinea gewijzigd, 1 toegevoegd, 0 verwijderd." in v2.change_summary
    assert "Bijlage toegevoegd: rekenmodel.pdf." in v2.change_summary
    v1.refresh_from_db()
    assert v1.body == "Inleiding.\n\nPOH-GGZ volgens NZa.\n\nKwaliteit: accreditatie."  # unchanged
    assert v1.attachments.count() == 0 and v2.attachments.count() == 1
    assert policy_publish(actor=purchaser, policy=draft, now=ams(2026, 3, 26, 10, 0)) == v2  # nothing new
    assert PolicyVersion.objects.count() == 2


def test_publishing_after_1_april_is_recorded_as_late_not_refused(draft, purchaser):
    assert not policy_publish(actor=purchaser, policy=draft, now=ams(2026, 4, 1, 23, 59, 59)).is_late
    policy_save_draft(actor=purchaser, insurer=draft.insurer, year=2027, title="Inkoopbeleid 2027", body="Nieuw.")
    assert policy_publish(actor=purchaser, policy=draft, now=ams(2026, 4, 2, 0, 0)).is_late


@pytest.mark.parametrize(("name", "content", "code"), [
    ("beleid.docx", PDF, "attachment_type"),
    ("nep.pdf", b"PK\x03\x04 not a pdf", "attachment_type"),
])
def test_only_real_pdfs_are_accepted(draft, purchaser, name, content, code, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PortalError) as exc:
        policy_attach(actor=purchaser, policy=draft, upload=SimpleUploadedFile(name, content))
    assert exc.value.code == code
    assert not PolicyAttachment.objects.exists()


def test_attachments_over_10_mb_are_refused(draft, purchaser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("groot.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(PortalError) as exc:
        policy_attach(actor=purchaser, policy=draft, upload=big)
    assert exc.value.code == "attachment_too_large"
    assert not PolicyAttachment.objects.exists()


def test_a_removed_attachment_stays_with_the_version_that_carried_it(draft, purchaser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = policy_attach(actor=purchaser, policy=draft, upload=SimpleUploadedFile("a.pdf", PDF))
    v1 = policy_publish(actor=purchaser, policy=draft, now=ams(2026, 3, 1, 10, 0))
    policy_detach(actor=purchaser, attachment=attachment)
    v2 = policy_publish(actor=purchaser, policy=draft, now=ams(2026, 3, 2, 10, 0))
    assert list(v1.attachments.all()) == [attachment]
    assert v2.attachments.count() == 0
    assert "Bijlage verwijderd: a.pdf." in v2.change_summary
