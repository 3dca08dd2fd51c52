"""Macro serials, digests and verdicts against known upstream copies."""

from __future__ import annotations

import json

import pytest

from integrity.errors import SignatureError
from integrity.gitflow.m4registry import (
    M4Verdict,
    judge_m4,
    load_m4_registry,
    m4_digest,
    m4_serial,
    parse_registry,
)

UPSTREAM = b"# build-to-host.m4 serial 3\nAC_DEFUN([X], [:])\n"


def _registry() -> bytes:
    rows = [["3", m4_digest(UPSTREAM), 0], ["1", "0" * 16, 0]]
    return json.dumps({"origins": ["gnulib"], "macros": {"build-to-host.m4": rows}}).encode()


@pytest.mark.parametrize(
    ("text", "serial"),
    [
        (b"# build-to-host.m4 serial 30\n", "30"),
        (b"# serial 11 (pkg-config-0.29)\n", "11"),
        (b"dnl serial 2.1\n", "2.1"),
        (b"AC_DEFUN([X])\n", None),
    ],
)
def test_serial(text: bytes, serial: str | None) -> None:
    assert m4_serial(text) == serial


def test_line_endings_do_not_change_the_digest() -> None:
    assert m4_digest(UPSTREAM.replace(b"\n", b"\r\n")) == m4_digest(UPSTREAM)


@pytest.mark.parametrize(
    ("content", "verdict"),
    [
        (UPSTREAM, M4Verdict.KNOWN),
        (UPSTREAM.replace(b"serial 3", b"serial 30") + b"evil\n", M4Verdict.NEWER_SERIAL),
        (UPSTREAM + b"dnl extra\n", M4Verdict.SAME_SERIAL),
        (UPSTREAM.replace(b"serial 3", b"serial 2") + b"x\n", M4Verdict.OLDER_SERIAL),
        (b"AC_DEFUN([X], [evil])\n", M4Verdict.NO_SERIAL),
    ],
)
def test_verdicts(content: bytes, verdict: M4Verdict) -> None:
    registry = parse_registry(_registry(), "test")
    assert judge_m4(registry, "build-to-host.m4", content).verdict is verdict


def test_unknown_name() -> None:
    registry = parse_registry(_registry(), "test")
    judged = judge_m4(registry, "my-own.m4", b"# serial 1\n")
    assert (judged.verdict, judged.serial) == (M4Verdict.UNKNOWN_NAME, "1")


def test_bad_registry_is_a_signature_error() -> None:
    with pytest.raises(SignatureError, match="invalid m4 registry"):
        parse_registry(b'{"origins": [], "macros": {"a.m4": [["1", "short", 0]]}}', "r.json")


def test_shipped_registry_knows_gnulib_build_to_host() -> None:
    registry = load_m4_registry()
    known = registry.macros.get("build-to-host.m4", ())
    assert known, "the shipped registry must cover gnulib's build-to-host.m4"
    assert all(k.serial is None or int(k.serial.split(".")[0]) < 30 for k in known)
    tampered = b"# build-to-host.m4 serial 30\ndnl not gnulib's\n"
    assert judge_m4(registry, "build-to-host.m4", tampered).verdict is M4Verdict.NEWER_SERIAL
