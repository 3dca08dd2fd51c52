"""Small pieces every rule-built detector shares: scope, snippets, messages, findings."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pathspec

from integrity.detectors.base import FileView, LineIndex
from integrity.detectors.keywords import KeywordIndex
from integrity.model import Finding, matchable
from integrity.rules.schema import Rule

__all__ = [
    "SNIPPET_MAX",
    "LineIndex",
    "Scope",
    "format_message",
    "keyword_hit",
    "keywords_in",
    "lower_keywords",
    "make_finding",
    "run_index",
    "snippet",
    "symbol_at",
]

SNIPPET_MAX = 200
_CAPTURE_MAX = 100


@dataclass(frozen=True, slots=True)
class Scope:
    """Which files a rule applies to: its languages (empty = any) and path globs."""

    languages: frozenset[str]
    include: pathspec.PathSpec[Any] | None
    exclude: pathspec.PathSpec[Any] | None
    diff_only: bool = False

    @classmethod
    def of(cls, rule: Rule) -> Scope:
        """The scope a rule declares."""
        include = pathspec.PathSpec.from_lines("gitignore", rule.paths) if rule.paths else None
        exclude = (
            pathspec.PathSpec.from_lines("gitignore", rule.exclude_paths)
            if rule.exclude_paths
            else None
        )
        return cls(frozenset(rule.languages), include, exclude, rule.diff_only)

    def accepts(self, view: FileView) -> bool:
        """True when the view's language and path are in scope."""
        if view.after is None or (self.diff_only and view.added_lines is None):
            return False
        if self.languages and view.language not in self.languages:
            return False
        if self.include is not None and not self.include.match_file(matchable(view.path)):
            return False
        return self.exclude is None or not self.exclude.match_file(matchable(view.path))


def snippet(text: str) -> str:
    """Matched line(s) trimmed to one readable line of at most SNIPPET_MAX characters."""
    joined = " ".join(part.strip() for part in text.strip().splitlines() if part.strip())
    return joined if len(joined) <= SNIPPET_MAX else joined[: SNIPPET_MAX - 3] + "..."


class _Captures(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(template: str, captures: Mapping[str, str]) -> str:
    """The rule message with `{name}` replaced by capture texts (unknown names left as is)."""
    values = _Captures()
    for key, value in captures.items():
        flat = " ".join(value.split())
        values[key] = flat if len(flat) <= _CAPTURE_MAX else flat[: _CAPTURE_MAX - 3] + "..."
    try:
        return string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


def make_finding(
    rule: Rule,
    view: FileView,
    start_line: int,
    end_line: int,
    text: str,
    *,
    captures: Mapping[str, str] | None = None,
    symbol: str | None = None,
    details: Sequence[tuple[str, str]] = (),
) -> Finding:
    """A Finding carrying the rule's metadata (the engine fingerprints and scopes it)."""
    return Finding(
        rule_id=rule.id,
        category=rule.category,
        severity=rule.severity,
        confidence=rule.confidence,
        message=format_message(rule.message, captures or {}),
        path=view.path,
        start_line=start_line,
        end_line=max(start_line, end_line),
        symbol=symbol,
        change=view.change,
        snippet=snippet(text),
        details=tuple(details),
    )


def symbol_at(view: FileView, line: int) -> str | None:
    """The innermost recorded symbol spanning a line (from view.symbols), if any."""
    best = None
    for symbol in view.symbols:
        if symbol.start_line <= line <= symbol.end_line and (
            best is None or symbol.start_line >= best.start_line
        ):
            best = symbol
    return best.name if best is not None else None


def keyword_hit(data: bytes | None, keywords: Sequence[bytes]) -> bool:
    """True when no keywords are given, or one occurs in the data (ASCII case-insensitive).

    `keywords` must already be lowercased bytes (see `lower_keywords`).
    """
    if not keywords:
        return True
    lowered = (data or b"").lower()
    return any(keyword in lowered for keyword in keywords)


def keywords_in(
    view: FileView, keywords: Sequence[bytes], index: KeywordIndex | None = None
) -> bool:
    """`keyword_hit` on the view's `after` content: from the run's keyword index when given
    (one pass per file for every rule), else each keyword searched once per view."""
    if not keywords:
        return True
    if index is None:
        return any(map(view.has_keyword, keywords))
    return not index.present(view).isdisjoint(keywords)


def run_index(index: KeywordIndex | None, keywords: Sequence[bytes]) -> KeywordIndex | None:
    """The index when it knows every one of these keywords, else None (search them per view)."""
    return index if index is not None and index.covers(keywords) else None


def lower_keywords(keywords: Sequence[str]) -> tuple[bytes, ...]:
    """Rule keywords as lowercased UTF-8 bytes for `keyword_hit`."""
    return tuple(keyword.lower().encode("utf-8") for keyword in keywords)
