"""Load a directory of signature files (signatures/*.toml) into a validated RuleSet.

Checks that need more than one table live here: the file header (`schema = 1`), TOML syntax,
unique ids across files, and the queries: all query rules of a language are compiled as one
query (kept on the RuleSet as a `LanguageQuery`, so detectors never compile them again); when
that fails, each rule is compiled alone to name the one at fault.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tree_sitter

from integrity.errors import SignatureError
from integrity.rules.queries import (
    LanguageQuery,
    QueryProblem,
    captures_in,
    check_predicates,
    compile_language,
    compile_query,
)
from integrity.rules.schema import Rule, parse_rule
from integrity.syntax.languages import GRAMMARS, Grammars

SCHEMA_VERSION = 1
_MAX_FILE = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The loaded rules and the digest of the signature files they came from.

    `queries` maps a language to the combined query of every query rule in that language.
    """

    rules: tuple[Rule, ...]
    digest: str
    files: tuple[str, ...] = ()
    directory: str = ""
    queries: Mapping[str, LanguageQuery] = field(default_factory=dict, compare=False, repr=False)

    def by_id(self) -> dict[str, Rule]:
        """Rules keyed by id."""
        return {rule.id: rule for rule in self.rules}

    def subset(self, rule_ids: frozenset[str]) -> RuleSet:
        """A RuleSet holding only the named rules (same digest: it records the files)."""
        keep = tuple(rule for rule in self.rules if rule.id in rule_ids)
        return RuleSet(keep, self.digest, self.files, self.directory, self.queries)


def default_signatures_dir() -> Path:
    """The packaged signatures/ (inside the wheel) or the repository's during development."""
    packaged = Path(__file__).resolve().parent.parent / "_signatures"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "signatures"


def load_rules(directory: Path | None = None, *, checked: bool = False) -> RuleSet:
    """Every rule of every `*.toml` directly in a directory, validated.

    Raises SignatureError (exit 3) naming the file and rule on the first problem found.
    `checked` is for rules already known to be valid: the shipped signatures, which `integrity
    rules test` and the test suite load without it (every regex and every query compiled), or a
    worker reloading what its parent checked. Their regexes are then not
    compiled just to be validated (~0.1 s of every run's start), and the combined query of each
    language is compiled on first use instead of now (a run pays only for the languages its
    files are in: compiling all ten costs ~0.3 s). Schema checks still run.
    """
    folder = directory if directory is not None else default_signatures_dir()
    if not folder.is_dir():
        raise SignatureError(f"{folder}: not a directory of signature files")
    digest = hashlib.sha256()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    names: list[str] = []
    for path in sorted(folder.glob("*.toml"), key=lambda p: p.name):
        if not path.is_file() or path.is_symlink():
            continue
        label = f"{folder.name}/{path.name}"
        data = _read(path, label)
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        names.append(path.name)
        for rule in parse_file(data, label, check_regexes=not checked):
            if rule.id in seen:
                raise SignatureError(
                    f"{label}: rule {rule.id}: duplicate id (also in {seen[rule.id]})"
                )
            seen[rule.id] = label
            rules.append(rule)
    return RuleSet(
        rules=tuple(rules),
        digest="sha256:" + digest.hexdigest(),
        files=tuple(names),
        directory=str(folder),
        queries=compile_queries(rules, Grammars(), lazy=checked),
    )


def _read(path: Path, label: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_FILE + 1)
    except OSError as exc:
        raise SignatureError(f"{label}: cannot read: {exc.strerror}") from None
    if len(data) > _MAX_FILE:
        raise SignatureError(f"{label}: larger than {_MAX_FILE} bytes")
    return data


def parse_file(data: bytes, label: str, *, check_regexes: bool = True) -> tuple[Rule, ...]:
    """The rules of one signature file's bytes (`label` names it in messages)."""
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SignatureError(f"{label}: not UTF-8") from None
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: int digit limit
        raise SignatureError(f"{label}: invalid TOML: {exc}") from None
    except RecursionError:
        raise SignatureError(f"{label}: invalid TOML: nested too deeply") from None
    unknown = sorted(set(document) - {"schema", "rule"})
    if unknown:
        raise SignatureError(f"{label}: unknown top-level key {unknown[0]!r}")
    if document.get("schema") != SCHEMA_VERSION:
        raise SignatureError(f"{label}: 'schema = {SCHEMA_VERSION}' is required")
    raw_rules: Any = document.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        raise SignatureError(f"{label}: 'rule' must be an array of tables ([[rule]])")
    rules = []
    for index, raw in enumerate(raw_rules, 1):
        rule = parse_rule(raw, label, index, check_regexes=check_regexes)
        _check_languages(rule, label)
        rules.append(_with_source(rule, label))
    return tuple(rules)


def _with_source(rule: Rule, label: str) -> Rule:
    return replace(rule, source_file=label)


def _check_languages(rule: Rule, label: str) -> None:
    if rule.kind != "query":
        return
    if not rule.languages:
        raise SignatureError(f"{label}: rule {rule.id}: a query rule needs 'languages'")
    for language in rule.languages:
        if language not in GRAMMARS:
            known = ", ".join(sorted(GRAMMARS))
            raise SignatureError(
                f"{label}: rule {rule.id}: no grammar for language {language!r} (known: {known})"
            )


def compile_queries(
    rules: list[Rule], grammars: Grammars, *, lazy: bool = False
) -> dict[str, LanguageQuery]:
    """One combined query per language over the query rules; SignatureError names the rule.
    With `lazy`, each language's query compiles on first use (predicates and report captures
    are still checked now)."""
    parts: dict[str, list[tuple[str, str]]] = {}
    for rule in rules:
        if rule.kind != "query" or rule.query is None:
            continue
        try:
            check_predicates(rule.query)
        except QueryProblem as exc:
            raise _query_error(rule, rule.languages[0], exc) from None
        if rule.report not in captures_in(rule.query):
            raise SignatureError(
                f"{rule.source_file}: rule {rule.id}: report {rule.report!r} names no capture"
                f" of the query"
            )
        for language in rule.languages:
            parts.setdefault(language, []).append((rule.id, rule.query))
    compiled: dict[str, LanguageQuery] = {}
    for language, items in sorted(parts.items()):
        lang = grammars.language(language)
        if lang is None:  # pragma: no cover - _check_languages ran first
            continue
        try:
            compiled[language] = compile_language(lang, items, lazy=lazy)
        except QueryProblem as combined:
            _find_culprit(lang, language, items, rules)
            raise SignatureError(f"queries for {language} do not compile: {combined}") from None
    return compiled


def _find_culprit(
    lang: tree_sitter.Language, language: str, items: list[tuple[str, str]], rules: list[Rule]
) -> None:
    by_id = {rule.id: rule for rule in rules}
    for rule_id, text in items:
        try:
            compile_query(lang, text)
        except QueryProblem as exc:
            raise _query_error(by_id[rule_id], language, exc) from None


def _query_error(rule: Rule, language: str, exc: QueryProblem) -> SignatureError:
    return SignatureError(
        f"{rule.source_file}: rule {rule.id}: query does not compile for {language}: {exc}"
    )
