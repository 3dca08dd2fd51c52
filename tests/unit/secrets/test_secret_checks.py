"""Pure helpers: redaction, entropy, base62/CRC32, validators, the hyperscan prefilter form."""

from __future__ import annotations

import binascii
import hashlib
import re

import pytest

from integrity.secrets.checks import (
    base62_encode,
    crc32_base62_valid,
    jwt_valid,
    pem_body_valid,
    shannon_entropy,
)
from integrity.secrets.database import hyperscan_expression
from integrity.secrets.filters import PathClass, classify_path, is_hash_like, is_placeholder
from integrity.secrets.redact import redact, secret_sha256


def test_redaction_shape() -> None:
    secret = "ghp_" + "Ab1" * 12
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert secret_sha256(secret) == digest
    assert redact(secret) == f"ghp_…(40 chars, sha256:{digest[:8]})"
    assert redact("hunter22") == f"hu…(8 chars, sha256:{secret_sha256('hunter22')[:8]})"
    assert redact("abc").startswith("…(3 chars")
    assert redact("\x1b[31mxyz").startswith("?[…")


def test_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


def test_base62_and_crc32() -> None:
    assert base62_encode(0) == "000000"
    assert base62_encode(61) == "00000z"
    assert base62_encode(62) == "000010"
    body = "A" * 30
    token = "ghp_" + body + base62_encode(binascii.crc32(body.encode()))
    assert crc32_base62_valid(token)
    assert not crc32_base62_valid(token[:-1] + "0")
    assert not crc32_base62_valid("ghp_short")


def test_structure_validators() -> None:
    assert jwt_valid("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")
    assert not jwt_valid("eyJub3QganNvbg.eyJzdWIiOiIxIn0.c2ln")
    assert not pem_body_valid("-----BEGIN RSA PRIVATE KEY-----")
    assert pem_body_valid("-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD" * 16 + "\n")


@pytest.mark.parametrize(
    "value",
    [
        "EXAMPLEKEY",
        "changeme",
        "<token>",
        "${VAR}",
        "%(pw)s",
        "{{ secret }}",
        "xxxxxxxx",
        "********",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        hashlib.md5(b"x").hexdigest(),
        hashlib.sha1(b"x").hexdigest(),
        hashlib.sha256(b"x").hexdigest(),
        "123e4567-e89b-12d3-a456-426614174000",
        "sha512-" + "A" * 86 + "==",
        "$2b$12$" + "a" * 53,
    ],
)
def test_hash_like(value: str) -> None:
    assert is_hash_like(value)


def test_path_classes() -> None:
    assert classify_path("web/package-lock.json", b"{}") is PathClass.LOCKFILE
    assert classify_path("go.sum", b"") is PathClass.LOCKFILE
    assert classify_path("dist/app.min.js", b"x") is PathClass.GENERATED
    assert classify_path("dist/bundle.js", b"a" * 9000) is PathClass.GENERATED
    assert classify_path("tests/fixtures/conf.py", b"") is PathClass.TEST
    assert classify_path("regress/keys/id_rsa", b"") is PathClass.TEST
    assert classify_path("src/conf.py", b"x\n" * 10) is PathClass.SOURCE


def test_hyperscan_expression_only_widens() -> None:
    pattern = r"(?i)(?P<name>[\w.-]{0,40}?token)\s*=\s*'(?P<secret>[A-Za-z0-9]{20,60})'x{2,3}"
    assert hyperscan_expression(pattern) == (
        rb"(?i)(?:[\w.-]{0,}token)\s*=\s*'(?:[A-Za-z0-9]{20,})'x{2,3}"
    )
    assert re.compile(pattern).pattern.count("{") == 3
