"""Parsers for npm/yarn/pnpm and Python manifests and lockfiles: text -> Manifest."""

from __future__ import annotations

import re
from typing import Any

from integrity.detectors.deps_model import (
    Dep,
    Manifest,
    as_dict,
    as_list,
    first,
    line_of,
    loads_json,
    loads_toml,
    norm_name,
    table_deps,
    urls,
)

_NPM_SOURCE = re.compile(
    r"^(?:git\+|git:|github:|gitlab:|bitbucket:|https?:|file:|link:|npm:)|^[\w.-]+/[\w.-]+(?:#.*)?$"
)


def package_json(text: str) -> Manifest:
    """npm/yarn/pnpm package.json."""
    data = as_dict(loads_json(text))
    deps = []
    for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        for name, spec in as_dict(data.get(section)).items():
            spec = str(spec)
            source = spec if _NPM_SOURCE.match(spec) else ""
            deps.append(Dep(name, spec, source, "", line_of(text, f'"{name}"')))
    hooks = tuple(
        (hook, str(cmd), line_of(text, f'"{hook}"'))
        for hook, cmd in as_dict(data.get("scripts")).items()
        if hook in ("preinstall", "install", "postinstall", "prepublish", "preprepare")
    )
    return Manifest(tuple(deps), hooks)


def package_lock(text: str) -> Manifest:
    """npm package-lock.json / npm-shrinkwrap.json (v1, v2, v3)."""
    data = as_dict(loads_json(text))
    deps = []
    for key, entry in as_dict(data.get("packages")).items():
        entry = as_dict(entry)
        if not key or entry.get("link"):
            continue
        name = key.rsplit("node_modules/", 1)[-1]
        deps.append(
            _locked(text, name, entry.get("version"), entry.get("resolved"), entry.get("integrity"))
        )
    if not deps:
        stack = [as_dict(data.get("dependencies"))]
        while stack and len(deps) < 100_000:
            for name, entry in stack.pop().items():
                entry = as_dict(entry)
                deps.append(
                    _locked(
                        text,
                        name,
                        entry.get("version"),
                        entry.get("resolved"),
                        entry.get("integrity"),
                    )
                )
                stack.append(as_dict(entry.get("dependencies")))
    return Manifest(tuple(deps), lockfile=True)


def _locked(text: str, name: str, version: Any, source: Any, integrity: Any) -> Dep:
    return Dep(
        name, str(version or ""), str(source or ""), str(integrity or ""), line_of(text, f'{name}"')
    )


_YARN_HEAD = re.compile(r'^"?((?:@[^@/"\s]+/)?[^@"\s,]+)@')
_YARN_FIELD = re.compile(r'^\s+(version|resolved|integrity|resolution|checksum):?\s+"?([^"\s]+)"?')


def yarn_lock(text: str) -> Manifest:
    """yarn.lock (classic and berry)."""
    deps: list[Dep] = []
    current: dict[str, str] = {}

    def flush() -> None:
        if current.get("name"):
            deps.append(
                Dep(
                    current["name"],
                    current.get("version", ""),
                    current.get("resolved", ""),
                    current.get("integrity", ""),
                    int(current.get("line", "1")),
                )
            )

    for number, line in enumerate(text.splitlines(), 1):
        if line and not line[0].isspace() and not line.startswith("#"):
            flush()
            head = _YARN_HEAD.match(line)
            current = {"name": head.group(1), "line": str(number)} if head else {}
            continue
        field = _YARN_FIELD.match(line)
        if field and current:
            key = {"resolution": "resolved", "checksum": "integrity"}.get(
                field.group(1), field.group(1)
            )
            current[key] = field.group(2)
    flush()
    return Manifest(tuple(deps), lockfile=True)


_PNPM_HEAD = re.compile(r"^\s{2}'?/?((?:@[^@/\s]+/)?[^@\s:'(]+)@([^:(\s']+)")
_PNPM_RESOLUTION = re.compile(r"resolution:\s*\{([^}]*)\}")


def pnpm_lock(text: str) -> Manifest:
    """pnpm-lock.yaml (packages section, line based)."""
    deps: list[Dep] = []
    for number, line in enumerate(text.splitlines(), 1):
        head = _PNPM_HEAD.match(line)
        if head and line.rstrip().endswith(":") and not line.startswith("   "):
            deps.append(Dep(head.group(1), head.group(2), "", "", number))
            continue
        resolution = _PNPM_RESOLUTION.search(line)
        if resolution and deps:
            fields: dict[str, str] = dict(re.findall(r"(\w+):\s*'?([^,'\s]+)", resolution.group(1)))
            last = deps[-1]
            deps[-1] = Dep(
                last.name,
                last.version,
                fields.get("tarball") or fields.get("repo") or "",
                fields.get("integrity", ""),
                last.line,
            )
    return Manifest(tuple(deps), lockfile=True)


