"""Reading and hashing one FileBlob in bounded memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from integrity.model import EntryType, FileBlob

CHUNK = 1024 * 1024
HEAD = 4096


@dataclass(frozen=True, slots=True)
class Content:
    """What reading a blob established.

    `data` is the whole content when it fits under the analysis cap, else None (the file is
    still hashed in full). `error` is set when the blob could not be read.
    """

    sha256: str | None
    size: int
    head: bytes
    data: bytes | None
    error: str | None = None

    @property
    def is_binary(self) -> bool:
        """A NUL byte in the first 4 KiB marks binary content."""
        return b"\x00" in self.head


def read_blob(blob: FileBlob, keep_limit: int) -> Content:
    """Hash a regular file's content in 1 MiB chunks, keeping it if it is at most `keep_limit`."""
    if blob.kind is not EntryType.FILE or blob.open is None or blob.problem:
        return Content(None, blob.size, b"", None)
    digest = hashlib.sha256()
    parts: list[bytes] | None = []
    size = 0
    head = b""
    try:
        with blob.open() as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                if size < HEAD:
                    head = (head + chunk[: HEAD - size])[:HEAD]
                size += len(chunk)
                digest.update(chunk)
                if parts is not None:
                    if size <= keep_limit:
                        parts.append(chunk)
                    else:
                        parts = None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return Content(None, blob.size, head, None, f"unreadable: {reason}")
    data = b"".join(parts) if parts is not None else None
    return Content(digest.hexdigest(), size, head, data)
