"""The typed form of one rule of signatures/*.toml, and the parse of one raw TOML table into it.

Kinds: "query" (tree-sitter query), "regex" (regex over text or literal tokens),
"literal-change" (before/after constant change), "secret" (credential formats, compiled together
into one multi-pattern database by the secrets detector), "builtin:<name>" (coded detectors that
still carry their metadata and examples here).

`parse_rule` checks everything that can be checked on one table alone (keys, enums, regexes,
examples); the loader adds what needs the whole set (unique ids) and the grammars (queries).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import re2

from integrity.errors import SignatureError
from integrity.model import Category, Confidence, Severity

KINDS_DECLARATIVE: frozenset[str] = frozenset({"query", "regex", "literal-change", "secret"})
_E = TypeVar("_E", Category, Severity, Confidence)
EXPECTS: frozenset[str] = frozenset({"match", "no-match", "todo-match", "todo-no-match"})

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COMMON_KEYS = frozenset(
    {
        "id",
        "kind",
        "languages",
        "category",
        "severity",
        "confidence",
        "message",
        "description",
        "cwe",
        "paths",
        "exclude_paths",
        "example",
    }
)
_KIND_KEYS: dict[str, frozenset[str]] = {
    "query": frozenset({"query", "report", "keywords", "diff_only"}),
    "regex": frozenset({"pattern", "keywords", "entropy", "diff_only"}),
    "secret": frozenset({"pattern", "keywords", "entropy", "secret_group", "checksum"}),
    "literal-change": frozenset({"names", "pattern", "keywords"}),
    "builtin": frozenset({"pattern", "keywords", "names", "entropy"}),
}
_EXAMPLE_KEYS = frozenset({"expect", "code", "before", "after", "language", "path", "line"})


@dataclass(frozen=True, slots=True)
class Example:
    """An embedded example: `expect` is match | no-match | todo-match | todo-no-match.

    Snapshot examples give `code`; diff-aware examples give `before` and `after`. `line` (1-based,
    optional) is where a `match` must be reported. `path` names the example file (its extension
    picks the language when `language` is not given).
    """

    expect: str
    code: str | None = None
    before: str | None = None
    after: str | None = None
    language: str | None = None
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule."""

    id: str
    kind: str
    languages: tuple[str, ...]
    category: Category
    severity: Severity
    confidence: Confidence
    message: str
    source_file: str
    description: str = ""
    cwe: str | None = None
    # query kind
    query: str | None = None
    report: str | None = None
    # regex and secret kinds
    pattern: str | None = None
    keywords: tuple[str, ...] = ()
    entropy: float | None = None
    secret_group: str | None = None
    checksum: str | None = None
    # literal-change kind: regex over the names whose constants are watched
    names: str | None = None
    # scope
    diff_only: bool = False
    paths: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def builtin(self) -> str | None:
        """The coded detector's name for kind "builtin:<name>", else None."""
        return self.kind.split(":", 1)[1] if self.kind.startswith("builtin:") else None


def re2_options() -> re2.Options:
    """re2 options shared by every rule regex (no logging of bad patterns to stderr)."""
    options = re2.Options()
    options.log_errors = False
    return options


def compile_re2(pattern: str) -> Any:
    """A linear-time compiled regex; raises re2.error (lookaround, backreferences, bad syntax)."""
    return re2.compile(pattern, options=re2_options())


class _Problem(Exception):
    """Internal: one problem with a rule, turned into a SignatureError naming file and rule."""


def parse_rule(
    raw: Mapping[str, Any], source_file: str, index: int, *, check_regexes: bool = True
) -> Rule:
    """Validate one raw `[[rule]]` table and return the typed Rule.

    Raises SignatureError `"<source_file>: rule <id>: <problem>"`. Without `check_regexes` the
    rule's regexes are not compiled here (rules already checked: see `load_rules`).
    """
    label = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index}"
    try:
        return _parse(raw, check_regexes)
    except _Problem as problem:
        raise SignatureError(f"{source_file}: rule {label}: {problem}") from None


