"""Upload checks: extension, size and content signature, each with a Chinese message."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.uploads import DOCUMENT, PHOTO, validate_upload


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8),
        ("a.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 12),
    ],
)
def test_real_photos_pass(name, data):
    assert validate_upload(upload(name, data), PHOTO).name == name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.exe", b"MZ\x90\x00", "格式不支持"),
        ("a.jpg", b"\x00\x00\x00\x00\x00\x00\x00\x00", "内容与文件类型不符"),  # zeros are not a HEIC box
        ("a.png", b"<html>not a picture</html>", "内容与文件类型不符"),
        ("a.jpg", b"", "空文件"),
    ],
)
def test_bad_photos_are_refused(name, data, message):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, data), PHOTO)
    assert message in exc.value.messages[0]


def test_oversized_document_is_refused():
    big = upload("批复.pdf", b"%PDF" + b"0" * (DOCUMENT.max_bytes + 1))
    with pytest.raises(ValidationError) as exc:
        validate_upload(big, DOCUMENT)
    assert "超过30MB的上限" in exc.value.messages[0]
