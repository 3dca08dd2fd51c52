"""Policy parsing: globs, severities, strictness."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrity.config import load_policy, parse_policy
from integrity.errors import ConfigError
from integrity.model import Severity


def test_defaults_when_no_file(tmp_path: Path):
    policy = load_policy(None, tmp_path)
    assert policy.frozen == ()
    assert not policy.is_frozen("anything")


def test_globs_and_values():
    policy = parse_policy(
        b'frozen = ["src/crypto/**"]\nsensitive = ["*.pem"]\nfail_on = "medium"\n',
        "t",
        pyproject=False,
    )
    assert policy.is_frozen("src/crypto/aes.c")
    assert not policy.is_frozen("src/cryptography.c")
    assert policy.is_sensitive("keys/server.pem")
    assert policy.fail_on is Severity.MEDIUM


def test_pyproject_table():
    policy = parse_policy(b'[tool.integrity]\nexclude = ["vendor/"]\n', "p", pyproject=True)
    assert policy.exclude == ("vendor/",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"frozen = 'x'", "list of glob"),
        (b"nope = 1", "unknown key"),
        (b'fail_on = "severe"', "fail_on"),
        (b"max_file_size = -1", "max_file_size"),
        (b"[limits]\nmax_ratio = 0", "limits.max_ratio"),
        (b"= broken", "not valid TOML"),
    ],
)
def test_invalid_policies(text: bytes, message: str):
    with pytest.raises(ConfigError, match=message):
        parse_policy(text, "t", pyproject=False)


def test_missing_explicit_config(tmp_path: Path):
    with pytest.raises(ConfigError, match="no such config"):
        load_policy(tmp_path / "absent.toml", tmp_path)
