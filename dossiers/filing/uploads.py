"""Hostile-upload checks (docs/design.md rule 8): size, type by content, safe names.

Accepted: PDF, JPEG, PNG, recognised by their first bytes, never by the file name. Everything
else — SVG, HTML, executables, archives, empty files — is refused with a Vietnamese message.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from dvctt.errors import InvalidInput

from ..constants import ALLOWED_CONTENT_TYPES

MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
# Programs (Windows, Linux, macOS, scripts): recognised only to explain the refusal better.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"#!")
MARKUP_RE = re.compile(rb"^\s*(<\?xml|<svg|<!doctype|<html|<script|<body|<head)", re.IGNORECASE)
UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str
    stored_name: str


def sanitize_filename(name: str) -> str:
    """Return a display-safe file name: no directories, no control characters, ≤ 150 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = UNSAFE_NAME_CHARS.sub("_", name).strip().lstrip(".").strip()
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    return name or "tep-dinh-kem"


def detect_content_type(head: bytes) -> str | None:
    """Return the accepted content type the leading bytes show, or None."""
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def check_upload(upload: UploadedFile, *, max_mb: int) -> CheckedFile:
    """Check an uploaded file and return its facts; raise InvalidInput when it is refused."""
    original = sanitize_filename(getattr(upload, "name", "") or "")
    size = upload.size or 0
    if size <= 0:
        raise InvalidInput(
            _("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.") % {"name": original},
            fields={"file": [_("Tệp rỗng.")]},
        )
    if size > max_mb * 1024 * 1024:
        message = _("Tệp “%(name)s” lớn hơn %(mb)s MB cho phép. Vui lòng nén hoặc chia nhỏ.") % {
            "name": original,
            "mb": max_mb,
        }
        raise InvalidInput(message, fields={"file": [message]})
    upload.seek(0)
    head = upload.read(512)
    content_type = detect_content_type(head)
    if content_type is None:
        if MARKUP_RE.match(head):
            reason = _("tệp SVG/HTML có thể chứa mã độc")
        elif head.startswith(EXECUTABLE_MAGIC):
            reason = _("tệp chương trình (có thể là mã độc)")
        else:
            reason = _("không phải PDF, JPEG hoặc PNG")
        message = _("Không nhận tệp “%(name)s”: %(reason)s. Chỉ nhận tệp PDF, JPEG hoặc PNG.") % {
            "name": original,
            "reason": reason,
        }
        raise InvalidInput(message, fields={"file": [message]})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    extension = ALLOWED_CONTENT_TYPES[content_type]
    return CheckedFile(
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        original_name=original,
        # Random stored name: nothing the uploader chose reaches the file system.
        stored_name=f"{uuid.uuid4().hex}{extension}",
    )


def download_name(original_name: str, content_type: str) -> str:
    """Return the name to download a stored file under: its stem + the detected type's extension.

    The uploader chose the name; only the content decided the type. "poly.html" or "evil.exe"
    that passed as a PDF is served as "poly.pdf" / "evil.pdf", so no browser or desktop treats
    it as a page or a program.
    """
    extension = ALLOWED_CONTENT_TYPES.get(content_type, ".bin")
    name = sanitize_filename(original_name)
    stem, dot, old = name.rpartition(".")
    if dot and stem and len(old) <= 10:
        name = stem
    return f"{name}{extension}"
