"""Pure helpers: artifact classes, trivial-message claims, build checks, hardened git."""

from __future__ import annotations

import pytest

from integrity.gitflow.artifacts import Artifact, classify_artifact
from integrity.gitflow.safegit import HARDENING, git_command, hardened_env
from integrity.gitflow.signals import claims_trivial, is_build_check


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("configure", Artifact.AUTOTOOLS),
        ("Makefile.in", Artifact.AUTOTOOLS),
        ("src/liblzma/Makefile.in", Artifact.AUTOTOOLS),
        ("build-aux/ltmain.sh", Artifact.AUTOTOOLS),
        ("build-aux/config.guess", Artifact.AUTOTOOLS),
        ("config.h.in", Artifact.AUTOTOOLS),
        ("aclocal.m4", Artifact.AUTOTOOLS),
        ("m4/build-to-host.m4", Artifact.M4_MACRO),
        ("po/de.gmo", Artifact.TRANSLATION),
        ("po/xz.pot", Artifact.TRANSLATION),
        ("doc/api/index.html", Artifact.GENERATED_DOC),
        ("doc/man/txt/xz.txt", Artifact.GENERATED_DOC),
        ("ChangeLog", Artifact.GENERATED_DOC),
        ("src/liblzma/check/crc64_fast.c", Artifact.SOURCE),
        ("tests/files/bad-3-corrupt_lzma2.xz", Artifact.SOURCE),
    ],
)
def test_classify_artifact(path: str, kind: Artifact) -> None:
    assert classify_artifact(path) is kind


@pytest.mark.parametrize(
    ("subject", "word"),
    [
        ("Fix typo", "Fix typo"),
        ("Tests: Add a few test files", "test files"),
        ("minor cleanup in sysdeps", "minor cleanup"),
        ("sysdeps: minor", "minor"),
        ("whitespace only", "whitespace only"),
        ("Remove trailing whitespace", "trailing whitespace"),
        ("Minor fixes", "Minor fixes"),
        ("docs: cosmetic", "cosmetic"),
        ("syntax: operator-aware whitespace normalisation", None),
        ("gitflow: tests for trivial claims", None),
        ("Add landlock sandbox", None),
        ("Typography of the manual", None),
    ],
)
def test_claims_trivial(subject: str, word: str | None) -> None:
    assert claims_trivial(subject) == word


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("configure.ac", True),
        ("m4/build-to-host.m4", True),
        ("CMakeLists.txt", True),
        ("src/Makefile.am", True),
        ("meson.build", True),
        ("src/main.c", False),
    ],
)
def test_is_build_check(path: str, expected: bool) -> None:
    assert is_build_check(path) is expected


def test_every_program_key_is_pinned_on_the_command_line() -> None:
    command = git_command(__import__("pathlib").Path("/repo/.git"), "log")
    pinned = {command[i + 1].split("=", 1)[0] for i, w in enumerate(command) if w == "-c"}
    for key in (
        "core.fsmonitor",
        "core.hooksPath",
        "gpg.program",
        "gpg.openpgp.program",
        "gpg.x509.program",
        "gpg.ssh.program",
        "diff.external",
        "core.pager",
    ):
        assert key in pinned, key
    assert command[:3] == ["git", "--no-pager", "--git-dir=/repo/.git"]
    assert len(HARDENING) == len(pinned)


def test_hardened_env_drops_inherited_git_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_DIR", "/elsewhere")
    monkeypatch.setenv("GIT_SSH_COMMAND", "touch /tmp/x")
    env = hardened_env()
    assert "GIT_DIR" not in env and "GIT_SSH_COMMAND" not in env
    assert env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert env["GIT_CONFIG_GLOBAL"] == "/dev/null"
