"""A release archive (tar, compressed tar, zip) as a Source, read in place and never extracted.

Construction surveys the archive once: it hashes the file (bounded memory), checks it can be
read to the end (a truncated or corrupt archive is a SourceError, exit 3) and finds the single
top-level folder to strip (`xz-5.4.1/...`). Iteration then streams the members again; the
hostile-archive policy lives in `_members.MemberJudge`.

`FileBlob.open` of an archive member is valid only until the iterator advances, and only once
per member (a tar is one compressed stream): `random_access` is False, the consumer reads each
blob when it is yielded.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from integrity.errors import SourceError
from integrity.model import FileBlob, SourceInfo
from integrity.sources._common import (
    MAX_LINK_TARGET,
    SourceLimits,
    bounded,
    open_named_file,
    special_kind,
)
from integrity.sources._members import (
    LimitReached,
    Member,
    MemberJudge,
    MemberKind,
    common_prefix,
)

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2")
ZIP_SUFFIXES = (".zip",)
_CHUNK = 1 << 20
_MAX_EXTENDED_HEADER = 1 << 20
_EXTENDED_HEADERS = frozenset(
    {
        tarfile.XHDTYPE,
        tarfile.XGLTYPE,
        tarfile.SOLARIS_XHDTYPE,
        tarfile.GNUTYPE_LONGNAME,
        tarfile.GNUTYPE_LONGLINK,
    }
)
_TAR_ERRORS = (
    tarfile.TarError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    OSError,
    ValueError,
    TypeError,  # tarfile's gzip header reader on a truncated FEXTRA field: ord(b"")
)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    OSError,
    ValueError,
    NotImplementedError,  # "zip file version 25.5", unsupported compression method
)


def archive_format(path: Path) -> str | None:
    """ "tar" or "zip" from the file name (case-insensitive), else None."""
    name = os.fsdecode(Path(path).name).lower()
    if name.endswith(TAR_SUFFIXES):
        return "tar"
    if name.endswith(ZIP_SUFFIXES):
        return "zip"
    return None


class _HashingReader:
    """A read-only file wrapper that hashes every byte read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size if size >= 0 else _CHUNK)
        self._hash.update(data)
        return data

    def finish(self) -> str:
        """Hash what is left of the file; "sha256:<hex>" of the whole file."""
        while chunk := self._raw.read(_CHUNK):
            self._hash.update(chunk)
        return "sha256:" + self._hash.hexdigest()


class _Cursor:
    """Which member of a sequential read is current, so stale openers refuse."""

    def __init__(self) -> None:
        self.position = -1
        self.opened = False

    def advance(self) -> int:
        self.position += 1
        self.opened = False
        return self.position

    def claim(self, position: int) -> None:
        if position != self.position:
            raise OSError("archive member is no longer readable: the iterator moved on")
        if self.opened:
            raise OSError("an archive member can be opened only once")
        self.opened = True


def _corruption(exc: BaseException) -> BaseException | None:
    """Decoder failures while reading a member mean a corrupt archive (exit 3)."""
    if isinstance(exc, tarfile.StreamError):
        return OSError(str(exc))
    if isinstance(exc, (*_TAR_ERRORS, zipfile.BadZipFile)):
        return SourceError(f"corrupt archive: {exc}")
    return None


class _GuardedTarInfo(tarfile.TarInfo):
    """Refuses oversized pax / GNU long-name headers, which tarfile would read into memory."""

    @classmethod
    def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> _GuardedTarInfo:
        info = super().frombuf(buf, encoding, errors)
        if info.type in _EXTENDED_HEADERS and info.size > _MAX_EXTENDED_HEADER:
            # ReadError, not a HeaderError: tarfile treats a bad later header as end of archive.
            raise tarfile.ReadError(f"extended header of {info.size} bytes")
        return info


def _open_tar(reader: _HashingReader) -> tarfile.TarFile:
    return tarfile.open(fileobj=reader, mode="r|*", tarinfo=_GuardedTarInfo)  # type: ignore[call-overload, no-any-return]


