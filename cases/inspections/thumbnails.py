"""Photo thumbnails, made once and stored beside the photo (issue 9 item 5).

Decoding a photo for every list view cost seconds and, for a decompression bomb, gigabytes per view. The
thumbnail is now made at its first request and stored as ``thumbs/<photo's name>.jpg`` in the same storage;
every later view serves that file. A photo whose header says it is larger than ``MAX_IMAGE_PIXELS`` (one stored
before uploads were checked for it) is never decoded. A pending photo that becomes a hazard photo keeps its
file name, so its thumbnail goes with it.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from enforcement.uploads import MAX_IMAGE_PIXELS

THUMB_SIZE = 480


def thumbnail_name(name):
    return f"thumbs/{name}.jpg"


def stored_thumbnail(field_file):
    """The photo's thumbnail as JPEG bytes, made and stored on first use; None if it cannot be made (HEIC, a
    broken or oversized image): the caller then sends the original."""
    storage, name = field_file.storage, thumbnail_name(field_file.name)
    if storage.exists(name):
        with storage.open(name, "rb") as fh:
            return fh.read()
    data = make_thumbnail(field_file)
    if data is None:
        return None
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent request stored it first: keep one
        storage.delete(saved)
    return data


def make_thumbnail(field_file, size=THUMB_SIZE):
    """A small JPEG for the lists (tablet photos are several MB; the connection on site is often poor)."""
    try:
        with field_file.open("rb") as fh, Image.open(fh) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:  # checked on the header, before anything is decoded
                return None
            image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much faster
            image = ImageOps.exif_transpose(image)  # the stripped EXIF must not leave photos sideways
            image.thumbnail((size, size))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return out.getvalue()


def delete_thumbnail(storage, name):
    storage.delete(thumbnail_name(name))
