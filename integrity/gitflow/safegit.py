"""The one git subprocess we allow: signature status of commits, in a hardened environment.

The audited repository's own config can name programs (core.fsmonitor, gpg.program,
gpg.ssh.program, core.pager, diff.external...). Configuration given with `-c` on the command
line wins over every config file, so each program-valued key git could consult while printing
`%G?` is pinned here; system and global config are switched off, the environment is rebuilt
from scratch (no inherited GIT_* variables), and no pager, hook or network access is possible.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

_HEX = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_BATCH = 200
_TIMEOUT = 300

#: `-c` overrides for every key that can make git run a program while it reads history.
HARDENING: tuple[str, ...] = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "core.askPass=false",
    "core.editor=false",
    "core.alternateRefsCommand=false",
    "core.untrackedCache=false",
    "gpg.program=gpg",
    "gpg.openpgp.program=gpg",
    "gpg.x509.program=gpgsm",
    "gpg.ssh.program=ssh-keygen",
    "gpg.ssh.defaultKeyCommand=false",
    "diff.external=",
    "pager.log=false",
    "log.showSignature=false",
    "credential.helper=",
    "protocol.allow=never",
    "uploadpack.packObjectsHook=",
)


class SignatureStatus(StrEnum):
    """git's %G? letters, plus UNKNOWN when git could not be asked."""

    GOOD = "G"
    GOOD_UNKNOWN_VALIDITY = "U"
    EXPIRED_SIGNATURE = "X"
    EXPIRED_KEY = "Y"
    REVOKED_KEY = "R"
    CANNOT_CHECK = "E"
    BAD = "B"
    NONE = "N"
    UNKNOWN = "?"

    @property
    def label(self) -> str:
        """What the letter means."""
        return _LABELS[self]


_LABELS = {
    SignatureStatus.GOOD: "good signature",
    SignatureStatus.GOOD_UNKNOWN_VALIDITY: "good signature, key of unknown validity",
    SignatureStatus.EXPIRED_SIGNATURE: "good signature that has expired",
    SignatureStatus.EXPIRED_KEY: "good signature made by an expired key",
    SignatureStatus.REVOKED_KEY: "good signature made by a revoked key",
    SignatureStatus.CANNOT_CHECK: "signature cannot be checked (missing key?)",
    SignatureStatus.BAD: "bad signature",
    SignatureStatus.NONE: "no signature",
    SignatureStatus.UNKNOWN: "git could not report the signature status",
}


def hardened_env() -> dict[str, str]:
    """A fresh environment: no inherited GIT_* variables, no system or global config."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_ATTR_NOSYSTEM": "1",
        "GIT_PAGER": "cat",
    }
    for keep in ("HOME", "GNUPGHOME", "TMPDIR"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    return env


def git_command(git_dir: Path, *args: str) -> list[str]:
    """A git command line on `git_dir` with every hardening override in front."""
    command = ["git", "--no-pager", f"--git-dir={os.fspath(git_dir)}"]
    for item in HARDENING:
        command += ["-c", item]
    return [*command, *args]


def signature_status(git_dir: Path, commits: Sequence[str]) -> dict[str, SignatureStatus]:
    """%G? of each commit (full hex ids); UNKNOWN for those git could not report."""
    wanted = [c for c in dict.fromkeys(commits) if _HEX.fullmatch(c)]
    result = dict.fromkeys(wanted, SignatureStatus.UNKNOWN)
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        command = git_command(
            git_dir,
            "log",
            "--no-walk=unsorted",
            "--no-show-signature",
            "--format=%H %G?",
            *batch,
            "--",
        )
        try:
            done = subprocess.run(
                command,
                env=hardened_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=_TIMEOUT,
                check=False,
                cwd="/",
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode != 0:
            continue
        for line in done.stdout.decode("ascii", "replace").splitlines():
            sha, _, letter = line.partition(" ")
            if sha in result and letter in SignatureStatus._value2member_map_:
                result[sha] = SignatureStatus(letter)
    return result
