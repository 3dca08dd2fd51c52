"""Strict loading of the waivers file, its detached signature, and the TOML writer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrity.errors import ExitCode, TrustError, WaiverError
from integrity.review.waivers import (
    Waiver,
    content_hash,
    load_waivers,
    parse_waivers,
    signature_path,
)
from integrity.review.writer import dump_waivers, toml_string, write_waivers

FP = "0123456789abcdef0123456789abcdef"
GOOD = f"""version = 1

[[waiver]]
fingerprint = "{FP}"
reason = "test fixture, never shipped"
reviewer = "alice"
date = 2026-01-02
expires = "2027-01-02"
scope = ["scan", "verify"]
"""


def test_parse_good_file() -> None:
    (waiver,) = parse_waivers(GOOD.encode(), "w.toml")
    assert waiver.fingerprint == FP
    assert waiver.reviewer == "alice"
    assert waiver.date == date(2026, 1, 2)
    assert waiver.expires == date(2027, 1, 2)
    assert waiver.scope == ("scan", "verify")
    assert waiver.line == 3
    assert waiver.applies_to("scan") and not waiver.applies_to("diff")


def test_empty_file_is_valid() -> None:
    assert parse_waivers(b"version = 1\n", "w.toml") == ()
    assert parse_waivers(b"", "w.toml") == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('owner = "x"', "unknown key(s): owner"),
        ('date = "2026-13-01"', "'date' is not a valid date: '2026-13-01'"),
        ('date = "yesterday"', "'date' is not a valid date"),
        ("date = 2026-01-02T10:00:00", "'date' must be a date"),
        ('fingerprint = "XYZ"', "fingerprint must be 16-64 lowercase hex digits"),
        ('scope = "deploy"', "unknown scope deploy"),
        ("expires = 2020-01-01", "expires (2020-01-01) is before date (2026-01-02)"),
        ('reason = ""', "'reason' must be a non-empty string"),
    ],
)
def test_bad_entry_names_file_and_entry(body: str, expected: str) -> None:
    base = {
        "fingerprint": f'"{FP}"',
        "reason": '"ok reason"',
        "reviewer": '"bob"',
        "date": "2026-01-02",
    }
    key = body.split(" = ")[0]
    base[key] = body.split(" = ", 1)[1]
    text = "[[waiver]]\n" + "\n".join(f"{k} = {v}" for k, v in base.items()) + "\n"
    first = (
        f'[[waiver]]\nfingerprint = "{"f" * 32}"\nreason = "r"\nreviewer = "r"\ndate = 2026-01-01\n'
    )
    with pytest.raises(WaiverError) as info:
        parse_waivers((first + "\n" + text).encode(), "baselines/waivers.toml")
    message = info.value.diagnostics()
    assert message.startswith("baselines/waivers.toml: waiver #2 (line 7): ")
    assert expected in message
    assert info.value.exit_code is ExitCode.INVALID_INPUT


def test_duplicate_fingerprint_is_an_error() -> None:
    text = GOOD + GOOD.replace("version = 1\n", "")
    with pytest.raises(WaiverError, match=r"waiver #2 \(line 11\): duplicate of waiver #1"):
        parse_waivers(text.encode(), "w.toml")


def test_missing_identity_and_missing_date() -> None:
    with pytest.raises(WaiverError, match="name a fingerprint, or all of rule, path and content"):
        parse_waivers(
            b'[[waiver]]\nrule = "x"\nreason = "r"\nreviewer = "r"\ndate = 2026-01-01\n', "w"
        )
    with pytest.raises(WaiverError, match="missing required key 'date'"):
        parse_waivers(
            f'[[waiver]]\nfingerprint = "{FP}"\nreason = "r"\nreviewer = "r"\n'.encode(), "w"
        )


def test_not_toml_and_unknown_top_level() -> None:
    with pytest.raises(WaiverError, match="w: not valid TOML"):
        parse_waivers(b"[[waiver", "w")
    with pytest.raises(WaiverError, match="unknown top-level key"):
        parse_waivers(b"owner = 1\n", "w")
    with pytest.raises(WaiverError, match="unsupported version 2"):
        parse_waivers(b"version = 2\n", "w")


def test_rule_path_content_waiver() -> None:
    digest = content_hash("eval(  x )")
    assert digest == content_hash("eval( x )")
    text = (
        f'[[waiver]]\nrule = "py-eval"\npath = "src/**"\ncontent = "{digest}"\n'
        'reason = "r"\nreviewer = "r"\ndate = 2026-01-01\n'
    )
    (waiver,) = parse_waivers(text.encode(), "w")
    assert (waiver.rule, waiver.path, waiver.content) == ("py-eval", "src/**", digest)


def test_writer_round_trips_hostile_text() -> None:
    waiver = Waiver(
        reason='quote " backslash \\ newline \n esc \x1b bidi \u202e end',
        reviewer="zoë",
        date=date(2026, 1, 1),
        fingerprint=FP,
        rule="py-eval",
        expires=date(2026, 6, 1),
        scope=("diff", "scan"),
    )
    (back,) = parse_waivers(dump_waivers([waiver]), "w")
    assert (back.reason, back.reviewer, back.expires, back.scope) == (
        waiver.reason,
        waiver.reviewer,
        waiver.expires,
        waiver.scope,
    )
    assert toml_string("a\udcff") is None


def test_signed_file_verifies_and_altered_file_fails(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "waivers.toml"
    write_waivers(path, parse_waivers(GOOD.encode(), "w"), key)
    assert signature_path(path).name == "waivers.toml.sig"
    loaded = load_waivers(path, key.public_key())
    assert loaded.signature is not None and loaded.warnings == ()
    assert loaded.digest.startswith("sha256:")
    path.write_bytes(path.read_bytes().replace(b"alice", b"mallory"))
    with pytest.raises(TrustError, match="does not verify"):
        load_waivers(path, key.public_key())
    untrusted = load_waivers(path, None)
    assert "does not match the file" in untrusted.warnings[0]


def test_wrong_key_and_unsigned_with_trust(tmp_path: Path) -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    path = tmp_path / "waivers.toml"
    write_waivers(path, (), other)
    with pytest.raises(TrustError, match="not by the trusted key"):
        load_waivers(path, key.public_key())
    signature_path(path).unlink()
    assert load_waivers(path, key.public_key()).waivers == ()  # unsigned but empty: harmless
    write_waivers(path, parse_waivers(GOOD.encode(), "w"), None)
    with pytest.raises(TrustError, match="not signed but a trusted key is in use"):
        load_waivers(path, key.public_key())
    assert load_waivers(path, None).waivers[0].reviewer == "alice"


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WaiverError, match="waivers file not found"):
        load_waivers(tmp_path / "nope.toml", None)
