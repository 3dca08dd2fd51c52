"""DSSE envelopes around in-toto statements, and subject digests."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrity.errors import ExitCode, TrustError
from integrity.model import EntryType, FileBlob
from integrity.review.attest import (
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    SignoffFacts,
    Subject,
    envelope,
    pae,
    statement,
    verify_attestation,
)
from integrity.review.subject import tree_digest
from integrity.signing import key_id

Maker = Callable[..., Any]
FACTS = SignoffFacts("alice", "2026-11-26T00:00:00Z", "sha256:bb", "sha256:rr", None, None)


def _signed(result: Maker, finding: Maker, key: Ed25519PrivateKey) -> bytes:
    doc = statement(result(finding()), Subject("tree", "ab" * 32, "tree"), FACTS)
    return envelope(doc, key)


def test_pae_matches_the_dsse_spec() -> None:
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_statement_shape_and_roundtrip(result: Maker, finding: Maker) -> None:
    key = Ed25519PrivateKey.generate()
    data = _signed(result, finding, key)
    env = json.loads(data)
    assert env["payloadType"] == PAYLOAD_TYPE
    assert env["signatures"][0]["keyid"] == key_id(key.public_key())
    doc = json.loads(base64.b64decode(env["payload"]))
    assert doc["_type"] == STATEMENT_TYPE and doc["predicateType"] == PREDICATE_TYPE
    assert doc["subject"] == [{"name": "tree", "digest": {"sha256": "ab" * 32}}]
    predicate = doc["predicate"]
    assert predicate["reviewer"] == "alice"
    assert predicate["baseline"] == {"digest": "sha256:bb"}
    assert predicate["findings"][0]["status"] == "open"
    assert predicate["findings"][0]["path"] == "src/app.py"
    verified = verify_attestation(data, key.public_key(), "a.json", "ab" * 32)
    assert verified.reviewer == "alice" and verified.statuses == (("open", 1),)


def test_tampered_wrong_key_changed_source(result: Maker, finding: Maker) -> None:
    key = Ed25519PrivateKey.generate()
    data = _signed(result, finding, key)
    env = json.loads(data)
    doc = json.loads(base64.b64decode(env["payload"]))
    doc["predicate"]["reviewer"] = "mallory"
    env["payload"] = base64.b64encode(json.dumps(doc).encode()).decode()
    with pytest.raises(TrustError, match="signature does not verify") as info:
        verify_attestation(json.dumps(env).encode(), key.public_key(), "a.json", None)
    assert info.value.exit_code is ExitCode.INVALID_INPUT
    other = Ed25519PrivateKey.generate()
    with pytest.raises(TrustError, match="not by the trusted key"):
        verify_attestation(data, other.public_key(), "a.json", None)
    with pytest.raises(TrustError, match="the source changed after sign-off"):
        verify_attestation(data, key.public_key(), "a.json", "cd" * 32)
    with pytest.raises(TrustError, match="not JSON"):
        verify_attestation(b"{", key.public_key(), "a.json", None)


def _blob(path: str, data: bytes, executable: bool = False) -> FileBlob:
    return FileBlob(path, EntryType.FILE, len(data), executable, open=lambda: io.BytesIO(data))


def test_tree_digest_is_order_free_and_content_bound() -> None:
    a, b = _blob("a.py", b"x = 1\n"), _blob("b/c.py", b"y = 2\n")
    link = FileBlob("l", EntryType.SYMLINK, target="a.py")
    base = tree_digest([a, b, link])
    assert base == tree_digest([link, b, a])
    assert base != tree_digest([a, _blob("b/c.py", b"y = 3\n"), link])
    assert base != tree_digest([a, _blob("b/c.py", b"y = 2\n", executable=True), link])
    assert base != tree_digest([a, b, FileBlob("l", EntryType.SYMLINK, target="b/c.py")])
    assert len(base) == 64
