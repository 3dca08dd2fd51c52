"""The error tree and exit codes. A leaf module: imports only the standard library."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (the CLI contract)."""

    CLEAN = 0
    FINDINGS = 1
    USAGE = 2
    INVALID_INPUT = 3
    INTERNAL = 4


class IntegrityError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def diagnostics(self) -> str:
        """One human-readable line (or a few) explaining the failure."""
        return str(self)


class UsageError(IntegrityError):
    """The command line itself is wrong (exit 2)."""

    exit_code = ExitCode.USAGE


class InvalidInputError(IntegrityError):
    """Input that cannot be used: corrupt file, bad ref, bad config (exit 3)."""

    exit_code = ExitCode.INVALID_INPUT


class SourceError(InvalidInputError):
    """A SOURCE (directory, archive, git ref) cannot be read."""


class BaselineError(InvalidInputError):
    """A baseline is truncated, not JSON, of an unknown schema, or malformed."""


class TrustError(InvalidInputError):
    """A signature is missing, made by another key, or does not verify."""


class SignatureError(InvalidInputError):
    """A rule file in signatures/ is invalid; the message names file and rule."""


class ConfigError(InvalidInputError):
    """The policy (integrity.toml / [tool.integrity]) is invalid."""


class WaiverError(InvalidInputError):
    """A waiver file is invalid."""
