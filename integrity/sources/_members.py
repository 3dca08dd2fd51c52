"""Archive members as neutral records, and the rules that turn them into FileBlobs.

Format-specific code (tar, zip) describes each member as a `Member`; `MemberJudge` applies the
hostile-archive policy (paths escaping the archive, links, special files, duplicates, size and
ratio caps, member count) the same way for both formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import BinaryIO

from integrity.model import EntryType, FileBlob
from integrity.sources._common import (
    MAX_LINK_TARGET,
    PROBLEM_LINK_OUTSIDE,
    SourceLimits,
    link_escapes,
)

PROBLEM_ESCAPE = "path escapes the archive"
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")


class MemberKind(Enum):
    """What an archive member is."""

    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    SPECIAL = "special"


@dataclass(frozen=True, slots=True)
class Member:
    """One archive member as its header describes it."""

    name: str
    kind: MemberKind
    size: int = 0
    mode: int = 0
    link: str = ""
    special: str = ""
    compressed: int | None = None
    encrypted: bool = False


def split_name(name: str) -> tuple[str, ...] | None:
    """The member name's path components, or None when it is absolute or climbs out.

    Backslashes count as separators for the escape test only (a zip made on Windows), so a
    Unix name with a backslash keeps it.
    """
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None
    if ".." in _SEPARATORS.split(name):
        return None
    return tuple(part for part in name.split("/") if part not in ("", "."))


def common_prefix(members: Iterable[Member]) -> str | None:
    """The single top-level folder every member lives under, if there is one."""
    candidate: str | None = None
    has_child = False
    for member in members:
        parts = split_name(member.name)
        if not parts:
            continue
        if candidate is None:
            candidate = parts[0]
        if parts[0] != candidate or (len(parts) == 1 and member.kind is not MemberKind.DIR):
            return None
        has_child = has_child or len(parts) > 1
    return candidate if has_child else None


class LimitReached(Exception):
    """Reading must stop; `blob` records why."""

    def __init__(self, blob: FileBlob) -> None:
        super().__init__(blob.problem)
        self.blob = blob


class MemberJudge:
    """Turns members into FileBlobs in archive order, tracking duplicates and running totals.

    `judge` returns None for members that are not entries (directories), and raises
    LimitReached when the member count or the total decompressed size runs over its cap.
    `streamed` means skipped members still cost decompression (a streaming tar), so their
    declared size counts toward the total too.
    """

    def __init__(self, limits: SourceLimits, prefix: str | None, streamed: bool) -> None:
        self._limits = limits
        self._prefix = prefix
        self._streamed = streamed
        self._seen: set[str] = set()
        self._count = 0
        self._total = 0

    def judge(
        self, member: Member, opener: Callable[[], BinaryIO], target: Callable[[], str]
    ) -> FileBlob | None:
        """The entry for `member`; `opener` reads its content, `target` its symlink text."""
        self._count += 1
        if self._count > self._limits.max_members:
            raise LimitReached(self._stop(member, f"more than {self._limits.max_members} members"))
        if self._streamed:  # a streamed tar decompresses every member, read or skipped
            self._charge(member)
        parts = split_name(member.name)
        if parts is None:
            return FileBlob(member.name, EntryType.OTHER, problem=PROBLEM_ESCAPE)
        if self._prefix is not None:
            parts = parts[1:]
        if member.kind is MemberKind.DIR or not parts:
            return None
        path = "/".join(parts)
        duplicate = path in self._seen
        self._seen.add(path)
        blob = self._classify(path, member, opener, target)
        if duplicate and blob.problem is None:
            return replace(blob, problem="duplicate member")
        return blob

    def _stop(self, member: Member, why: str) -> FileBlob:
        return FileBlob(member.name, EntryType.OTHER, problem=f"archive reading stopped: {why}")

    def _classify(
        self,
        path: str,
        member: Member,
        opener: Callable[[], BinaryIO],
        target: Callable[[], str],
    ) -> FileBlob:
        if member.kind is MemberKind.HARDLINK:
            return FileBlob(path, EntryType.OTHER, problem=f"hard link to {member.link}")
        if member.kind is MemberKind.SPECIAL:
            return FileBlob(path, EntryType.OTHER, problem=f"special file ({member.special})")
        limits = self._limits
        if member.size > limits.max_member_size:
            problem = f"member of {member.size} bytes exceeds the {limits.max_member_size} limit"
            return FileBlob(path, EntryType.FILE, size=member.size, problem=problem)
        ratio = self._ratio(member)
        if ratio is not None:
            problem = f"compression ratio {ratio}:1 exceeds the {limits.max_ratio}:1 limit"
            return FileBlob(path, EntryType.FILE, size=member.size, problem=problem)
        if member.encrypted:
            return FileBlob(path, EntryType.FILE, size=member.size, problem="encrypted member")
        if member.kind is MemberKind.SYMLINK and member.size > MAX_LINK_TARGET:
            return FileBlob(
                path, EntryType.SYMLINK, size=member.size, problem="symlink target too long"
            )
        if not self._streamed:
            self._charge(member)
        if member.kind is MemberKind.SYMLINK:
            try:
                text = target()
            except OSError as exc:
                return FileBlob(path, EntryType.SYMLINK, problem=f"unreadable symlink: {exc}")
            escape = PROBLEM_LINK_OUTSIDE if link_escapes(path, text) else None
            return FileBlob(path, EntryType.SYMLINK, size=len(text), target=text, problem=escape)
        return FileBlob(
            path,
            EntryType.FILE,
            size=member.size,
            executable=bool(member.mode & 0o111),
            open=opener,
        )

    def _ratio(self, member: Member) -> int | None:
        """The member's compression ratio when it is over the cap, else None."""
        if member.compressed is None or member.size < self._limits.ratio_min_size:
            return None
        ratio = member.size // max(member.compressed, 1)
        return ratio if ratio > self._limits.max_ratio else None

    def _charge(self, member: Member) -> None:
        self._total += member.size
        if self._total > self._limits.max_total_size:
            why = f"more than {self._limits.max_total_size} bytes decompressed"
            raise LimitReached(self._stop(member, why))
