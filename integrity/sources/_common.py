"""Pieces shared by the three sources: limits, the symlink-escape test, a bounded reader.

Imported by fs, git and archive; it imports nothing from the `integrity.sources` package itself,
so the factory in `__init__` can import the sources without a cycle.
"""

from __future__ import annotations

import fcntl
import io
import os
import posixpath
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

GIB = 1 << 30
MIB = 1 << 20

#: Longest symlink target we read (Linux PATH_MAX); longer ones are recorded, not read.
MAX_LINK_TARGET = 4096

PROBLEM_LINK_OUTSIDE = "symlink points outside the tree"


class Readable(Protocol):
    """The one method a stream needs for `bounded` to wrap it."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to `size` bytes; empty at end of stream."""
        ...


@dataclass(frozen=True, slots=True)
class SourceLimits:
    """Caps that keep a hostile archive from exhausting memory, disk or time.

    `max_ratio` is the largest uncompressed/compressed ratio of one zip member; it is only
    applied to members of at least `ratio_min_size` bytes (a small run of zeros is not a bomb).
    """

    max_member_size: int = GIB
    max_total_size: int = 8 * GIB
    max_ratio: int = 200
    max_members: int = 1_000_000
    ratio_min_size: int = MIB


def link_escapes(link_path: str, target: str) -> bool:
    """True when a symlink at `link_path` (POSIX, relative) lexically points out of the tree.

    Absolute targets always escape. A relative target is joined to the link's directory and
    normalised without touching the disk; it escapes when the result climbs above the root.
    """
    if not target or target.startswith("/"):
        return bool(target)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(link_path), target))
    return joined == ".." or joined.startswith("../")


def special_kind(mode: int) -> str:
    """A short name for a non-regular, non-directory, non-symlink file mode."""
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISDOOR(mode) or stat.S_ISPORT(mode) or stat.S_ISWHT(mode):
        return "special"
    return f"unknown type {stat.S_IFMT(mode):o}"


def regular_stream(fd: int, label: str) -> BinaryIO:
    """A buffered reader on `fd` if it is a regular file, else OSError (the fd is closed).

    Callers open with O_NONBLOCK so that a FIFO cannot block the open itself; this clears it.
    """
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(f"not a regular file ({special_kind(mode)}): {label!r}")
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_named_file(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a file the user named (symlinks followed), refusing FIFOs and devices."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    return regular_stream(fd, os.fsdecode(path))


class BoundedReader(io.RawIOBase):
    """A raw stream over `inner` that yields at most `limit` bytes.

    If `inner` would produce more than `limit` bytes, reading raises OSError: a member must
    never grow past the size it declared. `translate` maps decoder exceptions (zlib, lzma,
    tarfile) to the error the caller wants raised; it returns None for exceptions to re-raise.
    """

    def __init__(
        self,
        inner: Readable,
        limit: int,
        translate: Callable[[BaseException], BaseException | None] | None = None,
    ) -> None:
        super().__init__()
        self._inner = inner
        self._left = limit
        self._translate = translate

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._left)
        if want == 0:
            if len(view) and self._pull(1):
                raise OSError("stream produced more data than its declared size")
            return 0
        data = self._pull(want)
        view[: len(data)] = data
        self._left -= len(data)
        return len(data)

    def _pull(self, size: int) -> bytes:
        try:
            return self._inner.read(size)
        except Exception as exc:
            mapped = self._translate(exc) if self._translate is not None else None
            if mapped is None:
                raise
            raise mapped from exc

    def close(self) -> None:
        if not self.closed:
            try:
                closer = getattr(self._inner, "close", None)
                if closer is not None:
                    closer()
            finally:
                super().close()


def bounded(
    inner: Readable,
    limit: int,
    translate: Callable[[BaseException], BaseException | None] | None = None,
) -> BinaryIO:
    """`inner` capped at `limit` bytes, buffered, as a binary stream."""
    return io.BufferedReader(BoundedReader(inner, limit, translate))
