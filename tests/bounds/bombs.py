"""Hostile files generated on the fly (no fixture files): a PNG decompression bomb built row by row."""

import struct
import zlib


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width=13_300, height=13_300, mode="rgb"):
    """A valid PNG of ``width`` × ``height`` black pixels, a few hundred KB on disk (the issue's 687 KB PNG of
    13,300 × 13,300 RGB pixels decodes to ~530 MB, +1.9 GB with Pillow's copies). Built without ever holding the
    decoded image: each row is compressed as it is produced."""
    colour_type, bytes_per_pixel = (2, 3) if mode == "rgb" else (0, 1)
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    row = b"\x00" + b"\x00" * (width * bytes_per_pixel)  # filter byte "none", then the pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
