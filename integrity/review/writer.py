"""Waivers -> TOML text, and the atomic write of a waivers file with its detached signature."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrity.errors import WaiverError
from integrity.review.waivers import (
    FORMAT_VERSION,
    Waiver,
    parse_waivers,
    signature_bytes,
    signature_path,
)
from integrity.signing import atomic_write, sign

_HEADER = (
    "# Reviewed waivers: findings accepted by a named reviewer, with the reason.\n"
    "# Written by `integrity review`; see integrity/review/waivers.py for the format.\n"
)


def toml_string(text: str) -> str | None:
    """A TOML basic string for `text`, or None when it holds a lone surrogate (unencodable)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return None
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F or not char.isprintable():
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _entry(waiver: Waiver) -> str:
    lines = ["[[waiver]]"]
    fields: list[tuple[str, str | None]] = [
        ("fingerprint", waiver.fingerprint),
        ("rule", waiver.rule),
        ("path", waiver.path),
        ("content", waiver.content),
        ("reason", waiver.reason),
        ("reviewer", waiver.reviewer),
    ]
    for key, value in fields:
        if value is None:
            continue
        encoded = toml_string(value)
        if encoded is None:
            if key in ("path", "rule") and waiver.fingerprint:
                continue  # informational only next to a fingerprint
            raise WaiverError(f"waiver {waiver.label()}: {key} cannot be written as TOML")
        lines.append(f"{key} = {encoded}")
    lines.append(f"date = {waiver.date.isoformat()}")
    if waiver.expires is not None:
        lines.append(f"expires = {waiver.expires.isoformat()}")
    if waiver.scope != ("all",):
        scope = ", ".join(toml_string(s) or '""' for s in waiver.scope)
        lines.append(f"scope = [{scope}]")
    return "\n".join(lines) + "\n"


def dump_waivers(waivers: Iterable[Waiver]) -> bytes:
    """The TOML bytes of a waivers file (round-trips through parse_waivers)."""
    parts = [_HEADER, f"version = {FORMAT_VERSION}\n"]
    parts.extend("\n" + _entry(waiver) for waiver in waivers)
    data = "".join(parts).encode("utf-8")
    parse_waivers(data, "<generated>")  # never write a file we would refuse to read
    return data


def write_waivers(path: Path, waivers: Iterable[Waiver], key: Ed25519PrivateKey | None) -> bytes:
    """Write the waivers file atomically; with `key`, also its detached signature."""
    data = dump_waivers(waivers)
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
        if key is not None:
            atomic_write(signature_path(path), signature_bytes(sign(data, key)))
    except OSError as exc:
        raise WaiverError(f"{path}: cannot write waivers file: {exc.strerror}") from exc
    return data
