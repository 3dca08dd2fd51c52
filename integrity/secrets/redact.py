"""Redaction: a found secret is never shown in full, only a short prefix, its length and a hash."""

from __future__ import annotations

import hashlib


def secret_sha256(secret: str) -> str:
    """Full SHA-256 hex digest of a secret (UTF-8, undecodable bytes kept as escapes)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


def prefix_length(secret: str) -> int:
    """How many leading characters may be shown: at most 4, and at most a quarter of it."""
    return min(4, len(secret) // 4)


def redact(secret: str) -> str:
    """`ghp_…(40 chars, sha256:1a2b3c4d)`: stable for one secret, distinct between secrets."""
    shown = "".join(
        ch if ch.isprintable() and ch.isascii() else "?" for ch in secret[: prefix_length(secret)]
    )
    return f"{shown}…({len(secret)} chars, sha256:{secret_sha256(secret)[:8]})"
