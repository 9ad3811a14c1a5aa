"""Resumable uploads in chunks, kept as objects of a storage, and their assembly into one file.

A 2 GB video from a tablet whose connection drops: the client sends the file in chunks of a few MB, each at
the offset the server last confirmed, and after a break asks for that offset and goes on from there. Each
chunk is stored as its own object (``<prefix>/<offset>``) of the default storage — a local directory, or an
S3 bucket shared by every web and worker machine — so it does not matter which machine takes the next chunk
or assembles them. The assembly streams the chunks in order into the final object (one read, one write: the
S3 backend turns it into a multipart upload) and takes the SHA-256 on the way, never holding the whole file.

Why not tus: no maintained Django server for it, and the ones there are append to a local temporary file,
which a second web machine cannot see. The protocol here is tus's core (an offset to resume from, chunks
that must start at it) in four small calls; cases/penalties/evidence.py names them.
"""

import hashlib
import io

from django.core.files import File
from django.core.files.base import ContentFile


def chunk_name(prefix, offset):
    return f"{prefix}/{offset:013d}"


def store_chunk(storage, prefix, offset, data: bytes) -> str:
    """Store one chunk under its offset. A chunk sent again after a break replaces the earlier attempt's."""
    name = chunk_name(prefix, offset)
    if storage.exists(name):
        storage.delete(name)
    stored = storage.save(name, ContentFile(data))
    if stored != name:  # the storage renamed it (a concurrent writer): never assemble a stranger's bytes
        storage.delete(stored)
        raise FileExistsError(name)
    return name


def delete_chunks(storage, prefix, offsets):
    for offset in offsets:
        name = chunk_name(prefix, offset)
        if storage.exists(name):
            storage.delete(name)


class ChunkReader(io.RawIOBase):
    """The chunks read one after the other as one stream, hashed as they are read (``sha256``)."""

    def __init__(self, storage, prefix, offsets):
        super().__init__()
        self._storage, self._prefix = storage, prefix
        self._pending = list(offsets)
        self._current = None
        self.sha256 = hashlib.sha256()
        self.length = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        while True:
            if self._current is None:
                if not self._pending:
                    return 0
                self._current = self._storage.open(chunk_name(self._prefix, self._pending.pop(0)), "rb")
            data = self._current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                self.sha256.update(data)
                self.length += len(data)
                return len(data)
            self._current.close()
            self._current = None

    def close(self):
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


def assemble(storage, prefix, offsets, name):
    """Write the chunks, in order, as the object ``name``; returns (stored name, SHA-256 hex, length)."""
    reader = ChunkReader(storage, prefix, offsets)
    try:
        stored = storage.save(name, File(io.BufferedReader(reader, buffer_size=1024 * 1024), name=name))
    finally:
        reader.close()
    return stored, reader.sha256.hexdigest(), reader.length


def head(storage, prefix, size=16) -> bytes:
    """The first bytes of the upload (its first chunk), for the check of its type by content."""
    with storage.open(chunk_name(prefix, 0), "rb") as first:
        return first.read(size)
