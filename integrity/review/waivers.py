"""The waivers file: reviewed decisions kept outside the scanned code, loaded strictly.

A waiver names a finding by its fingerprint, or by rule id + path glob + content hash, and says
who accepted it, why, when, until when, and for which commands. The file may carry a detached
Ed25519 signature next to it (``waivers.toml.sig``, a ``signing.Signature`` as JSON) covering
the file's exact bytes; with a trusted key, an unsigned or altered file is refused (exit 3).

Format::

    version = 1

    [[waiver]]
    fingerprint = "0123..."          # or: rule + path (glob) + content ("sha256:...")
    reason = "why this is acceptable"
    reviewer = "alice"
    date = 2026-11-20
    expires = 2027-05-20             # optional
    scope = "all"                    # optional: "all", or a command name / list of names
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from integrity.errors import TrustError, WaiverError
from integrity.model import normalise_match
from integrity.signing import Signature, verify

DEFAULT_WAIVERS = Path("baselines/waivers.toml")
"""The waivers file used when --waivers is not given (relative to the working directory)."""

SIGNATURE_SUFFIX = ".sig"
"""A waivers file's detached signature lives at the same path plus this suffix."""

FORMAT_VERSION = 1
MIN_CRITICAL_REASON = 40
"""A waiver accepting a critical finding needs a reason at least this long."""

COMMANDS = frozenset({"all", "scan", "verify", "diff", "history", "release", "fleet"})
"""Values allowed in a waiver's scope (`signoff` judges a scan or verify result)."""

