"""Per-file pattern selection for a language's combined query, and its compiled variants.

`PatternNeeds` answers which patterns can match in a file: those of the rules active for it
whose needed literals (`requirements.pattern_needs`) all occur in it, found with one hyperscan
pass. `Variants` compiles a query holding just those patterns, once per distinct set seen often
enough to pay for its compilation (a few milliseconds); a rarer set runs the smallest compiled
superset, its other patterns' matches dropped by the caller. Both belong to one QueryBundle.
"""

from __future__ import annotations

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.keywords import KeywordIndex
from integrity.detectors.requirements import FOLD_RISKS, Needs, pattern_needs
from integrity.rules.queries import LanguageQuery

__all__ = ["PatternNeeds", "Variants"]

_COMPILE_AFTER = 3
"""Requests of one pattern set before its own query is compiled."""
_MAX_VARIANTS = 48


class PatternNeeds:
    """What each pattern of a combined query needs in a file, and an index to test it."""

    def __init__(self, compiled: LanguageQuery) -> None:
        calls = compiled.predicates
        texts = compiled.texts
        self._needs: tuple[Needs, ...] = tuple(
            pattern_needs(text, pattern) for text, pattern in zip(texts, calls, strict=True)
        )
        self._owners = compiled.owners
        words = {word for needs in self._needs for group in needs for word in group}
        self._index = KeywordIndex([*words, *FOLD_RISKS])

    def patterns(self, view: FileView, active: frozenset[str]) -> frozenset[int]:
        """Indexes of the patterns of active rules that may match in the view."""
        owners = self._owners
        present = self._index.present(view)
        if not present.isdisjoint(FOLD_RISKS):  # re2 may fold these to ASCII letters
            return frozenset(i for i, rule in enumerate(owners) if rule in active)
        return frozenset(
            i
            for i, (rule, needs) in enumerate(zip(owners, self._needs, strict=True))
            if rule in active and all(not group.isdisjoint(present) for group in needs)
        )


class Variants:
    """Compiled queries holding some patterns of a combined query, keyed by pattern set."""

    def __init__(self, compiled: LanguageQuery) -> None:
        self._compiled = compiled
        self._built: dict[frozenset[int], tuple[tree_sitter.Query, tuple[int, ...]]] = {}
        self._asked: dict[frozenset[int], int] = {}

    def get(self, patterns: frozenset[int]) -> tuple[tree_sitter.Query, tuple[int, ...] | None]:
        """A query running at least these patterns, and the combined index of each of its
        patterns (None: the combined query itself)."""
        built = self._built.get(patterns)
        if built is not None:
            return built
        asked = self._asked[patterns] = self._asked.get(patterns, 0) + 1
        language = self._compiled.language
        if asked >= _COMPILE_AFTER and len(self._built) < _MAX_VARIANTS:
            numbers = tuple(sorted(patterns))
            text = "\n".join(self._compiled.texts[i] for i in numbers)
            try:
                query = tree_sitter.Query(language, text)
            except (tree_sitter.QueryError, ValueError):
                return self._compiled.query, None
            if query.pattern_count == len(numbers):
                built = self._built[patterns] = (query, numbers)
                return built
        best: tuple[tree_sitter.Query, tuple[int, ...]] | None = None
        for key, variant in self._built.items():
            if patterns <= key and (best is None or len(variant[1]) < len(best[1])):
                best = variant
        if best is not None:
            return best
        return self._compiled.query, None
