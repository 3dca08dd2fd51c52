"""Baseline store: canonical round trip, signatures, strict loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrity.baseline.store import load_baseline_bytes, render_baseline
from integrity.errors import BaselineError, TrustError
from integrity.model import (
    Baseline,
    BaselineHeader,
    Constant,
    EntryType,
    FileRecord,
    SourceInfo,
    Symbol,
)


def sample() -> Baseline:
    header = BaselineHeader(
        1, "0.0.0-test", "sha256:00", SourceInfo("directory", "t"), "2026-01-01T00:00:00Z"
    )
    files = (
        FileRecord(
            "a.c",
            EntryType.FILE,
            10,
            False,
            "ab" * 32,
            "c",
            symbols=(Symbol("f", "function", 1, 3, "d1", ("auth",)),),
            constants=(Constant("tbl#0", "0x01,0x02", 5, "f", "P-256"),),
            parser="tree-sitter",
            token_digest="t1",
        ),
        FileRecord("bad\udcffname\n", EntryType.FILE, 1, True, "cd" * 32),
        FileRecord(
            "l",
            EntryType.SYMLINK,
            0,
            False,
            None,
            target="/etc/passwd",
            problem="symlink points outside the tree",
        ),
    )
    return Baseline(header, files)


def test_round_trip_is_exact():
    data = render_baseline(sample(), None)
    loaded = load_baseline_bytes(data, "mem", None)
    assert loaded.baseline == sample()
    assert render_baseline(loaded.baseline, None) == data
    assert loaded.signature is None
    assert any("unsigned" in w for w in loaded.warnings)


def test_signed_round_trip_and_trust():
    key = Ed25519PrivateKey.generate()
    data = render_baseline(sample(), key)
    loaded = load_baseline_bytes(data, "mem", key.public_key())
    assert loaded.baseline == sample()
    assert loaded.warnings == ()


def test_other_key_is_refused():
    data = render_baseline(sample(), Ed25519PrivateKey.generate())
    with pytest.raises(TrustError, match="not by the trusted key"):
        load_baseline_bytes(data, "mem", Ed25519PrivateKey.generate().public_key())


def test_whitespace_edit_is_refused_under_trust():
    key = Ed25519PrivateKey.generate()
    data = render_baseline(sample(), key).replace(b'{"files"', b'{ "files"', 1)
    with pytest.raises(TrustError, match="does not verify"):
        load_baseline_bytes(data, "mem", key.public_key())


def test_forged_signature_member_is_refused():
    key = Ed25519PrivateKey.generate()
    data = render_baseline(sample(), key)
    with pytest.raises(BaselineError, match="canonical"):
        load_baseline_bytes(
            data.replace(b'"algorithm":"ed25519"', b'"algorithm" :"ed25519"'),
            "mem",
            key.public_key(),
        )


def test_value_edit_breaks_signature():
    key = Ed25519PrivateKey.generate()
    data = render_baseline(sample(), key).replace(b'"size":10', b'"size":11', 1)
    with pytest.raises(TrustError, match="does not verify"):
        load_baseline_bytes(data, "mem", None)


@pytest.mark.parametrize(
    "doc",
    [
        b'{"schema_version": true}',
        b'{"schema_version": 0}',
        b'{"schema_version": 1, "header": [], "files": []}',
        b'{"schema_version": 1, "header": {"tool_version": 1}, "files": []}',
        b"1" * 5000,
    ],
)
def test_malformed_documents(doc: bytes):
    with pytest.raises(BaselineError):
        load_baseline_bytes(doc, "mem", None)


def test_duplicate_paths_refused(tmp_path: Path):
    base = sample()
    dup = Baseline(base.header, (base.files[0], base.files[0]))
    with pytest.raises(BaselineError, match="twice"):
        load_baseline_bytes(render_baseline(dup, None), "mem", None)
