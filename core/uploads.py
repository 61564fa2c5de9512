"""Checking uploaded files (docs/security.md, Input): size, extension and magic bytes.

Files are stored under MEDIA_ROOT (outside the web root, never served by the static
handler) with random names, and served only by views that check access first.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from .errors import ApplicationError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"

# extension → (content type, check)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "gif": ("image/gif", "gif"),
    "webp": ("image/webp", "webp"),
    "doc": ("application/msword", "ole2"),
    "xls": ("application/vnd.ms-excel", "ole2"),
    "ppt": ("application/vnd.ms-powerpoint", "ole2"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf:application/vnd.oasis.opendocument.text"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf:application/vnd.oasis.opendocument.spreadsheet"),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def _magic_ok(check: str, head: bytes, upload) -> bool:
    if check == "pdf":
        return head.startswith(b"%PDF-")
    if check == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if check == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if check == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if check == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if check == "ole2":
        return head.startswith(OLE2)
    if check.startswith(("ooxml:", "odf:")):
        if not head.startswith(ZIP):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as z:
                names = z.namelist()
                if check.startswith("odf:"):
                    return "mimetype" in names and z.read("mimetype").decode(errors="replace") == check[4:]
                return "[Content_Types].xml" in names and any(n.startswith(check[6:]) for n in names)
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
        finally:
            upload.seek(0)
    return False


def check_upload(upload, *, field: str = "file") -> CheckedUpload:
    """Refuse files that are too large, of a type not on the list, or whose content lies about it."""
    limit = settings.UPLOAD_MAX_BYTES
    name = PurePath(upload.name or "").name[:255]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field=field
        )
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), field=field)
    if ext not in ALLOWED:
        raise ApplicationError(
            _("Files of type .%(ext)s are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED))},
            field=field,
        )
    content_type, check = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _magic_ok(check, head, upload):
        raise ApplicationError(
            _("The file's content does not match its .%(ext)s extension.") % {"ext": ext}, field=field
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, content_type=content_type, size=upload.size, sha256=digest.hexdigest())


def serve_file(field_file, *, name: str, content_type: str) -> FileResponse:
    """Send a stored file as a download (never rendered inline by the browser)."""
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
