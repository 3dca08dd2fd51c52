"""Validators that raise confidence: checksums, decodable structure, Shannon entropy."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections import Counter
from collections.abc import Callable

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0.0 for the empty string)."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def base62_encode(number: int, width: int = 6) -> str:
    """`number` in base 62 (0-9A-Za-z), left-padded with "0" to `width`."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def crc32_base62_valid(token: str) -> bool:
    """GitHub (ghp_/gho_/ghu_/ghs_/ghr_) and npm (npm_) tokens: last 6 chars = base62 CRC32."""
    head, _, body = token.partition("_")
    if not body or len(body) < 7 or not head:
        return False
    payload, check = body[:-6], body[-6:]
    return base62_encode(binascii.crc32(payload.encode("ascii", "replace"))) == check


def _b64url_decode(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def pypi_macaroon_valid(token: str) -> bool:
    """A PyPI token is "pypi-" + a base64url macaroon (v2) whose location is a PyPI host."""
    raw = _b64url_decode(token.removeprefix("pypi-"))
    return raw is not None and raw[:2] == b"\x02\x01" and b"pypi.org" in raw[:40]


def jwt_valid(token: str) -> bool:
    """Header and payload decode to JSON objects and the header names an `alg`."""
    parts = token.split(".")
    if len(parts) < 3:
        return False
    header, payload = _b64url_decode(parts[0]), _b64url_decode(parts[1])
    if header is None or payload is None:
        return False
    try:
        head = json.loads(header)
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(head, dict) and "alg" in head and isinstance(body, dict)


def pem_body_valid(block: str) -> bool:
    """A PEM private key header followed by at least one base64 line (not a bare header)."""
    lines = [line.strip().strip("\\n\"',") for line in block.replace("\\n", "\n").splitlines()[1:]]
    body = [line for line in lines if line and ":" not in line and not line.startswith("-----")]
    return (
        bool(body)
        and all(set(line) <= _B64_CHARS for line in body[:3])
        and len("".join(body)) >= 40
    )


_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")

VALIDATORS: dict[str, Callable[[str], bool]] = {
    "crc32-base62": crc32_base62_valid,
    "pypi-macaroon": pypi_macaroon_valid,
    "jwt": jwt_valid,
    "pem-body": pem_body_valid,
}
"""Names usable in a rule's `checksum` field."""