_PEP508 = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(@\s*\S+|[^;#]*)")
_EGG = re.compile(r"#egg=([A-Za-z0-9._-]+)")


def _pep508(spec: str, line: int) -> Dep | None:
    if re.match(r"^\s*(?:-e\s+)?(?:git\+|hg\+|svn\+|https?://|file:)", spec):
        egg = _EGG.search(spec)
        url = spec.strip().removeprefix("-e").strip()
        return Dep(norm_name(egg.group(1)) if egg else url, "", url.split("#")[0], "", line)
    match = _PEP508.match(spec)
    if not match:
        return None
    rest = match.group(2).strip()
    source = rest[1:].strip() if rest.startswith("@") else ""
    return Dep(norm_name(match.group(1)), "" if source else rest, source, "", line)


def requirements(text: str) -> Manifest:
    """pip requirements files (hashes, URL/VCS requirements, index options)."""
    deps: list[Dep] = []
    indexes: list[tuple[str, int]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        option = re.match(
            r"^(?:-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host)[=\s]+(\S+)", line
        )
        if option:
            indexes.append((option.group(1), number))
            continue
        if line.startswith("-") and not line.startswith("-e"):
            continue
        hashes = " ".join(sorted(re.findall(r"--hash[=\s]+(\S+)", line)))
        dep = _pep508(re.sub(r"\s--hash[=\s]+\S+", "", line).rstrip("\\ "), number)
        if dep is not None:
            deps.append(Dep(dep.name, dep.version, dep.source, hashes, dep.line))
    return Manifest(tuple(deps), indexes=tuple(indexes))


def pyproject(text: str) -> Manifest:
    """pyproject.toml: PEP 621 dependencies, poetry dependencies, uv sources, indexes."""
    data = loads_toml(text)
    project = as_dict(data.get("project"))
    deps: list[Dep] = []
    specs = [s for s in project.get("dependencies", []) if isinstance(s, str)]
    for group in as_dict(project.get("optional-dependencies")).values():
        if isinstance(group, list):
            specs.extend(s for s in group if isinstance(s, str))
    for spec in specs:
        dep = _pep508(spec, line_of(text, spec))
        if dep is not None:
            deps.append(dep)
    tool = as_dict(data.get("tool"))
    poetry = as_dict(tool.get("poetry"))
    deps.extend(table_deps(text, as_dict(poetry.get("dependencies"))))
    deps.extend(
        table_deps(
            text, as_dict(as_dict(as_dict(poetry.get("group")).get("dev")).get("dependencies"))
        )
    )
    sources = as_dict(as_dict(tool.get("uv")).get("sources"))
    deps.extend(table_deps(text, {k: v for k, v in sources.items() if isinstance(v, dict)}))
    tables = as_list(as_dict(tool.get("uv")).get("index")) + as_list(poetry.get("source"))
    return Manifest(tuple(deps), indexes=urls(text, tables))


def pipfile(text: str) -> Manifest:
    """Pipfile."""
    data = loads_toml(text)
    deps = table_deps(text, as_dict(data.get("packages"))) + table_deps(
        text, as_dict(data.get("dev-packages"))
    )
    return Manifest(tuple(deps), indexes=urls(text, as_list(data.get("source"))))


def toml_lock(text: str) -> Manifest:
    """poetry.lock, uv.lock, Cargo.lock: [[package]] name/version/source/checksum."""
    deps = []
    for package in loads_toml(text).get("package", []):
        package = as_dict(package)
        source = package.get("source")
        if isinstance(source, dict):
            source = first(source, "git", "url", "path", "registry")
        files = package.get("files") or []
        hashes = " ".join(
            sorted(str(as_dict(f).get("hash", "")) for f in files if isinstance(f, dict))
        )
        sdist = as_dict(package.get("sdist")).get("hash", "")
        integrity = str(package.get("checksum") or sdist or hashes)
        name = str(package.get("name", ""))
        deps.append(
            Dep(
                norm_name(name),
                str(package.get("version", "")),
                str(source or ""),
                integrity,
                line_of(text, f'name = "{name}"'),
            )
        )
    return Manifest(tuple(deps), lockfile=True)


def pipfile_lock(text: str) -> Manifest:
    """Pipfile.lock (JSON)."""
    data = as_dict(loads_json(text))
    deps = []
    for section in ("default", "develop"):
        for name, entry in as_dict(data.get(section)).items():
            entry = as_dict(entry)
            source = str(entry.get("git") or entry.get("file") or entry.get("path") or "")
            hashes = " ".join(sorted(str(h) for h in entry.get("hashes", []) if isinstance(h, str)))
            deps.append(
                Dep(
                    norm_name(name),
                    str(entry.get("version", "")),
                    source,
                    hashes,
                    line_of(text, f'"{name}"'),
                )
            )
    return Manifest(tuple(deps), lockfile=True)
