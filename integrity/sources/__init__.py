"""Sources: a directory, a git ref or an archive, each yielding FileBlobs without side effects."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from integrity.errors import SourceError
from integrity.model import FileBlob, SourceInfo
from integrity.sources._common import SourceLimits
from integrity.sources.archive import ArchiveSource, archive_format
from integrity.sources.fs import DirectorySource

__all__ = [
    "ArchiveSource",
    "DirectorySource",
    "Source",
    "SourceLimits",
    "open_source",
]


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


def open_source(
    spec: str,
    *,
    repo: Path = Path("."),
    excludes: tuple[str, ...] = (),
    limits: SourceLimits | None = None,
) -> Source:
    """The Source a SOURCE argument names.

    "git:REF" reads REF from `repo`'s object database; an existing file named .tar, .tar.gz,
    .tgz, .tar.xz, .txz, .tar.bz2, .tbz2 or .zip is an archive; an existing directory is a
    directory walk (honouring `excludes`). Anything else is a SourceError (exit 3).
    """
    if spec.startswith("git:"):
        ref = spec[len("git:") :]
        if not ref:
            raise SourceError("empty git revision in 'git:': name a branch, tag or commit")
        from integrity.sources.git import GitSource  # GitPython: imported only for git sources

        return GitSource(repo, ref, limits)
    path = Path(spec)
    if path.is_file():
        if archive_format(path) is None:
            raise SourceError(
                f"unsupported SOURCE file {spec!r}: expected a directory, git:REF or an archive "
                "(.tar, .tar.gz, .tgz, .tar.xz, .txz, .tar.bz2, .tbz2, .zip)"
            )
        return ArchiveSource(path, limits if limits is not None else SourceLimits())
    if path.is_dir():
        return DirectorySource(path, excludes)
    if os.path.lexists(path):
        raise SourceError(f"SOURCE {spec!r} is neither a directory nor a regular file")
    raise SourceError(f"SOURCE {spec!r} does not exist")