def _tar_member(info: tarfile.TarInfo) -> Member:
    if info.isdir():
        return Member(info.name, MemberKind.DIR)
    if info.issym():
        return Member(info.name, MemberKind.SYMLINK, link=info.linkname)
    if info.islnk():
        return Member(info.name, MemberKind.HARDLINK, link=info.linkname)
    if info.isreg():
        return Member(info.name, MemberKind.FILE, size=info.size, mode=info.mode)
    special = {
        tarfile.CHRTYPE: "character device",
        tarfile.BLKTYPE: "block device",
        tarfile.FIFOTYPE: "fifo",
    }.get(info.type, f"unknown tar type {info.type!r}")
    return Member(info.name, MemberKind.SPECIAL, size=info.size, special=special)


def _zip_member(info: zipfile.ZipInfo) -> Member:
    mode = info.external_attr >> 16 if info.create_system == 3 else 0
    kind = stat.S_IFMT(mode)
    size, compressed = info.file_size, info.compress_size
    if info.filename.endswith("/") or kind == stat.S_IFDIR:  # is_dir() fails on an empty name
        return Member(info.filename, MemberKind.DIR)
    if kind == stat.S_IFLNK:
        return Member(info.filename, MemberKind.SYMLINK, size=size, compressed=compressed)
    if kind in (0, stat.S_IFREG):
        encrypted = bool(info.flag_bits & 0x1)
        return Member(
            info.filename,
            MemberKind.FILE,
            size=size,
            mode=mode,
            compressed=compressed,
            encrypted=encrypted,
        )
    return Member(info.filename, MemberKind.SPECIAL, special=special_kind(mode))


def _text(value: str) -> Callable[[], str]:
    return lambda: value


def _zip_target(opener: Callable[[], BinaryIO]) -> Callable[[], str]:
    """Reads a zip symlink member's content (its target), capped at MAX_LINK_TARGET bytes."""

    def target() -> str:
        with opener() as stream:
            return os.fsdecode(stream.read(MAX_LINK_TARGET))

    return target


