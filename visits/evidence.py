"""Files attached to a step of an access issue (a scan of a letter, a photo): checked by their
content, and stripped of what they say about their author. Staff steps (dashboard/escalation.py)
and the manager's answers (the portal) go through the same checks."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Magic numbers of the evidence formats we accept: a scan (PDF) or a photo (JPEG, PNG).
EVIDENCE_SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}
EVIDENCE_EXTENSIONS = {".pdf": ".pdf", ".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}


def evidence_check(upload: UploadedFile | None) -> None:
    """A PDF, JPEG or PNG of at most 5 MB whose content matches its name; else ValidationError."""
    if not upload:
        return
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": _("The evidence file is larger than 5 MB.")})
    name = (upload.name or "").lower()
    extension = EVIDENCE_EXTENSIONS.get(name[name.rfind(".") :] if "." in name else "")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((ext for sig, ext in EVIDENCE_SIGNATURES.items() if head.startswith(sig)), None)
    if kind is None or kind != extension:
        raise ValidationError(
            {"evidence": _("The evidence must be a PDF, JPEG or PNG file (a scan or a photo).")}
        )


def evidence_clean(upload: UploadedFile | None) -> ContentFile | None:
    """The checked evidence with nothing about its author left in it: an image re-encoded from
    its pixels (no EXIF: GPS position, phone model, time), a PDF rewritten without its document
    info and XMP metadata (author, software, dates). The name becomes neutral too. A file that
    cannot be read is refused with a message (ValidationError)."""
    evidence_check(upload)
    if not upload:
        return None
    unreadable = ValidationError(
        {"evidence": _("The evidence file is damaged or protected; scan or save it again.")}
    )
    upload.seek(0)
    out = io.BytesIO()
    try:
        if upload.read(4) == b"%PDF":
            upload.seek(0)
            reader = PdfReader(upload)
            if reader.is_encrypted:
                raise unreadable
            writer = PdfWriter(clone_from=reader)
            writer.metadata = None
            writer.xmp_metadata = None
            writer.write(out)
            return ContentFile(out.getvalue(), name="bukti.pdf")
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image = ImageOps.exif_transpose(image)
            image.save(out, kind, **({"quality": 85} if kind == "JPEG" else {}))
        return ContentFile(out.getvalue(), name="bukti.jpg" if kind == "JPEG" else "bukti.png")
    except (PyPdfError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise unreadable from error
