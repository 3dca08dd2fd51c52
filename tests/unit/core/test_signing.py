"""Keys and atomic writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from integrity.errors import InvalidInputError, TrustError
from integrity.signing import (
    Signature,
    atomic_write,
    generate_keypair,
    load_private_key,
    load_public_key,
    sign,
    verify,
)


def test_keypair_sign_verify(tmp_path: Path):
    key_path, pub_path = generate_keypair(tmp_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key, pub = load_private_key(key_path), load_public_key(pub_path)
    signature = sign(b"data", key)
    verify(b"data", signature, pub, "t")
    with pytest.raises(TrustError):
        verify(b"datA", signature, pub, "t")


def test_wrong_file_types(tmp_path: Path):
    key_path, pub_path = generate_keypair(tmp_path)
    with pytest.raises(InvalidInputError, match="public key"):
        load_public_key(key_path)
    with pytest.raises(InvalidInputError, match="private key"):
        load_private_key(pub_path)
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(InvalidInputError):
        load_public_key(junk)


def test_atomic_write_replaces_whole_file(tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic_write(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_atomic_write_to_a_device_writes_in_place():
    devnull = Path("/dev/null")
    atomic_write(devnull, b"discarded")
    assert devnull.is_char_device()


def test_keyid_must_match_public_key(tmp_path: Path):
    key_path, _ = generate_keypair(tmp_path)
    signature = sign(b"data", load_private_key(key_path))
    forged = Signature(keyid="0" * 16, public_key=signature.public_key, value=signature.value)
    with pytest.raises(TrustError, match="key id"):
        verify(b"data", forged, None, "t")
