"""The typed form of one rule of signatures/*.toml (validation lives in the loader).

Kinds: "query" (tree-sitter query), "regex" (regex over text or literal tokens),
"literal-change" (before/after constant change), "secret" (credential formats, compiled together
into one multi-pattern database by the secrets detector), "builtin:<name>" (coded detectors that
still carry their metadata and examples here).
"""

from __future__ import annotations

from dataclasses import dataclass

from integrity.model import Category, Confidence, Severity


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
    paths: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def builtin(self) -> str | None:
        """The coded detector's name for kind "builtin:<name>", else None."""
        return self.kind.split(":", 1)[1] if self.kind.startswith("builtin:") else None
