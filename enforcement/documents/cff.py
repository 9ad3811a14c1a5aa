"""Just enough of a CFF reader (Adobe Technical Note #5176) to tell which CID each glyph of a font carries.

The compact font embedding needs one fact about a font before it trusts a plain subset: that the font is
CID-keyed and each glyph's CID is its glyph id. fontTools can say so too, but it builds all 65,535 glyph
names of a CJK face to do it (~40 ms); this reads the few bytes involved and works on any buffer
(HarfBuzz's memory-mapped table, without copying the 20 MB file).
"""

import functools
import struct

_OP_ROS = (12, 30)
_OP_CHARSET = 15
_OP_CHARSTRINGS = 17


class CFFError(ValueError):
    pass


def _reading(function):
    """Malformed data of any kind raises CFFError, so callers handle one exception."""

    @functools.wraps(function)
    def read(data):
        try:
            return function(data)
        except (IndexError, struct.error) as exc:
            raise CFFError(f"truncated or malformed CFF data: {exc}") from exc

    return read


def _cid_charset(data):
    """(charset offset, glyph count) of a CID-keyed font, or None for a name-keyed one."""
    top = _top_dict(data)
    if _OP_ROS not in top or _OP_CHARSTRINGS not in top or _OP_CHARSET not in top:
        return None
    return int(top[_OP_CHARSET][0]), _index_count(data, int(top[_OP_CHARSTRINGS][0]))


@_reading
def glyph_cids(data) -> list[int] | None:
    """Each glyph's CID in glyph order, or None when the font is not CID-keyed."""
    charset = _cid_charset(data)
    if charset is None:
        return None
    offset, glyphs = charset
    return [0, *_charset(data, offset, glyphs - 1)]


@_reading
def is_identity(data) -> bool:
    """True when the font is CID-keyed and glyph n carries CID n for every glyph."""
    charset = _cid_charset(data)
    if charset is None:
        return False
    offset, glyphs = charset
    if offset <= 2:  # the predefined ISOAdobe/Expert charsets of name-keyed fonts
        return False
    expected = 1
    for first, count in _charset_ranges(data, offset, glyphs - 1):
        if first != expected:
            return False
        expected += count
    return expected == glyphs


def _top_dict(data) -> dict:
    header_size = data[2]
    names_end = _index_end(data, header_size)
    count, offsets, base = _index(data, names_end)
    if count < 1:
        raise CFFError("empty Top DICT INDEX")
    return _dict(bytes(data[base + offsets[0] : base + offsets[1]]))


def _index(data, offset):
    """(count, offsets, base) of the INDEX at ``offset``: item i is data[base + offsets[i]:base + offsets[i+1]]."""
    (count,) = struct.unpack_from(">H", data, offset)
    if count == 0:
        return 0, [], offset + 2
    off_size = data[offset + 2]
    start = offset + 3
    offsets = [
        int.from_bytes(bytes(data[start + i * off_size : start + (i + 1) * off_size]), "big") for i in range(count + 1)
    ]
    base = start + (count + 1) * off_size - 1  # offsets are 1-based
    return count, offsets, base


def _index_count(data, offset) -> int:
    return struct.unpack_from(">H", data, offset)[0]


def _index_end(data, offset) -> int:
    count, offsets, base = _index(data, offset)
    return base + offsets[-1] if count else base


def _dict(raw: bytes) -> dict:
    """Operator → operands of a DICT (two-byte operators as (12, b1) tuples)."""
    result, operands, i = {}, [], 0
    while i < len(raw):
        b0 = raw[i]
        if b0 <= 21:
            if b0 == 12:
                operator, i = (12, raw[i + 1]), i + 2
            else:
                operator, i = b0, i + 1
            result[operator], operands = operands, []
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + raw[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - raw[i + 1] - 108)
            i += 2
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", raw, i + 1)[0])
            i += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", raw, i + 1)[0])
            i += 5
        elif b0 == 30:  # a real number: nibbles up to 0xf; its value is never needed here
            i += 1
            while i < len(raw) and (raw[i] & 0x0F) != 0x0F and (raw[i] >> 4) != 0x0F:
                i += 1
            operands.append(0.0)
            i += 1
        else:
            raise CFFError(f"bad DICT byte {b0}")
    return result


def _charset_ranges(data, offset, count):
    """(first CID, how many) runs of the charset of ``count`` glyphs after .notdef."""
    fmt = data[offset]
    position, covered = offset + 1, 0
    if fmt == 0:
        for cid in struct.unpack_from(f">{count}H", data, position):
            yield cid, 1
        return
    if fmt not in (1, 2):
        raise CFFError(f"bad charset format {fmt}")
    left_size = 1 if fmt == 1 else 2
    while covered < count:
        first = struct.unpack_from(">H", data, position)[0]
        left = int.from_bytes(bytes(data[position + 2 : position + 2 + left_size]), "big")
        position += 2 + left_size
        yield first, left + 1
        covered += left + 1


def _charset(data, offset, count) -> list[int]:
    cids = []
    for first, run in _charset_ranges(data, offset, count):
        cids.extend(range(first, first + run))
    return cids[:count]
