"""The one check of an uploaded file before anything is saved (policy attachments, the begroting and werkplan of
a care-group negotiation, the attachments of a request): its name as people see it, its size and its type, read
from the file's first bytes rather than trusted from its name. A refusal is a PortalError with a Dutch message
under the form's field, and nothing is stored; stored files get a short generated name of their own."""

import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import PortalError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The name people see (and download the file as).
UPLOAD_NAME_MAX = 200
MAX_PDF_BYTES, PDF_NAME_MAX = MAX_UPLOAD_BYTES, UPLOAD_NAME_MAX

# extension -> (the file's first bytes, its content type). Office documents are zip containers.
_ZIP = b"PK\x03\x04"
FILE_KINDS = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "docx": (_ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (_ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": (_ZIP, "application/vnd.oasis.opendocument.text"),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the name as given, without any folder
    size: int
    sha256: str
    content_type: str = "application/pdf"
    extension: str = "pdf"


CheckedPdf = CheckedUpload


def upload_name(upload: UploadedFile) -> str:
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()


def check_upload(upload: UploadedFile, *, kinds: tuple[str, ...] = ("pdf",), field: str = "file",
                 max_bytes: int = MAX_UPLOAD_BYTES, max_name: int = UPLOAD_NAME_MAX) -> CheckedUpload:
    """`upload`'s base name, size, SHA-256 and content type if it is one of `kinds` (extensions of FILE_KINDS)
    by its name and its first bytes, of at most `max_bytes` with a name of at most `max_name` characters; else
    PortalError 400 with the reason under `field`. Leaves the upload rewound."""
    name = upload_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in kinds:
        if kinds == ("pdf",):
            message = _("‘%(name)s’ is geen PDF. Alleen PDF-bestanden kunnen als bijlage.") % {"name": name}
            short = _("Alleen PDF.")
        else:
            message = (_("‘%(name)s’ kan niet als bijlage: toegestaan zijn %(kinds)s.")
                       % {"name": name, "kinds": ", ".join(k.upper() for k in kinds)})
            short = _("Soort bestand niet toegestaan.")
        raise PortalError("attachment_type", message, fields={field: [short]})
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
    magic, content_type = FILE_KINDS[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        if extension == "pdf":
            message, short = _("‘%(name)s’ is geen geldig PDF-bestand.") % {"name": name}, _("Geen PDF.")
        else:
            message = _("‘%(name)s’ is geen geldig %(kind)s-bestand.") % {"name": name, "kind": extension.upper()}
            short = _("Ongeldig bestand.")
        raise PortalError("attachment_type", message, fields={field: [short]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, size=upload.size, sha256=digest.hexdigest(), content_type=content_type,
                         extension=extension)


def check_pdf_upload(upload: UploadedFile, *, field: str = "file", max_bytes: int = MAX_PDF_BYTES,
                     max_name: int = PDF_NAME_MAX) -> CheckedUpload:
    """check_upload for a PDF only."""
    return check_upload(upload, kinds=("pdf",), field=field, max_bytes=max_bytes, max_name=max_name)
