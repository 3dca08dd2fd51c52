"""The policy: integrity.toml, or [tool.integrity] in pyproject.toml. Parsed once, at the edge."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from integrity.errors import ConfigError
from integrity.model import Severity, matchable

_KEYS = {
    "exclude",
    "frozen",
    "sensitive",
    "fail_on",
    "max_file_size",
    "require_signed_commits",
    "waivers",
    "limits",
    "parse_timeout",
    "max_run_seconds",
}
DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024
_LIMIT_KEYS = {"max_member_size", "max_total_size", "max_ratio", "max_members", "ratio_min_size"}
DEFAULT_PARSE_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Policy:
    """What the reviewer's configuration says about paths and limits."""

    exclude: tuple[str, ...] = ()
    frozen: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    fail_on: Severity | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    require_signed_commits: bool = False
    waivers: str | None = None
    limits: tuple[tuple[str, int], ...] = ()
    parse_timeout: float = DEFAULT_PARSE_TIMEOUT
    max_run_seconds: float | None = None
    origin: str = "defaults"
    _frozen_spec: pathspec.PathSpec[Any] | None = field(default=None, compare=False, repr=False)
    _sensitive_spec: pathspec.PathSpec[Any] | None = field(default=None, compare=False, repr=False)

    def is_frozen(self, path: str) -> bool:
        """True when the path matches a `frozen` glob."""
        return self._frozen_spec is not None and self._frozen_spec.match_file(matchable(path))

    def is_sensitive(self, path: str) -> bool:
        """True when the path matches a `sensitive` glob."""
        return self._sensitive_spec is not None and self._sensitive_spec.match_file(matchable(path))


def _globs(raw: dict[str, Any], key: str, origin: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{origin}: `{key}` must be a list of glob strings")
    return tuple(value)


def _spec(globs: tuple[str, ...], origin: str) -> pathspec.PathSpec[Any] | None:
    if not globs:
        return None
    try:
        return pathspec.PathSpec.from_lines("gitignore", globs)
    except Exception as exc:  # pathspec raises several exception types for bad patterns
        raise ConfigError(f"{origin}: invalid glob: {exc}") from exc


def policy_from_table(raw: dict[str, Any], origin: str) -> Policy:
    """Validate one [tool.integrity]-style table into a Policy."""
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s): {', '.join(unknown)}")
    fail_on = raw.get("fail_on")
    if fail_on is not None and fail_on not in {s.value for s in Severity}:
        raise ConfigError(f"{origin}: fail_on must be one of info, low, medium, high, critical")
    max_size = raw.get("max_file_size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise ConfigError(f"{origin}: max_file_size must be a positive integer (bytes)")
    signed = raw.get("require_signed_commits", False)
    if not isinstance(signed, bool):
        raise ConfigError(f"{origin}: require_signed_commits must be true or false")
    waivers = raw.get("waivers")
    if waivers is not None and not isinstance(waivers, str):
        raise ConfigError(f"{origin}: waivers must be a path string")
    limits_raw = raw.get("limits", {})
    if not isinstance(limits_raw, dict) or set(limits_raw) - _LIMIT_KEYS:
        raise ConfigError(f"{origin}: [limits] accepts only {', '.join(sorted(_LIMIT_KEYS))}")
    for key, value in limits_raw.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{origin}: limits.{key} must be a positive integer")
    parse_timeout = raw.get("parse_timeout", DEFAULT_PARSE_TIMEOUT)
    if (
        not isinstance(parse_timeout, int | float)
        or isinstance(parse_timeout, bool)
        or not 0 < parse_timeout < 86400
    ):
        raise ConfigError(f"{origin}: parse_timeout must be a number of seconds (0 < t < 86400)")
    run_limit = raw.get("max_run_seconds")
    if run_limit is not None and (
        not isinstance(run_limit, int | float) or isinstance(run_limit, bool) or run_limit <= 0
    ):
        raise ConfigError(f"{origin}: max_run_seconds must be a positive number of seconds")
    frozen = _globs(raw, "frozen", origin)
    sensitive = _globs(raw, "sensitive", origin)
    return Policy(
        exclude=_globs(raw, "exclude", origin),
        frozen=frozen,
        sensitive=sensitive,
        fail_on=Severity(fail_on) if fail_on else None,
        max_file_size=max_size,
        require_signed_commits=signed,
        waivers=waivers,
        limits=tuple(sorted(limits_raw.items())),
        parse_timeout=float(parse_timeout),
        max_run_seconds=float(run_limit) if run_limit is not None else None,
        origin=origin,
        _frozen_spec=_spec(frozen, origin),
        _sensitive_spec=_spec(sensitive, origin),
    )


def parse_policy(data: bytes, origin: str, *, pyproject: bool) -> Policy:
    """A Policy from the bytes of integrity.toml, or of pyproject.toml ([tool.integrity])."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{origin}: not valid TOML: nested too deeply") from None
    if pyproject:
        tool = doc.get("tool", {})
        table = tool.get("integrity", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{origin}: [tool.integrity] must be a table")
        return policy_from_table(table, origin)
    return policy_from_table(doc, origin)


def load_policy(config: Path | None, cwd: Path) -> Policy:
    """The policy named by --config, else ./integrity.toml, else ./pyproject.toml, else defaults."""
    candidates: list[tuple[Path, bool]]
    if config is not None:
        candidates = [(config, config.name == "pyproject.toml")]
        if not config.is_file():
            raise ConfigError(f"{config}: no such config file")
    else:
        candidates = [(cwd / "integrity.toml", False), (cwd / "pyproject.toml", True)]
    for path, is_pyproject in candidates:
        if path.is_file():
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
            return parse_policy(data, str(path), pyproject=is_pyproject)
    return Policy()
