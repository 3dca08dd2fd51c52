"""Manifest parsers and the diff-aware dependency detectors."""

from __future__ import annotations

import pytest

from integrity.detectors import build_detectors
from integrity.detectors.base import FileView
from integrity.detectors.manifests import Dep, parse, parser_for
from integrity.model import Finding, Severity
from integrity.rules.load import load_rules
from integrity.rules.selftest import added_lines, findings_for
from integrity.syntax.languages import Grammars

RULES = load_rules()


def _diff(rule_id: str, path: str, before: str | None, after: str) -> list[Finding]:
    detectors = build_detectors(RULES.subset(frozenset({rule_id})), Grammars())
    view = FileView(
        path=path,
        language=None,
        after=after.encode(),
        before=before.encode() if before is not None else None,
        change="modified" if before is not None else "added",
        added_lines=added_lines(before, after) if before is not None else None,
    )
    return sorted(findings_for(view, detectors), key=Finding.sort_key)


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "requirements-dev.txt",
            "requests==2.31.0 --hash=sha256:abc\n-e git+https://g.example/x.git#egg=foo_bar\n",
            [Dep("requests", "==2.31.0", "", "sha256:abc", 1),
             Dep("foo-bar", "", "git+https://g.example/x.git", "", 2)],
        ),
        (
            "go.mod",
            "module m\nrequire (\n\tgolang.org/x/net v0.1.0\n)\nreplace a.b/c => ../c\n",
            [Dep("golang.org/x/net", "v0.1.0", "", "", 3), Dep("replace:a.b/c", "", "../c", "", 5)],
        ),
        (
            "Gemfile",
            "source 'https://rubygems.org'\ngem 'rails', '7.1.0'\ngem 'x', git: 'https://g.example/x'\n",
            [Dep("rails", "7.1.0", "", "", 2), Dep("x", "", "https://g.example/x", "", 3)],
        ),
        (
            "yarn.lock",
            '"ms@^2.1.1":\n  version "2.1.3"\n  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz"\n'
            "  integrity sha512-abc\n",
            [Dep("ms", "2.1.3", "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz", "sha512-abc", 1)],
        ),
        (
            "pom.xml",
            "<project><dependencies>\n<dependency><groupId>g</groupId><artifactId>a</artifactId>"
            "<version>1</version></dependency>\n</dependencies></project>",
            [Dep("g:a", "1", "", "", 2)],
        ),
    ],
)  # fmt: skip
def test_parsers(path: str, text: str, expected: list[Dep]) -> None:
    manifest = parse(path, text.encode())
    assert manifest is not None
    assert list(manifest.deps) == expected


def test_parser_for_names() -> None:
    assert parser_for("web/package.json") is not None
    assert parser_for("requirements/base.txt") is None
    assert parser_for("requirements.in") is not None
    assert parser_for("src/main.py") is None


def test_broken_manifest_is_empty_not_an_error() -> None:
    manifest = parse("package.json", b"{not json")
    assert manifest is not None and manifest.deps == ()


def test_new_dependency_and_look_alike_swap() -> None:
    before = '{"dependencies": {"express": "4", "lodash": "4"}}'
    after = '{"dependencies": {"express": "4", "lodahs": "4",\n "chalk": "5"}}'
    findings = _diff("dependency-added", "package.json", before, after)
    by_name = {dict(f.details)["name"]: f for f in findings}
    assert set(by_name) == {"lodahs", "chalk"}
    assert by_name["lodahs"].severity == Severity.MEDIUM  # low raised one level: a swap
    assert "swapped for lodash" in by_name["lodahs"].message
    assert by_name["chalk"].start_line == 2


def test_added_manifest_reports_sources_not_every_dependency() -> None:
    after = '{"dependencies": {"a": "1", "b": "github:someone/b"}}'
    assert _diff("dependency-added", "package.json", None, after) == []
    (source,) = _diff("dependency-source-changed", "package.json", None, after)
    assert dict(source.details)["source"] == "github:someone/b"


def test_lockfile_registry_upgrade_is_not_a_source_change() -> None:
    entry = (
        '{"packages": {"node_modules/ms": {"version": "%s", "resolved": "%s", "integrity": "%s"}}}'
    )
    before = entry % ("2.1.2", "https://registry.npmjs.org/ms/-/ms-2.1.2.tgz", "sha512-a")
    upgrade = entry % ("2.1.3", "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz", "sha512-b")
    after = entry % ("2.1.3", "https://evil.example/ms-2.1.3.tgz", "sha512-b")
    assert _diff("dependency-source-changed", "package-lock.json", before, upgrade) == []
    (finding,) = _diff("dependency-source-changed", "package-lock.json", before, after)
    assert dict(finding.details)["change"] == "re-pointed"
    assert _diff("lockfile-hash-changed", "package-lock.json", before, after) == []


def test_lockfile_hash_changed_same_version() -> None:
    before = '"left-pad@^1.3.0":\n  version "1.3.0"\n  integrity sha512-aaaa\n'
    after = '"left-pad@^1.3.0":\n  version "1.3.0"\n  integrity sha512-bbbb\n'
    (finding,) = _diff("lockfile-hash-changed", "yarn.lock", before, after)
    assert (finding.start_line, finding.severity) == (3, Severity.CRITICAL)


def test_install_hook_added_in_composer() -> None:
    before = '{"require": {"monolog/monolog": "^3"}}'
    after = '{"require": {"monolog/monolog": "^3"},\n "scripts": {"post-install-cmd": "php x.php"}}'
    (finding,) = _diff("install-script-added", "composer.json", before, after)
    assert finding.start_line == 2
    assert "post-install-cmd" in finding.message


def test_snapshot_scan_reports_no_dependency_changes() -> None:
    detectors = build_detectors(
        RULES.subset(frozenset({"dependency-added", "dependency-source-changed"})), Grammars()
    )
    view = FileView(
        path="package.json", language="json", after=b'{"dependencies": {"a": "git+https://x"}}'
    )
    assert findings_for(view, detectors) == []


def test_toml_manifests_lines_and_sources() -> None:
    cargo = parse(
        "Cargo.toml",
        b'[package]\nname = "x"\n[dependencies]\nserde = "1.0"\n'
        b'evil = { git = "https://g.example/evil", rev = "abc" }\n',
    )
    assert cargo is not None
    assert [(d.name, d.source, d.line) for d in cargo.deps] == [
        ("serde", "", 4),
        ("evil", "https://g.example/evil#abc", 5),
    ]
    pipfile = parse(
        "Pipfile",
        b'[[source]]\nurl = "https://pypi.org/simple"\n[packages]\n'
        b'flask = {git = "https://github.com/pallets/flask.git", ref = "main"}\n',
    )
    assert pipfile is not None
    assert pipfile.indexes == (("https://pypi.org/simple", 2),)
    assert [(d.name, d.source, d.line) for d in pipfile.deps] == [
        ("flask", "https://github.com/pallets/flask.git#main", 4)
    ]
