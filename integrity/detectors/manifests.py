"""Dependency manifests and lockfiles -> the dependencies they declare (pure, tolerant).

One parser per file name; each returns a `Manifest` of `Dep`s (name, version, source, integrity
hash, 1-based line) plus install hooks and index/registry URLs. Unparseable content yields an
empty manifest: a broken manifest is the build's problem, not a reason to crash the scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from integrity.detectors.deps_model import Dep, Manifest
from integrity.detectors.deps_other import (
    cargo_toml,
    composer_json,
    composer_lock,
    gemfile,
    gemfile_lock,
    go_mod,
    go_sum,
    pom_xml,
)
from integrity.detectors.deps_parsers import (
    package_json,
    package_lock,
    pipfile,
    pipfile_lock,
    pnpm_lock,
    pyproject,
    requirements,
    toml_lock,
    yarn_lock,
)

__all__ = ["PARSERS", "Dep", "Manifest", "by_name", "parse", "parser_for"]

PARSERS: dict[str, Callable[[str], Manifest]] = {
    "package.json": package_json,
    "package-lock.json": package_lock,
    "npm-shrinkwrap.json": package_lock,
    "yarn.lock": yarn_lock,
    "pnpm-lock.yaml": pnpm_lock,
    "pyproject.toml": pyproject,
    "Pipfile": pipfile,
    "Pipfile.lock": pipfile_lock,
    "poetry.lock": toml_lock,
    "uv.lock": toml_lock,
    "Cargo.toml": cargo_toml,
    "Cargo.lock": toml_lock,
    "go.mod": go_mod,
    "go.sum": go_sum,
    "Gemfile": gemfile,
    "gems.rb": gemfile,
    "Gemfile.lock": gemfile_lock,
    "composer.json": composer_json,
    "composer.lock": composer_lock,
    "pom.xml": pom_xml,
}


def parser_for(path: str) -> Callable[[str], Manifest] | None:
    """The parser for a manifest path, or None when the file is not one."""
    name = PurePosixPath(path).name
    if name in PARSERS:
        return PARSERS[name]
    if re.fullmatch(r"(?:.*[-_.])?requirements(?:[-_.].*)?\.(?:txt|in)|constraints\.txt", name):
        return requirements
    return None


def parse(path: str, data: bytes | None) -> Manifest | None:
    """The manifest for a path's bytes (None when the path is not a manifest or data is None)."""
    parser = parser_for(path)
    if parser is None or data is None:
        return None
    return parser(data.decode("utf-8", "replace"))


def by_name(deps: Iterable[Dep]) -> dict[str, list[Dep]]:
    """Dependencies grouped by name (a lockfile may hold several versions of one name)."""
    grouped: dict[str, list[Dep]] = {}
    for dep in deps:
        grouped.setdefault(dep.name, []).append(dep)
    return grouped
