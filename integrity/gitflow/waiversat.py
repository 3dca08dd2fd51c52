"""The reviewed waivers of a commit (BASE, the tag, --since), read from git objects.

A change must not waive its own findings: the waivers that apply to a pre-merge diff are those
of BASE, never of HEAD or of the checked-out working tree. With a trusted key
(INTEGRITY_TRUST), the file must carry a valid detached signature in the same commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from integrity.errors import TrustError
from integrity.gitflow.objects import ObjectReader
from integrity.gitflow.policyat import read_path
from integrity.review.waivers import (
    MAX_WAIVERS_BYTES,
    SIGNATURE_SUFFIX,
    WaiverSet,
    parse_waivers,
)
from integrity.signing import Signature, load_public_key, verify

_SIGNATURE_CAP = 64 * 1024


def trusted_key() -> Ed25519PublicKey | None:
    """The key named by INTEGRITY_TRUST, if any (the convention of the other commands)."""
    named = os.environ.get("INTEGRITY_TRUST")
    return load_public_key(Path(named)) if named else None


def _signature(data: bytes, origin: str) -> Signature:
    try:
        doc = json.loads(data)
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


def waivers_at(
    reader: ObjectReader, tree: bytes, path: str, trusted: Ed25519PublicKey | None
) -> WaiverSet | None:
    """The waivers file at `path` in a tree (None when absent), verified when a key is given."""
    data = read_path(reader, tree, path, MAX_WAIVERS_BYTES)
    if data is None:
        return None
    waivers = parse_waivers(data, path)
    raw = read_path(reader, tree, path + SIGNATURE_SUFFIX, _SIGNATURE_CAP)
    signature = _signature(raw, path + SIGNATURE_SUFFIX) if raw is not None else None
    warnings: list[str] = []
    if signature is None:
        if trusted is not None and waivers:
            raise TrustError(f"{path}: waivers file is not signed but a trusted key is in use")
    else:
        try:
            verify(data, signature, trusted, path)
        except TrustError:
            if trusted is not None:
                raise
            warnings.append(
                f"{path}: the signature does not match the file (edited after signing?)"
            )
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    return WaiverSet(path, waivers, digest, signature, tuple(warnings))
