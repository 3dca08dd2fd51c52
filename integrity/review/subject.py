"""The digest a sign-off attests to: an archive's sha256, or a deterministic tree digest.

The tree digest is the sha256 over the sorted canonical entry list, one line per entry::

    <path>\\0<type>\\0<mode>\\0<sha256 of content, or of the link target>\\n

with mode 100755/100644 for files, 120000 for symlinks, 160000 for gitlinks and 000000 for
anything else. It depends only on what the tree holds, so a directory and the git ref it was
committed from give the same digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from integrity.errors import SourceError
from integrity.model import EntryType, FileBlob

_CHUNK = 1 << 20
_MODES = {EntryType.SYMLINK: "120000", EntryType.GITLINK: "160000", EntryType.OTHER: "000000"}


def _mode(blob: FileBlob) -> str:
    if blob.kind is EntryType.FILE:
        return "100755" if blob.executable else "100644"
    return _MODES[blob.kind]


def _content_digest(blob: FileBlob) -> str:
    digest = hashlib.sha256()
    if blob.kind is EntryType.FILE and blob.open is not None and blob.problem is None:
        with blob.open() as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    elif blob.target is not None:
        digest.update(blob.target.encode("utf-8", "surrogateescape"))
    elif blob.problem is not None:
        digest.update(b"problem:" + blob.problem.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def entry_line(blob: FileBlob) -> bytes:
    """The canonical line of one tree entry."""
    fields = (blob.path, blob.kind.value, _mode(blob), _content_digest(blob))
    return ("\x00".join(fields) + "\n").encode("utf-8", "surrogateescape")


def tree_digest(blobs: Iterable[FileBlob]) -> str:
    """Hex sha256 over the sorted canonical entry lines of a tree."""
    lines = sorted(entry_line(blob) for blob in blobs)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """Hex sha256 of a file's bytes (an archive is attested as the file it is)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from exc
    return digest.hexdigest()
