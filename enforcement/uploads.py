"""Checking uploaded files (photos, approval documents) before they are stored.

Uploads are stored under MEDIA_ROOT, outside the static web root, and served only by views that fetch
the owning record through ``restrict()`` first (see ``serve_scoped_file``).
"""

import mimetypes
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image

MB = 1024 * 1024
# Decompression bombs (issue 9 item 5: a 687 KB PNG of 13,300 × 13,300 px decoded to +1.9 GB per view). 50 million
# pixels is a phone's full-resolution mode (8160 × 6120); decoding that much as RGB costs ~150 MB, once, for the
# thumbnail. Uploads are refused above it by reading the header only; Pillow itself then refuses to open anything
# above twice this (DecompressionBombError) wherever an image is decoded.
MAX_IMAGE_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class UploadKind:
    label: str
    extensions: tuple[str, ...]
    max_bytes: int
    signatures: tuple[tuple[int, bytes], ...]  # (offset, magic bytes)


JPEG, PNG = (0, b"\xff\xd8\xff"), (0, b"\x89PNG")
WEBP = (8, b"WEBP")  # "RIFF" <size> "WEBP"
HEIC = (4, b"ftyp")  # ISO base media box: <size> "ftyp" <brand>
PHOTO = UploadKind(_("照片"), (".jpg", ".jpeg", ".png", ".webp", ".heic"), 15 * MB, (JPEG, PNG, WEBP, HEIC))
# OFD (the national e-document format) is a ZIP container.
DOCUMENT = UploadKind(
    _("文件"), (".pdf", ".jpg", ".jpeg", ".png", ".ofd"), 30 * MB, ((0, b"%PDF"), JPEG, PNG, (0, b"PK\x03\x04"))
)

# Recordings (R-20: audio and video of the procedure). ISO base media (mp4, mov, m4a, 3gp) has "ftyp" at offset 4;
# older QuickTime files may open with a "wide", "mdat" or "moov" box instead.
FTYP, WIDE, MDAT, MOOV = (4, b"ftyp"), (4, b"wide"), (4, b"mdat"), (4, b"moov")
ID3 = (0, b"ID3")  # mp3 with its tag
MP3_FRAMES = tuple((0, sync) for sync in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"))  # mp3 without a tag
ADTS = tuple((0, sync) for sync in (b"\xff\xf1", b"\xff\xf9"))  # raw AAC
WAVE = (8, b"WAVE")  # "RIFF" <size> "WAVE"
AMR = (0, b"#!AMR")  # phones' voice recorders
AVI = (8, b"AVI ")  # "RIFF" <size> "AVI "
EBML = (0, b"\x1a\x45\xdf\xa3")  # Matroska and WebM
AUDIO = UploadKind(
    _("录音"),
    (".mp3", ".m4a", ".aac", ".wav", ".amr"),
    500 * MB,
    (ID3, *MP3_FRAMES, FTYP, *ADTS, WAVE, AMR),
)
VIDEO = UploadKind(
    _("录像"),
    (".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".webm"),
    4096 * MB,
    (FTYP, WIDE, MDAT, MOOV, AVI, EBML),
)


def matches_signature(head: bytes, kind: UploadKind) -> bool:
    """Whether the file's first bytes carry one of ``kind``'s content signatures."""
    return any(head[offset : offset + len(magic)] == magic for offset, magic in kind.signatures)


def validate_upload(upload, kind: UploadKind):
    """Raise ValidationError (Chinese) unless ``upload`` has an allowed extension, size and content signature."""
    name = (upload.name or "").lower()
    if not name.endswith(kind.extensions):
        raise ValidationError(
            _("“%(name)s”的格式不支持，%(label)s仅支持：%(ext)s。")
            % {"name": upload.name, "label": kind.label, "ext": "、".join(kind.extensions)}
        )
    if upload.size > kind.max_bytes:
        raise ValidationError(
            _("“%(name)s”大小为%(size).1fMB，超过%(max)dMB的上限。")
            % {"name": upload.name, "size": upload.size / MB, "max": kind.max_bytes // MB}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": upload.name})
    head = upload.read(16)
    upload.seek(0)
    if not matches_signature(head, kind):
        raise ValidationError(_("“%(name)s”的内容与文件类型不符，请重新选择。") % {"name": upload.name})
    if head.startswith((JPEG[1], PNG[1])) or head[WEBP[0] : WEBP[0] + 4] == WEBP[1]:
        _check_pixels(upload)
    return upload


def _check_pixels(upload):
    """Refuse an image whose pixel count is over MAX_IMAGE_PIXELS, from its header alone (nothing is decoded).

    A header Pillow cannot read is let through as before: the signature matched, and the file is only ever
    served as it is (its thumbnail falls back to the original), never decoded at size.
    """
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = None
    except (OSError, ValueError, SyntaxError):  # Pillow's "cannot identify image file" and broken headers
        return
    finally:
        upload.seek(0)
    if width is None or width * height > MAX_IMAGE_PIXELS:
        # Pillow refuses to even report the size of one above twice the limit: then the size is not named.
        size = _("为%(w)d×%(h)d像素，") % {"w": width, "h": height} if width else ""
        raise ValidationError(
            _("“%(name)s”的尺寸%(size)s超过%(max)d万像素的上限，请压缩或缩小后再上传。")
            % {"name": upload.name, "size": size, "max": MAX_IMAGE_PIXELS // 10_000}
        )


def serve_scoped_file(field_file, download_name=None):
    """Stream a stored file. Callers must already have fetched its record through restrict()."""
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    return FileResponse(field_file.open("rb"), content_type=content_type, filename=download_name, as_attachment=False)