def _tar_infos(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Members of a streamed tar without keeping them all in memory."""
    while (info := tar.next()) is not None:
        vars(tar)["members"].clear()  # stream mode would otherwise keep every header
        yield info


def _within_limits(members: Iterator[Member], limits: SourceLimits) -> Iterator[Member]:
    """The members iteration will reach before a count or size limit stops it."""
    total = 0
    for count, member in enumerate(members, start=1):
        total += member.size
        if count > limits.max_members or total > limits.max_total_size:
            return
        yield member


class ArchiveSource:
    """The members of a tar or zip archive, in archive order."""

    def __init__(self, path: Path, limits: SourceLimits | None = None) -> None:
        self._path = Path(path)
        self._limits = limits if limits is not None else SourceLimits()
        fmt = archive_format(self._path)
        if fmt is None:
            raise SourceError(f"not a supported archive name: {os.fsdecode(self._path)!r}")
        self._format = fmt
        survey = self._survey_tar if fmt == "tar" else self._survey_zip
        digest, self._prefix = survey()
        self._info = SourceInfo(kind="archive", location=str(path), digest=digest)

    @property
    def info(self) -> SourceInfo:
        """kind "archive", the path as given and "sha256:<hex>" of the archive file."""
        return self._info

    @property
    def random_access(self) -> bool:
        """False: members are read in archive order, each while it is current."""
        return False

    @property
    def prefix(self) -> str | None:
        """The top-level folder stripped from every member, if any."""
        return self._prefix

    def iter_files(self) -> Iterator[FileBlob]:
        """Every member, hostile ones recorded with `problem`; archive order."""
        if self._format == "tar":
            return self._iter_tar()
        return self._iter_zip()

    def _fail(self, exc: BaseException) -> SourceError:
        return SourceError(f"corrupt or unreadable archive {os.fsdecode(self._path)!r}: {exc}")

    def _open_raw(self) -> BinaryIO:
        try:
            return open_named_file(self._path)
        except OSError as exc:
            raise SourceError(f"cannot read archive {os.fsdecode(self._path)!r}: {exc}") from exc

    def _survey_tar(self) -> tuple[str, str | None]:
        with self._open_raw() as raw:
            reader = _HashingReader(raw)
            try:
                with _open_tar(reader) as tar:
                    members = (_tar_member(info) for info in _tar_infos(tar))
                    reachable = _within_limits(members, self._limits)
                    prefix = common_prefix(reachable)
                    for _ in reachable:  # on to the end or the limit: truncation fails here
                        pass
                return reader.finish(), prefix
            except _TAR_ERRORS as exc:
                raise self._fail(exc) from exc

    def _survey_zip(self) -> tuple[str, str | None]:
        with self._open_raw() as raw:
            reader = _HashingReader(raw)
            digest = reader.finish()
            try:
                with zipfile.ZipFile(raw) as archive:
                    members = (_zip_member(info) for info in archive.infolist())
                    return digest, common_prefix(_within_limits(members, self._limits))
            except _ZIP_ERRORS as exc:
                raise self._fail(exc) from exc

    def _iter_tar(self) -> Iterator[FileBlob]:
        judge = MemberJudge(self._limits, self._prefix, streamed=True)
        cursor = _Cursor()
        with self._open_raw() as raw:
            reader = _HashingReader(raw)
            try:
                with _open_tar(reader) as tar:
                    for info in _tar_infos(tar):
                        opener = self._tar_opener(tar, info, cursor, cursor.advance())
                        try:
                            blob = judge.judge(_tar_member(info), opener, _text(info.linkname))
                        except LimitReached as stop:
                            yield stop.blob
                            return
                        if blob is not None:
                            yield blob
                    cursor.advance()
                digest = reader.finish()
            except _TAR_ERRORS as exc:
                raise self._fail(exc) from exc
        if digest != self._info.digest:
            raise SourceError(f"archive changed while being read: {os.fsdecode(self._path)!r}")

    @staticmethod
    def _tar_opener(
        tar: tarfile.TarFile, info: tarfile.TarInfo, cursor: _Cursor, position: int
    ) -> Callable[[], BinaryIO]:
        def opener() -> BinaryIO:
            cursor.claim(position)
            stream = tar.extractfile(info)
            if stream is None:
                raise OSError(f"archive member is not a regular file: {info.name!r}")
            return bounded(stream, info.size, _corruption)

        return opener

    def _iter_zip(self) -> Iterator[FileBlob]:
        judge = MemberJudge(self._limits, self._prefix, streamed=False)
        cursor = _Cursor()
        with self._open_raw() as raw:
            try:
                with zipfile.ZipFile(raw) as archive:
                    for info in archive.infolist():
                        position = cursor.advance()
                        opener = self._zip_opener(archive, info, cursor, position)
                        target = _zip_target(opener)
                        try:
                            blob = judge.judge(_zip_member(info), opener, target)
                        except LimitReached as stop:
                            yield stop.blob
                            return
                        cursor.opened = False
                        if blob is not None:
                            yield blob
                    cursor.advance()
            except _ZIP_ERRORS as exc:
                raise self._fail(exc) from exc

    @staticmethod
    def _zip_opener(
        archive: zipfile.ZipFile, info: zipfile.ZipInfo, cursor: _Cursor, position: int
    ) -> Callable[[], BinaryIO]:
        def opener() -> BinaryIO:
            cursor.claim(position)
            try:
                stream = archive.open(info)
            except (zipfile.BadZipFile, ValueError) as exc:  # ValueError: undecodable header name
                raise SourceError(f"corrupt archive member {info.filename!r}: {exc}") from exc
            except (NotImplementedError, RuntimeError) as exc:
                raise OSError(f"cannot read archive member {info.filename!r}: {exc}") from exc
            return bounded(stream, info.file_size, _corruption)

        return opener
