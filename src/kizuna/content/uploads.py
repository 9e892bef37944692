"""Uploaded files: size and type limits, content sniffing, storage outside the web root, safe serving.

The declared content type and the file name are never trusted: the type is decided from the first bytes
(magic numbers) and must be on the allow-list; the file is stored as ``<uploads_dir>/<workspace_id>/<random
hex>.<ext>`` so no part of a client-given name reaches the file system. Serving sends the sniffed type,
``X-Content-Type-Options: nosniff``, a sandboxing CSP, and ``Content-Disposition: attachment`` for anything
that is not a raster image.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from fastapi.responses import FileResponse

from kizuna.config import get_settings
from kizuna.errors import KizunaError, NotFound, PayloadTooLarge, ValidationFailed
from kizuna.models.upload import Upload

CHUNK = 64 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}
_MP4_BRANDS = (b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"iso5", b"iso6", b"MSNV")


def sniff(head: bytes) -> str | None:
    """The content type told by the file's first bytes, or ``None`` when it is not an allowed kind."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in _MP4_BRANDS:
            return "video/mp4"
    return None


def safe_display_name(name: str) -> str:
    """A display-only file name: no directories, no control characters, at most 200 characters."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return (base or "file")[:200]


def storage_root() -> Path:
    root = get_settings().uploads_dir
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def path_for(upload: Upload) -> Path:
    """Where an upload's bytes live; refuses anything that would resolve outside the uploads directory."""
    root = storage_root()
    name = upload.stored_name
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise NotFound("File not found.", code="upload_missing")
    path = (root / str(upload.workspace_id) / name).resolve()
    if not path.is_relative_to(root):
        raise NotFound("File not found.", code="upload_missing")
    return path


@dataclass
class Stored:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def store(stream: BinaryIO, workspace_id: int, *, max_bytes: int | None = None) -> Stored:
    """Copy an upload to storage under a generated name, enforcing the size limit while reading."""
    limit = max_bytes if max_bytes is not None else get_settings().upload_max_bytes
    head = stream.read(32)
    ctype = sniff(head)
    if ctype is None:
        raise ValidationFailed(
            "This file type is not accepted. Upload a JPEG, PNG, GIF, WebP, PDF, MP4 or MOV file.",
            code="upload_type_not_allowed",
        )
    folder = storage_root() / str(workspace_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{EXTENSIONS[ctype]}"
    target = folder / name
    digest = hashlib.sha256(head)
    size = len(head)
    try:
        with target.open("xb") as out:
            out.write(head)
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(
                        "The file is too large.",
                        code="upload_too_large",
                        details={"max_bytes": limit},
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size == 0:
        target.unlink(missing_ok=True)
        raise ValidationFailed("The file is empty.", code="upload_empty")
    return Stored(stored_name=name, content_type=ctype, size=size, sha256=digest.hexdigest())


def make_upload(
    stream: BinaryIO,
    *,
    workspace_id: int,
    original_name: str,
    purpose: str,
    uploaded_by: str,
    campaign_id: int | None = None,
    deal_id: int | None = None,
) -> Upload:
    stored = store(stream, workspace_id)
    return Upload(
        workspace_id=workspace_id,
        campaign_id=campaign_id,
        deal_id=deal_id,
        purpose=purpose,
        original_name=safe_display_name(original_name),
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        uploaded_by=uploaded_by[:200],
    )


class UploadGone(KizunaError):
    """The row exists but its bytes are no longer on disk (restored database without the uploads folder)."""

    code = "upload_gone"
    status = 410


def serve(upload: Upload) -> FileResponse:
    path = path_for(upload)
    if not path.is_file():
        raise UploadGone("The file is no longer stored on this server.")
    inline = upload.content_type in IMAGE_TYPES
    name = upload.original_name
    ascii_name = (
        name.encode("ascii", "ignore").decode() or f"file.{EXTENSIONS.get(upload.content_type, 'bin')}"
    )
    ascii_name = "".join(ch for ch in ascii_name if ch not in '"\\;').strip() or "file"
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
        "Cache-Control": "private, max-age=300",
    }
    return FileResponse(path, media_type=upload.content_type, headers=headers)
