"""Private uploads: kept outside MEDIA_ROOT, checked by content, renamed, size-limited."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def private_storage():
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def kind_of(upload) -> str | None:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    return next((ext for magic, ext in SIGNATURES.items() if head.startswith(magic)), None)


def validate_upload(upload) -> None:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("文件超过20MB，请压缩后再上传。", code="size")
    kind = kind_of(upload)
    if kind is None:
        raise ValidationError("只接受PDF、JPEG或PNG文件（按文件内容识别）。", code="type")
    name = getattr(upload, "name", "") or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if {"jpeg": "jpg"}.get(suffix, suffix) != kind:
        raise ValidationError("文件扩展名与文件内容不符，请上传扩展名正确的PDF、JPEG或PNG文件。", code="extension")


def _safe_name(folder: str, filename: str) -> str:
    """A generated name: the uploader's file name never reaches the file system."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    ext = {"jpeg": "jpg"}.get(suffix, suffix)
    return f"{folder}/{uuid.uuid4().hex}.{ext if ext in ('pdf', 'jpg', 'png') else 'bin'}"


def evidence_path(instance, filename) -> str:
    return _safe_name("evidence", filename)


def objection_path(instance, filename) -> str:
    return _safe_name("objections", filename)


def private_file_field(verbose_name="文件（PDF、JPEG、PNG，20MB以内）", upload_to=evidence_path, **kwargs):
    """A file field kept in private storage, checked by content and size, stored under a generated name."""
    from django.db import models

    return models.FileField(
        verbose_name,
        storage=private_storage,
        upload_to=upload_to,
        validators=[validate_upload],
        max_length=200,
        **kwargs,
    )


# Uploads are PDF, JPEG or PNG by content (validate_upload): the browser shows them in the entry page.
INLINE_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def inline_type(name: str) -> str:
    """The content type to show a stored private file in the page with, or "" to only download it."""
    return INLINE_TYPES.get(name.rsplit(".", 1)[-1].lower(), "") if "." in name else ""


def evidence_items(entry) -> list[dict]:
    return [{"file": f, "inline_type": inline_type(f.file.name)} for f in entry.evidence_files.all()]
