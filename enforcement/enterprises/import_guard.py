"""Checks a register workbook must pass before openpyxl opens it, so that parsing stays bounded.

An .xlsx is a zip of XML parts. A 491 KB file whose shared-strings table inflates to 200 MB, or a sheet
padded with 199 MB of whitespace, would otherwise be inflated and parsed in full (minutes, hundreds of MB).
The zip's central directory is read first and the file refused on the member count, any member's size,
the total size and the compression ratio; the shared-strings table (which openpyxl keeps in memory) is
then counted in a streaming pass. The declared sizes bind: Python's zipfile never inflates a member past
its declared size (and fails on a CRC mismatch), so a lying header cannot slip a larger part through.
XML is parsed with defusedxml (openpyxl uses it when installed), which refuses entity expansion.

A password-protected workbook is not a zip but an OLE2 compound file with an "EncryptionInfo" stream; it
is called encrypted (not "an old .xls"), so the user knows to remove the password.
"""

import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in a compound file's directory are UTF-16LE (MS-OFFCRYPTO 2.3.4: EncryptionInfo stream).
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
SHARED_STRINGS = "xl/sharedStrings.xml"
CHUNK = 1 << 20
RATIO_FLOOR_BYTES = 1 << 20  # tiny parts compress extremely well and harmlessly; ratios count above this


class WorkbookRefused(Exception):
    """The file cannot be opened safely or at all; ``message`` is shown to the user (Chinese)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check_workbook_file(fileobj):
    """Refuse anything but a well-bounded .xlsx; leaves ``fileobj`` at its start."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head == OLE2_MAGIC:
        if _is_encrypted(fileobj):
            raise WorkbookRefused(_("工作簿已加密（设置了打开密码），无法读取。请在Excel中取消密码后另存，再上传。"))
        raise WorkbookRefused(_("这是旧版Excel（.xls）文件，请在Excel中“另存为”.xlsx格式后再上传。"))
    if not head.startswith(b"PK"):
        raise WorkbookRefused(_("文件不是有效的Excel（.xlsx）工作簿，请检查文件格式。"))
    try:
        with zipfile.ZipFile(fileobj) as archive:
            _check_members(archive.infolist())
            if SHARED_STRINGS in archive.namelist():
                _check_shared_strings(archive)
    except WorkbookRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise WorkbookRefused(_("文件已损坏或不是有效的Excel（.xlsx）工作簿，无法读取。")) from exc
    finally:
        fileobj.seek(0)


def _is_encrypted(fileobj):
    fileobj.seek(0)
    tail = b""
    while chunk := fileobj.read(CHUNK):
        if ENCRYPTION_INFO in tail + chunk:
            return True
        tail = chunk[-len(ENCRYPTION_INFO) :]
    return False


def _too_large():
    return WorkbookRefused(
        _("工作簿解压后过大或压缩比异常（可能是恶意构造的文件），已拒绝。请删除无关的工作表、图片或格式后再上传。")
    )


def _check_members(infos):
    if len(infos) > settings.ENTERPRISE_IMPORT_MAX_MEMBERS:
        raise WorkbookRefused(
            _("工作簿包含的部件过多（%(n)d个），已拒绝。请只保留名录工作表后再上传。") % {"n": len(infos)}
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename == SHARED_STRINGS and info.file_size > settings.ENTERPRISE_IMPORT_MAX_SHARED_STRINGS_BYTES:
            raise _too_large()
        if (
            info.file_size > settings.ENTERPRISE_IMPORT_MAX_MEMBER_BYTES
            or total > settings.ENTERPRISE_IMPORT_MAX_UNZIPPED_BYTES
        ):
            raise _too_large()
        if info.file_size > RATIO_FLOOR_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > settings.ENTERPRISE_IMPORT_MAX_RATIO:
                raise _too_large()


def _check_shared_strings(archive):
    """Count the shared strings in a streaming pass: openpyxl keeps the whole table in memory."""
    limit = settings.ENTERPRISE_IMPORT_MAX_SHARED_STRINGS
    count = 0
    tail = b""
    with archive.open(SHARED_STRINGS) as part:
        while chunk := part.read(CHUNK):
            data = tail + chunk
            # "<si>" or "<si " opens a string item; 3 bytes carried over catch a tag split across chunks
            # (too short to hold a whole one, so none is counted twice).
            count += data.count(b"<si>") + data.count(b"<si ")
            tail = data[-3:]
            if count > limit:
                raise WorkbookRefused(
                    _("工作簿的共享字符串超过%(max)d个，已拒绝。请删除无关内容或拆分后分批导入。") % {"max": limit}
                )
