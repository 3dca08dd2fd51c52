"""builtin:dependency-*: dependencies added, swapped or re-pointed between before and after.

Diff-aware: a manifest or lockfile is compared with its previous version (an added manifest is
compared with nothing, but only for sources and install hooks; a snapshot scan reports nothing).
One detector class, four aspects (one rule each):

- `added`: a new package name in a manifest; a name swapped for a look-alike is raised one level;
- `source`: a git/URL/path source, a non-registry download host, a package index or a go.mod
  `replace` that is new or changed;
- `hash`: a lockfile integrity hash changed while the version stayed the same;
- `install-script`: an install-time hook (npm, composer) added or changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

from integrity.detectors.base import FileView
from integrity.detectors.common import LineIndex, Scope, make_finding
from integrity.detectors.deps_model import line_of
from integrity.detectors.manifests import Dep, Manifest, by_name, parse, parser_for
from integrity.model import Finding
from integrity.rules.schema import Rule

ASPECTS = ("added", "source", "hash", "install-script")

REGISTRY_HOSTS: frozenset[str] = frozenset(
    {
        "registry.npmjs.org", "registry.yarnpkg.com", "registry.npmmirror.com",
        "files.pythonhosted.org", "pypi.org", "pypi.python.org",
        "registry+https://github.com/rust-lang/crates.io-index", "index.crates.io",
        "rubygems.org", "repo.packagist.org", "api.github.com", "codeload.github.com",
        "proxy.golang.org", "repo.maven.apache.org", "repo1.maven.org",
    }
)  # fmt: skip
_SIMILAR = 0.8


class DependencyDetector:
    """Compares the dependencies of a manifest's before and after versions for one aspect."""

    def __init__(self, rule: Rule, aspect: str) -> None:
        if aspect not in ASPECTS:
            raise ValueError(f"unknown dependency aspect {aspect!r}")
        self.rule = rule
        self.aspect = aspect
        self._scope = Scope.of(rule)

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """A manifest or lockfile that was modified or added."""
        return (
            (view.before is not None or view.change == "added")
            and parser_for(view.path) is not None
            and self._scope.accepts(view)
        )

    def detect(self, view: FileView) -> Iterator[Finding]:
        """Findings for this detector's aspect."""
        new = parse(view.path, view.after)
        if new is None:
            return
        if view.before is not None:
            old = parse(view.path, view.before) or Manifest()
        elif view.change == "added":
            old = None
        else:
            return
        text = view.text()
        index = LineIndex(text)
        for found_line, captures, severity_steps in self._changes(old, new):
            line = line_of(text, captures["new"], found_line) if "new" in captures else found_line
            finding = make_finding(
                self.rule, view, line, line, index.lines(line, line), captures=captures,
                details=tuple(sorted(captures.items())),
            )  # fmt: skip
            if severity_steps:
                finding = replace(finding, severity=finding.severity.raised(severity_steps))
            yield finding

    def _changes(
        self, old: Manifest | None, new: Manifest
    ) -> Iterator[tuple[int, dict[str, str], int]]:
        base = old if old is not None else Manifest()
        if self.aspect == "added" and old is not None and not new.lockfile:
            yield from added(base, new)
        elif self.aspect == "source":
            yield from sources(base, new)
        elif self.aspect == "hash" and old is not None:
            yield from hashes(base, new)
        elif self.aspect == "install-script":
            yield from hooks(base, new)


def added(old: Manifest, new: Manifest) -> Iterator[tuple[int, dict[str, str], int]]:
    """New package names; a new name resembling a removed one is a swap (raised one level)."""
    before, after = by_name(old.deps), by_name(new.deps)
    removed = [name for name in before if name not in after]
    for name, deps in sorted(after.items()):
        if name in before:
            continue
        twin = _look_alike(name, removed)
        captures = {"name": name, "version": deps[0].version, "change": "added"}
        if twin is not None:
            captures["change"] = f"swapped for {twin}"
        yield deps[0].line, captures, 1 if twin is not None else 0


def _look_alike(name: str, candidates: list[str]) -> str | None:
    best = None
    for candidate in candidates:
        ratio = difflib.SequenceMatcher(None, name.lower(), candidate.lower()).ratio()
        if ratio >= _SIMILAR and (best is None or ratio > best[0]):
            best = (ratio, candidate)
    return best[1] if best else None


def sources(old: Manifest, new: Manifest) -> Iterator[tuple[int, dict[str, str], int]]:
    """Git/URL/path sources, download hosts and package indexes that are new or changed."""
    before = by_name(old.deps)
    for dep in new.deps:
        if not dep.source:
            continue
        previous = before.get(dep.name, [])
        if new.lockfile:
            host = _host(dep.source)
            if host in REGISTRY_HOSTS or any(_host(p.source) == host for p in previous):
                continue
        elif any(p.source == dep.source for p in previous):
            continue
        change = "re-pointed" if previous else "added"
        yield dep.line, {"name": dep.name, "source": dep.source, "change": change}, 0
    known = {url for url, _ in old.indexes}
    for url, line in new.indexes:
        if url not in known:
            yield line, {"name": "package index", "source": url, "change": "added"}, 0


def _host(source: str) -> str:
    if source.startswith("registry+"):
        return source
    try:
        return urlsplit(source).hostname or source
    except ValueError:
        return source


def hashes(old: Manifest, new: Manifest) -> Iterator[tuple[int, dict[str, str], int]]:
    """Lockfile entries whose integrity hash changed while name and version stayed the same."""
    before: dict[tuple[str, str], set[str]] = {}
    for dep in old.deps:
        if dep.integrity:
            before.setdefault((dep.name, dep.version), set()).add(dep.integrity)
    for dep in new.deps:
        known = before.get((dep.name, dep.version))
        if dep.integrity and known and dep.integrity not in known:
            old_hash = sorted(known)[0]
            yield dep.line, _hash_captures(dep, old_hash), 0


def _hash_captures(dep: Dep, old_hash: str) -> dict[str, str]:
    return {
        "name": dep.name,
        "version": dep.version,
        "old": old_hash[:24],
        "new": dep.integrity[:24],
        "change": "hash changed, version unchanged",
    }


def hooks(old: Manifest, new: Manifest) -> Iterator[tuple[int, dict[str, str], int]]:
    """Install-time hooks that are new or run a different command."""
    before = {name: command for name, command, _ in old.hooks}
    for name, command, line in new.hooks:
        if before.get(name) != command:
            change = "changed" if name in before else "added"
            yield line, {"name": name, "source": command[:120], "change": change}, 0