def _parse(raw: Mapping[str, Any], check_regexes: bool) -> Rule:
    rule_id = _string(raw, "id", required=True)
    if not _KEBAB.match(rule_id):
        raise _Problem("id must be kebab-case (lowercase letters, digits and single dashes)")
    kind = _string(raw, "kind", required=True)
    family = "builtin" if kind.startswith("builtin:") and len(kind) > 8 else kind
    if family not in _KIND_KEYS:
        raise _Problem(f"unknown kind {kind!r}")
    for key in sorted(set(raw) - _COMMON_KEYS - _KIND_KEYS[family]):
        raise _Problem(f"unknown key {key!r}")
    rule = Rule(
        id=rule_id,
        kind=kind,
        languages=_strings(raw, "languages"),
        category=_enum(raw, "category", Category),
        severity=_enum(raw, "severity", Severity),
        confidence=_enum(raw, "confidence", Confidence),
        message=_string(raw, "message", required=True),
        source_file="",
        description=_string(raw, "description"),
        cwe=_string(raw, "cwe") or None,
        query=_string(raw, "query", required=family == "query") or None,
        report=_string(raw, "report", required=family == "query") or None,
        pattern=_string(raw, "pattern", required=family in ("regex", "secret")) or None,
        keywords=_strings(raw, "keywords"),
        entropy=_number(raw, "entropy"),
        secret_group=_string(raw, "secret_group") or None,
        checksum=_string(raw, "checksum") or None,
        names=_string(raw, "names") or None,
        diff_only=_bool(raw, "diff_only"),
        paths=_strings(raw, "paths"),
        exclude_paths=_strings(raw, "exclude_paths"),
        examples=_examples(raw.get("example")),
    )
    if check_regexes:
        _check_regexes(rule)
    if family == "literal-change" and not (rule.names or rule.pattern):
        raise _Problem("literal-change needs 'names' or 'pattern'")
    expects = {example.expect for example in rule.examples}
    if "match" not in expects:
        raise _Problem("needs at least one example with expect = 'match'")
    if "no-match" not in expects:
        raise _Problem("needs at least one example with expect = 'no-match'")
    return rule


def _check_regexes(rule: Rule) -> None:
    for key, value in (("pattern", rule.pattern), ("names", rule.names)):
        if value is None:
            continue
        try:
            compiled = compile_re2(value)
        except re2.error as exc:
            raise _Problem(f"{key} does not compile: {error_text(exc)}") from None
        group = rule.secret_group
        if (
            key == "pattern"
            and group
            and not (
                group in compiled.groupindex or (group.isdigit() and int(group) <= compiled.groups)
            )
        ):
            raise _Problem(f"secret_group {group!r} is not a group of the pattern")


def error_text(exc: Exception) -> str:
    """The message of a re2 (bytes) or other exception as text."""
    arg = exc.args[0] if exc.args else exc
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


def _string(raw: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise _Problem(f"missing {key!r}")
        return ""
    if not isinstance(value, str):
        raise _Problem(f"{key!r} must be a string")
    if required and not value.strip():
        raise _Problem(f"{key!r} must not be empty")
    return value


def _strings(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Problem(f"{key!r} must be a list of strings")
    return tuple(value)


def _bool(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _Problem(f"{key!r} must be true or false")
    return value


def _number(raw: Mapping[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Problem(f"{key!r} must be a number")
    return float(value)


def _enum(raw: Mapping[str, Any], key: str, enum: type[_E]) -> _E:
    value = _string(raw, key, required=True)
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(member.value for member in enum)
        raise _Problem(f"unknown {key} {value!r} (known: {known})") from None


def _examples(raw: object) -> tuple[Example, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise _Problem("'example' must be an array of tables ([[rule.example]])")
    return tuple(_example(item, number) for number, item in enumerate(raw, 1))


def _example(raw: Mapping[str, Any], number: int) -> Example:
    try:
        for key in sorted(set(raw) - _EXAMPLE_KEYS):
            raise _Problem(f"unknown key {key!r}")
        expect = _string(raw, "expect", required=True)
        if expect not in EXPECTS:
            raise _Problem(f"unknown expect {expect!r}")
        line = raw.get("line")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
            raise _Problem("'line' must be a positive integer")
        example = Example(
            expect=expect,
            code=_optional(raw, "code"),
            before=_optional(raw, "before"),
            after=_optional(raw, "after"),
            language=_optional(raw, "language"),
            path=_optional(raw, "path"),
            line=line,
        )
        if example.code is None and example.after is None and example.before is None:
            raise _Problem("needs 'code', or 'before' and 'after'")
        if example.code is not None and (example.before is not None or example.after is not None):
            raise _Problem("gives 'code' together with 'before'/'after'")
        return example
    except _Problem as problem:
        raise _Problem(f"example {number}: {problem}") from None


def _optional(raw: Mapping[str, Any], key: str) -> str | None:
    value = _string(raw, key)
    return value if key in raw else None
