"""Dependency records and the small helpers every manifest parser shares."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Dep:
    """One declared or locked dependency."""

    name: str
    version: str = ""
    source: str = ""
    integrity: str = ""
    line: int = 1


@dataclass(frozen=True, slots=True)
class Manifest:
    """What one manifest or lockfile declares."""

    deps: tuple[Dep, ...] = ()
    hooks: tuple[tuple[str, str, int], ...] = ()  # (hook name, command, line)
    indexes: tuple[tuple[str, int], ...] = ()  # (registry/index URL, line)
    lockfile: bool = False


def line_of(text: str, needle: str, default: int = 1) -> int:
    """1-based line of the first occurrence of a text (default when absent)."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else default


def loads_json(text: str) -> Any:
    """Parsed JSON, or None for invalid input."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def loads_toml(text: str) -> dict[str, Any]:
    """Parsed TOML, or {} for invalid input."""
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}


def as_dict(value: Any) -> dict[str, Any]:
    """The value when it is a dict, else {}."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """The value when it is a list, else []."""
    return value if isinstance(value, list) else []


def first(table: dict[str, Any], *keys: str) -> str:
    """The first truthy value of the keys, as text ('' when none)."""
    for key in keys:
        if table.get(key):
            return str(table[key])
    return ""


def urls(text: str, tables: list[Any]) -> tuple[tuple[str, int], ...]:
    """The `url` of each table that has one, with its line."""
    found = (str(as_dict(t).get("url") or "") for t in tables)
    return tuple((url, line_of(text, url)) for url in found if url)


def norm_name(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _key_line(text: str, name: str) -> int:
    """1-based line of a TOML key at the start of a line (1 when not found)."""
    for prefix in ("\n", '\n"', "\n'"):
        at = text.find(prefix + name)
        if at >= 0:
            return text.count("\n", 0, at) + 2
    return 1


def table_deps(text: str, table: dict[str, Any]) -> list[Dep]:
    """Dependencies of a TOML table mapping name -> version string or {git/url/path/...}."""
    deps = []
    for name, spec in table.items():
        if isinstance(spec, dict):
            source = str(first(spec, "git", "url", "path", "registry"))
            ref = first(spec, "rev", "tag", "branch", "ref")
            if source and ref:
                source += "#" + str(ref)
            version = str(spec.get("version", ""))
        else:
            source, version = "", str(spec)
        deps.append(
            Dep(
                norm_name(name) if name != "python" else name,
                version,
                source,
                "",
                _key_line(text, name),
            )
        )
    return deps
