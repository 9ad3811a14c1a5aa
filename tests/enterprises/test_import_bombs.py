"""Issue 9 item 5 (workbooks): hostile files are refused before they are inflated, with a clear message.

Before: a 491 KB file whose shared strings inflate to 200 MB was parsed for 120 s until the worker died;
a 199 MB whitespace sheet cost +384 MB. The full-size figures are measured by bench/bench_import_bombs.py;
here the same shapes at a size that keeps the suite fast, against the default limits.
"""

import resource
import time

import pytest

from enforcement.enterprises import importing
from tests.enterprises import bombs
from tests.enterprises.test_import_support import post_workbook, registrar, upload

TOO_LARGE = "工作簿解压后过大或压缩比异常"


def refuse(path):
    with open(path, "rb") as fileobj, pytest.raises(importing.WorkbookError) as info:
        importing.parse_workbook(fileobj)
    return info.value.message


def test_a_shared_strings_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = bombs.shared_strings_bomb(tmp_path / "bomb.xlsx", inflated_mb=60)
    assert path.stat().st_size < 600 * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    assert TOO_LARGE in refuse(path)
    assert time.monotonic() - started < 2
    # ru_maxrss is in KiB: the refusal never holds the inflated table.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50 * 1024


def test_a_whitespace_sheet_is_refused_on_its_compression_ratio(tmp_path):
    path = bombs.whitespace_sheet(tmp_path / "blank.xlsx", inflated_mb=5)
    assert TOO_LARGE in refuse(path)


def test_too_many_shared_strings_are_refused_while_counting(tmp_path, settings):
    settings.ENTERPRISE_IMPORT_MAX_SHARED_STRINGS = 20_000
    settings.ENTERPRISE_IMPORT_MAX_RATIO = 10_000  # only the count can refuse it
    message = refuse(bombs.many_strings(tmp_path / "strings.xlsx", 30_000))
    assert "共享字符串超过20000个" in message


def test_a_workbook_of_too_many_parts_is_refused(tmp_path, settings):
    settings.ENTERPRISE_IMPORT_MAX_MEMBERS = 3
    message = refuse(bombs.many_strings(tmp_path / "parts.xlsx", 10))
    assert "部件过多（6个）" in message


def test_the_upload_page_says_why_a_bomb_was_refused(client, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(registrar(world))
    content = bombs.shared_strings_bomb(tmp_path / "bomb.xlsx", inflated_mb=20).read_bytes()
    response = post_workbook(client, content)
    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()


def test_a_slow_workbook_is_stopped_at_the_time_limit(world, settings, monkeypatch):
    """The parse is refused once ENTERPRISE_IMPORT_PARSE_SECONDS have passed (checked every 1,000 rows)."""
    from tests.enterprises.test_import_support import workbook_bytes

    rows = [["914199010000000000", f"公司{i}", "城关", "机械"] for i in range(2100)]
    content = workbook_bytes(rows, header=["统一社会信用代码", "单位名称", "属地", "行业领域"])
    settings.ENTERPRISE_IMPORT_PARSE_SECONDS = 0
    with pytest.raises(importing.WorkbookError) as info:
        importing.parse_workbook(upload(content))
    assert "工作簿读取超过0秒，已停止" in info.value.message
