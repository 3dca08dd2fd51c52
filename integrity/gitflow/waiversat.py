"""The reviewed waivers of a commit (BASE, the tag, --since), read from git objects.

A change must not waive its own findings: the waivers that apply to a pre-merge diff are those
of BASE, never of HEAD or of the checked-out working tree. With a trusted key
(INTEGRITY_TRUST), the file must carry a valid detached signature in the same commit.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from integrity.gitflow.objects import ObjectReader
from integrity.gitflow.policyat import read_path
from integrity.review.waivers import (
    MAX_WAIVERS_BYTES,
    SIGNATURE_MAX_BYTES,
    SIGNATURE_SUFFIX,
    WaiverSet,
    waivers_from_bytes,
)
from integrity.signing import load_public_key


def trusted_key() -> Ed25519PublicKey | None:
    """The key named by INTEGRITY_TRUST, if any (the convention of the other commands)."""
    named = os.environ.get("INTEGRITY_TRUST")
    return load_public_key(Path(named)) if named else None


def waivers_at(
    reader: ObjectReader, tree: bytes, path: str, trusted: Ed25519PublicKey | None
) -> WaiverSet | None:
    """The waivers file at `path` in a tree (None when absent), verified when a key is given."""
    data = read_path(reader, tree, path, MAX_WAIVERS_BYTES)
    if data is None:
        return None
    raw = read_path(reader, tree, path + SIGNATURE_SUFFIX, SIGNATURE_MAX_BYTES)
    return waivers_from_bytes(path, data, path + SIGNATURE_SUFFIX, raw, trusted)
