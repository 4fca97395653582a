"""The one check of an uploaded PDF (policy attachments, the begroting and werkplan of a care-group
negotiation): a PDF by its content, not only its name, within a size and a name length. Bad input gets a
Dutch message and nothing is stored."""

import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import PortalError

MAX_PDF_BYTES = 10 * 1024 * 1024
# The name people see (and download the file as); stored files get a short generated name of their own.
PDF_NAME_MAX = 200


@dataclass(frozen=True)
class CheckedPdf:
    name: str
    size: int
    sha256: str


def check_pdf_upload(upload: UploadedFile, *, field: str = "file", max_bytes: int = MAX_PDF_BYTES,
                     max_name: int = PDF_NAME_MAX) -> CheckedPdf:
    """The upload's base name, size and SHA-256 if it is a PDF (starts with %PDF-, ends in .pdf) of at most
    `max_bytes` with a name of at most `max_name` characters; else PortalError 400 with the reason under
    `field`. Leaves the upload rewound."""
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name.lower().endswith(".pdf"):
        raise PortalError("attachment_type",
                          _("‘%(name)s’ is geen PDF. Alleen PDF-bestanden kunnen als bijlage.") % {"name": name},
                          fields={field: [_("Alleen PDF.")]})
    if len(name) > max_name:
        raise PortalError("attachment_name_too_long",
                          _("De bestandsnaam is %(length)s tekens lang; ten hoogste %(max)s. Geef het bestand een "
                            "kortere naam en voeg het opnieuw toe.")
                          % {"length": len(name), "max": max_name},
                          fields={field: [_("Naam te lang.")]})
    if upload.size > max_bytes:
        raise PortalError("attachment_too_large",
                          _("‘%(name)s’ is %(size)s MB; een bijlage is ten hoogste %(max)s MB.")
                          % {"name": name, "size": f"{upload.size / 1024 / 1024:.1f}",
                             "max": max_bytes // (1024 * 1024)},
                          fields={field: [_("Te groot.")]})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise PortalError("attachment_type", _("‘%(name)s’ is geen geldig PDF-bestand.") % {"name": name},
                          fields={field: [_("Geen PDF.")]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedPdf(name=name, size=upload.size, sha256=digest.hexdigest())
