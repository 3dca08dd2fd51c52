"""Sources: a directory, a git ref or an archive, each yielding FileBlobs without side effects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from integrity.model import FileBlob, SourceInfo


class Source(Protocol):
    """Anything that yields the entries of one tree, sorted by path.

    `random_access` is True when `FileBlob.open` stays valid after the iterator moves on (so
    content may be read in parallel); archives read sequentially set it to False.
    """

    @property
    def info(self) -> SourceInfo:
        """Where the tree comes from."""
        ...

    @property
    def random_access(self) -> bool:
        """Whether blobs may be opened out of order and from several threads."""
        ...

    def iter_files(self) -> Iterator[FileBlob]:
        """Every entry of the tree, hostile ones included (with `problem` set)."""
        ...
