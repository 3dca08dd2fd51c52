"""Digests of known upstream autotools macro files, and the verdict on a vendored one.

The registry (signatures/registry/m4-macros.json, built by scripts/build_m4_registry.py from
Debian's autoconf, automake, libtool, gettext, autoconf-archive and gnulib packages) maps a macro
file name to the (serial, digest, origin) of every upstream copy known. A vendored macro whose
content matches none of them is the xz-utils pattern: build-to-host.m4 "serial 30" in the
5.6.0/5.6.1 tarballs matched no gnulib release.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from integrity.errors import SignatureError
from integrity.rules.load import default_signatures_dir

DIGEST_CHARS = 16
_SERIAL = re.compile(
    rb"^[ \t]*(?:#|dnl)[ \t]*(?:[\w.+-]+[ \t]+)?serial[ \t]+([0-9]+(?:\.[0-9]+)*)", re.MULTILINE
)
_SERIAL_WINDOW = 4096


@dataclass(frozen=True, slots=True)
class KnownMacro:
    """One upstream copy of a macro file."""

    serial: str | None
    digest: str
    origin: str


@dataclass(frozen=True, slots=True)
class M4Registry:
    """Known upstream macro files by file name, and every known digest."""

    macros: dict[str, tuple[KnownMacro, ...]]
    digests: frozenset[str]
    origins: tuple[str, ...] = ()


class M4Verdict(StrEnum):
    """How a vendored macro file relates to the known upstream copies."""

    KNOWN = "known"
    UNKNOWN_NAME = "unknown-name"
    SAME_SERIAL = "differs-same-serial"
    NEWER_SERIAL = "differs-newer-serial"
    OLDER_SERIAL = "differs-older-serial"
    NO_SERIAL = "differs-no-serial"


@dataclass(frozen=True, slots=True)
class M4Judgement:
    """The verdict, the file's serial and the serials known upstream."""

    verdict: M4Verdict
    serial: str | None
    known_serials: tuple[str, ...]
    origin: str | None = None


def normalise(data: bytes) -> bytes:
    """Line endings normalised to LF (tarballs made on other systems may carry CRLF)."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def m4_digest(data: bytes) -> str:
    """Truncated sha256 of the normalised content."""
    return hashlib.sha256(normalise(data)).hexdigest()[:DIGEST_CHARS]


def m4_serial(data: bytes) -> str | None:
    """The `# serial N` of a macro file (first one near the top), if any."""
    found = _SERIAL.search(data[:_SERIAL_WINDOW])
    return found.group(1).decode("ascii") if found else None


def _serial_key(serial: str) -> tuple[int, ...]:
    return tuple(int(part) for part in serial.split("."))


def default_registry_path() -> Path:
    """signatures/registry/m4-macros.json (packaged or in the repository)."""
    return default_signatures_dir() / "registry" / "m4-macros.json"


def parse_registry(data: bytes, label: str) -> M4Registry:
    """Validate the registry document (SignatureError, exit 3, naming the file when bad)."""
    try:
        doc = json.loads(data)
        origins = tuple(str(o) for o in doc["origins"])
        macros: dict[str, tuple[KnownMacro, ...]] = {}
        for name, rows in doc["macros"].items():
            entries = []
            for serial, digest, origin in rows:
                if not isinstance(digest, str) or len(digest) != DIGEST_CHARS:
                    raise ValueError(f"bad digest for {name}")
                entries.append(
                    KnownMacro(str(serial) if serial else None, digest, origins[int(origin)])
                )
            macros[str(name)] = tuple(entries)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SignatureError(f"{label}: invalid m4 registry: {exc}") from exc
    digests = frozenset(entry.digest for rows in macros.values() for entry in rows)
    return M4Registry(macros, digests, origins)


def load_m4_registry(path: Path | None = None) -> M4Registry:
    """The registry at `path` (default: the shipped one); empty when the default is absent."""
    target = path if path is not None else default_registry_path()
    if path is None and not target.is_file():
        return M4Registry({}, frozenset())
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise SignatureError(f"{target}: cannot read m4 registry: {exc.strerror}") from exc
    return parse_registry(data, str(target))


def judge_m4(registry: M4Registry, name: str, data: bytes) -> M4Judgement:
    """Does this macro file match a known upstream copy, and if not, how does its serial compare?"""
    digest = m4_digest(data)
    serial = m4_serial(data)
    known = registry.macros.get(name, ())
    serials = tuple(sorted({k.serial for k in known if k.serial}, key=_serial_key))
    for entry in known:
        if entry.digest == digest:
            return M4Judgement(M4Verdict.KNOWN, serial, serials, entry.origin)
    if digest in registry.digests:
        origin = next(
            (k.origin for rows in registry.macros.values() for k in rows if k.digest == digest),
            None,
        )
        return M4Judgement(M4Verdict.KNOWN, serial, serials, origin)
    if not known:
        return M4Judgement(M4Verdict.UNKNOWN_NAME, serial, serials)
    if serial is None:
        return M4Judgement(M4Verdict.NO_SERIAL, serial, serials)
    if not serials or _serial_key(serial) > _serial_key(serials[-1]):
        return M4Judgement(M4Verdict.NEWER_SERIAL, serial, serials)
    if any(_serial_key(serial) == _serial_key(s) for s in serials):
        return M4Judgement(M4Verdict.SAME_SERIAL, serial, serials)
    return M4Judgement(M4Verdict.OLDER_SERIAL, serial, serials)
