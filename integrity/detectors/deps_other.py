"""Parsers for Go, Cargo, Ruby, Composer and Maven manifests and lockfiles: text -> Manifest."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from integrity.detectors.deps_model import (
    Dep,
    Manifest,
    as_dict,
    as_list,
    line_of,
    loads_json,
    loads_toml,
    table_deps,
    urls,
)


def cargo_toml(text: str) -> Manifest:
    """Cargo.toml."""
    data = loads_toml(text)
    deps: list[Dep] = []
    for section in ("dependencies", "dev-dependencies", "build-dependencies"):
        deps.extend(table_deps(text, as_dict(data.get(section))))
    for target in as_dict(data.get("target")).values():
        deps.extend(table_deps(text, as_dict(as_dict(target).get("dependencies"))))
    return Manifest(tuple(deps))


_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([\w.~/-]+\.[\w.~/-]+)\s+(v[\w.+-]+)")
_GO_REPLACE = re.compile(r"^\s*(?:replace\s+)?([\w.~/-]+)(?:\s+v\S+)?\s+=>\s+(\S+)(?:\s+(v\S+))?")


def go_mod(text: str) -> Manifest:
    """go.mod: require and replace directives."""
    deps = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.split("//", 1)[0]
        replaced = _GO_REPLACE.match(line)
        if replaced:
            deps.append(
                Dep(
                    "replace:" + replaced.group(1),
                    replaced.group(3) or "",
                    replaced.group(2),
                    "",
                    number,
                )
            )
            continue
        required = _GO_REQUIRE.match(line)
        if required and not line.lstrip().startswith(("module", "go ", "toolchain")):
            deps.append(Dep(required.group(1), required.group(2), "", "", number))
    return Manifest(tuple(deps))


def go_sum(text: str) -> Manifest:
    """go.sum: module, version and h1 hash per line."""
    deps = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if len(parts) == 3:
            deps.append(
                Dep(
                    parts[0] + ("/go.mod" if parts[1].endswith("/go.mod") else ""),
                    parts[1].removesuffix("/go.mod"),
                    "",
                    parts[2],
                    number,
                )
            )
    return Manifest(tuple(deps), lockfile=True)


_GEM = re.compile(r"""^\s*gem\s+['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"])?(.*)$""")
_GEM_SOURCE = re.compile(r"""\b(git|github|path|source)\s*(?::|=>)\s*['"]([^'"]+)['"]""")


def gemfile(text: str) -> Manifest:
    """Gemfile."""
    deps, indexes = [], []
    for number, line in enumerate(text.splitlines(), 1):
        gem = _GEM.match(line)
        if gem:
            source = _GEM_SOURCE.search(gem.group(3) or "")
            deps.append(
                Dep(gem.group(1), gem.group(2) or "", source.group(2) if source else "", "", number)
            )
        elif re.match(r"""^\s*source\s+['"]""", line):
            indexes.append((line.split(None, 1)[1].strip().strip("'\""), number))
    return Manifest(tuple(deps), indexes=tuple(indexes))


def gemfile_lock(text: str) -> Manifest:
    """Gemfile.lock: remotes and specs (name (version))."""
    deps, remote = [], ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("remote:"):
            remote = line.split(":", 1)[1].strip()
        spec = re.match(r"^ {4}([\w.-]+) \(([^)]+)\)", line)
        if spec:
            deps.append(Dep(spec.group(1), spec.group(2), remote, "", number))
    return Manifest(tuple(deps), lockfile=True)


def composer_json(text: str) -> Manifest:
    """composer.json."""
    data = as_dict(loads_json(text))
    deps = [
        Dep(name, str(spec), "", "", line_of(text, f'"{name}"'))
        for section in ("require", "require-dev")
        for name, spec in as_dict(data.get(section)).items()
    ]
    repos = data.get("repositories", [])
    indexes = urls(text, list(repos.values()) if isinstance(repos, dict) else as_list(repos))
    hooks = tuple(
        (hook, json.dumps(cmd), line_of(text, f'"{hook}"'))
        for hook, cmd in as_dict(data.get("scripts")).items()
        if hook
        in (
            "pre-install-cmd",
            "post-install-cmd",
            "pre-update-cmd",
            "post-update-cmd",
            "post-autoload-dump",
            "post-package-install",
        )
    )
    return Manifest(tuple(deps), hooks, indexes)


def composer_lock(text: str) -> Manifest:
    """composer.lock."""
    data = as_dict(loads_json(text))
    deps = []
    for section in ("packages", "packages-dev"):
        for package in data.get(section, []) or []:
            package = as_dict(package)
            name = str(package.get("name", ""))
            dist = as_dict(package.get("dist"))
            source = as_dict(package.get("source"))
            deps.append(
                Dep(
                    name,
                    str(package.get("version", "")),
                    str(dist.get("url") or source.get("url") or ""),
                    str(dist.get("shasum") or source.get("reference") or ""),
                    line_of(text, f'"{name}"'),
                )
            )
    return Manifest(tuple(deps), lockfile=True)


_POM_FIELD = re.compile(r"<(groupId|artifactId|version)>\s*([^<]*?)\s*</\1>")
_POM_URL = re.compile(r"<url>\s*([^<\s]+)\s*</url>")


def _elements(text: str, tag: str, limit: int) -> Iterator[tuple[int, str]]:
    """(offset, body) of each <tag>...</tag> whose body is at most `limit` characters."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    at = text.find(opening)
    while at >= 0:
        end = text.find(closing, at, at + len(opening) + limit + len(closing))
        if end >= 0:
            yield at, text[at + len(opening) : end]
        at = text.find(opening, at + len(opening))


def pom_xml(text: str) -> Manifest:
    """Maven pom.xml (dependency and repository elements, text level: no XML entity expansion)."""
    deps = []
    for offset, body in _elements(text, "dependency", 2000):
        fields = dict(_POM_FIELD.findall(body))
        if "artifactId" in fields:
            name = fields.get("groupId", "") + ":" + fields["artifactId"]
            deps.append(
                Dep(name, fields.get("version", ""), "", "", text.count("\n", 0, offset) + 1)
            )
    indexes = []
    for tag in ("repository", "pluginRepository"):
        for offset, body in _elements(text, tag, 1000):
            url = _POM_URL.search(body)
            if url:
                indexes.append((url.group(1), text.count("\n", 0, offset) + 1))
    return Manifest(tuple(deps), indexes=tuple(sorted(indexes, key=lambda item: item[1])))