MAX_WAIVERS_BYTES = 16 * 1024 * 1024
_FINGERPRINT = re.compile(r"[0-9a-f]{16,64}")
_CONTENT = re.compile(r"sha256:[0-9a-f]{64}")
_KEYS = frozenset(
    {"fingerprint", "rule", "path", "content", "reason", "reviewer", "date", "expires", "scope"}
)
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(?:waiver|\"waiver\")\s*\]\]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Waiver:
    """One reviewed decision to accept a finding.

    `index` is the entry's position in the file (0-based) and `line` the line of its
    ``[[waiver]]`` header (0 when unknown); both only serve messages.
    """

    reason: str
    reviewer: str
    date: dt.date
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None
    content: str | None = None
    expires: dt.date | None = None
    scope: tuple[str, ...] = ("all",)
    index: int = 0
    line: int = 0

    def applies_to(self, command: str) -> bool:
        """True when the waiver's scope covers `command`."""
        return "all" in self.scope or command in self.scope

    def expired(self, today: dt.date) -> bool:
        """True when the waiver has an expiry date before `today`."""
        return self.expires is not None and self.expires < today

    def label(self) -> str:
        """How messages name this waiver."""
        if self.fingerprint:
            return f"fingerprint {self.fingerprint}"
        return f"rule {self.rule} path {self.path} content {(self.content or '')[:19]}"


@dataclass(frozen=True, slots=True)
class WaiverSet:
    """The waivers of one file, with what loading it established."""

    origin: str
    waivers: tuple[Waiver, ...] = ()
    digest: str = ""
    signature: Signature | None = None
    warnings: tuple[str, ...] = ()


def content_hash(snippet: str) -> str:
    """The content hash a rule+path waiver names: sha256 of the whitespace-normalised snippet."""
    data = normalise_match(snippet).encode("utf-8", "surrogateescape")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def signature_path(path: Path) -> Path:
    """Where the detached signature of a waivers file lives."""
    return path.with_name(path.name + SIGNATURE_SUFFIX)


def empty_waivers(path: Path) -> WaiverSet:
    """The waiver set of a file that does not exist yet."""
    return WaiverSet(origin=path.as_posix())


def load_waivers(path: Path, trusted: Ed25519PublicKey | None) -> WaiverSet:
    """Read, verify and validate a waivers file. Raises WaiverError or TrustError (exit 3)."""
    data = _read(path, MAX_WAIVERS_BYTES)
    sig_path = signature_path(path)
    raw_sig = _read(sig_path, SIGNATURE_MAX_BYTES) if sig_path.exists() else None
    return waivers_from_bytes(path.as_posix(), data, str(sig_path), raw_sig, trusted)


def waivers_from_bytes(
    origin: str,
    data: bytes,
    sig_origin: str,
    raw_sig: bytes | None,
    trusted: Ed25519PublicKey | None,
) -> WaiverSet:
    """Validate a waivers file and its detached signature, wherever they were read from (a
    folder or a git tree). Raises WaiverError or TrustError (exit 3)."""
    signature = parse_signature(raw_sig, sig_origin) if raw_sig is not None else None
    warnings: list[str] = []
    waivers = parse_waivers(data, origin)
    if signature is None:
        if trusted is not None and waivers:
            raise TrustError(
                f"{origin}: waivers file is not signed but a trusted key is in use "
                f"(expected a signature at {sig_origin})"
            )
    else:
        try:
            verify(data, signature, trusted, origin)
        except TrustError:
            if trusted is not None:
                raise
            warnings.append(
                f"{origin}: the signature in {sig_origin} does not match the file "
                "(edited after signing?); re-sign it with `integrity review --key`"
            )
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    return WaiverSet(origin, waivers, digest, signature, tuple(warnings))


def _read(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise WaiverError(f"{path}: waivers file not found") from None
    except OSError as exc:
        raise WaiverError(f"{path}: cannot read waivers file: {exc.strerror}") from exc
    if len(data) > limit:
        raise WaiverError(f"{path}: waivers file is larger than {limit} bytes")
    return data


SIGNATURE_MAX_BYTES = 64 * 1024


def parse_signature(raw: bytes, origin: str) -> Signature:
    """A detached waivers signature (the JSON written by `signature_bytes`)."""
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
            raise ValueError("expected an object of strings")
        return Signature(
            keyid=doc["keyid"],
            public_key=doc["public_key"],
            value=doc["value"],
            algorithm=doc.get("algorithm", "ed25519"),
        )
    except (ValueError, KeyError) as exc:
        raise TrustError(f"{origin}: malformed waivers signature ({exc})") from None


def signature_bytes(signature: Signature) -> bytes:
    """The detached signature file's content."""
    doc = {
        "algorithm": signature.algorithm,
        "keyid": signature.keyid,
        "public_key": signature.public_key,
        "value": signature.value,
    }
    return (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode("ascii")


def _short(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)


def parse_waivers(data: bytes, origin: str) -> tuple[Waiver, ...]:
    """Validate the TOML of a waivers file into Waivers; errors name the file and entry."""
    try:
        text = data.decode("utf-8")
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        raise WaiverError(f"{origin}: not valid TOML: {_short(exc)}") from None
    unknown = sorted(set(doc) - {"version", "waiver"})
    if unknown:
        raise WaiverError(f"{origin}: unknown top-level key(s): {', '.join(unknown)}")
    version = doc.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise WaiverError(f"{origin}: unsupported version {version!r} (expected {FORMAT_VERSION})")
    entries = doc.get("waiver", [])
    if not isinstance(entries, list):
        raise WaiverError(f"{origin}: 'waiver' must be an array of tables ([[waiver]])")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    out: list[Waiver] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = lines[index] if len(lines) == len(entries) else 0
        where = f"{origin}: waiver #{index + 1}" + (f" (line {line})" if line else "")
        waiver = _waiver(entry, where, index, line)
        key = waiver.fingerprint or f"{waiver.rule}\x00{waiver.path}\x00{waiver.content}"
        if key in seen:
            raise WaiverError(f"{where}: duplicate of waiver #{seen[key] + 1} ({waiver.label()})")
        seen[key] = index
        out.append(waiver)
    return tuple(out)


def _waiver(entry: object, where: str, index: int, line: int) -> Waiver:
    if not isinstance(entry, dict):
        raise WaiverError(f"{where}: expected a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise WaiverError(f"{where}: unknown key(s): {', '.join(unknown)}")
    fingerprint = _opt_text(entry, "fingerprint", where)
    if fingerprint is not None and not _FINGERPRINT.fullmatch(fingerprint):
        raise WaiverError(f"{where}: fingerprint must be 16-64 lowercase hex digits")
    rule, glob = _opt_text(entry, "rule", where), _opt_text(entry, "path", where)
    content = _opt_text(entry, "content", where)
    if content is not None and not _CONTENT.fullmatch(content):
        raise WaiverError(f"{where}: content must be 'sha256:' followed by 64 hex digits")
    if fingerprint is None and (rule is None or glob is None or content is None):
        raise WaiverError(f"{where}: name a fingerprint, or all of rule, path and content")
    made = _date(entry.get("date"), "date", where)
    if made is None:
        raise WaiverError(f"{where}: missing required key 'date'")
    expires = _date(entry.get("expires"), "expires", where)
    if expires is not None and expires < made:
        raise WaiverError(f"{where}: expires ({expires}) is before date ({made})")
    return Waiver(
        reason=_text(entry, "reason", where),
        reviewer=_text(entry, "reviewer", where),
        date=made,
        fingerprint=fingerprint,
        rule=rule,
        path=glob,
        content=content,
        expires=expires,
        scope=_scope(entry.get("scope", "all"), where),
        index=index,
        line=line,
    )


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = _opt_text(entry, key, where)
    if value is None:
        raise WaiverError(f"{where}: missing required key {key!r}")
    return value


def _opt_text(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise WaiverError(f"{where}: {key!r} must be a non-empty string")
    return value


def _date(value: object, key: str, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise WaiverError(f"{where}: {key!r} must be a date like 2026-01-31")
    if isinstance(value, date):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise WaiverError(f"{where}: {key!r} is not a valid date: {value!r}")


def _scope(value: object, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise WaiverError(f"{where}: 'scope' must be a command name or a list of them")
    unknown = sorted(set(items) - COMMANDS)
    if unknown:
        allowed = ", ".join(sorted(COMMANDS))
        raise WaiverError(f"{where}: unknown scope {', '.join(unknown)} (allowed: {allowed})")
    return tuple(sorted(set(items)))
