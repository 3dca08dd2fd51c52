"""One detector standing for many rule detectors, handing each file only to those of its language.

The engine asks every detector whether it wants each file: with one detector per rule, a file
in C is offered to every Python, PHP, Go ... rule too (hundreds of thousands of `wants` calls
over a tree). `ByLanguage` groups the members by the languages their rules name (a rule naming
none applies to every file) and offers a file to its language's members only, in rule order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from integrity.detectors.base import Detector, FileView
from integrity.model import Finding
from integrity.rules.schema import Rule

__all__ = ["ByLanguage", "RuleDetector"]


class RuleDetector(Detector, Protocol):
    """A detector built from one rule, which it exposes."""

    rule: Rule


class ByLanguage:
    """Members grouped by language; findings are theirs (their rule ids)."""

    def __init__(self, name: str, members: Sequence[RuleDetector]) -> None:
        self._name = name
        named = {language for member in members for language in member.rule.languages}
        self._any = tuple(member for member in members if not member.rule.languages)
        self._by_language = {
            language: tuple(
                member
                for member in members
                if not member.rule.languages or language in member.rule.languages
            )
            for language in named
        }

    @property
    def rule_id(self) -> str:
        """A name for the group (its findings carry their own rules' ids)."""
        return self._name

    def _for(self, view: FileView) -> tuple[RuleDetector, ...]:
        language = view.language
        if language is None:
            return self._any
        return self._by_language.get(language, self._any)

    def wants(self, view: FileView) -> bool:
        """Some member may apply to the view's language."""
        return bool(self._for(view))

    def detect(self, view: FileView) -> Iterator[Finding]:
        """The findings of each member of the view's language that wants the view."""
        for member in self._for(view):
            if member.wants(view):
                yield from member.detect(view)
