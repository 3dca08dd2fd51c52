"""The generic regex detector (kind = "regex"): re2 over the text, keyword prefilter, entropy."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

from integrity.detectors.base import FileView
from integrity.detectors.common import (
    Scope,
    keywords_in,
    lower_keywords,
    make_finding,
    run_index,
    symbol_at,
)
from integrity.detectors.keywords import KeywordIndex
from integrity.model import Finding
from integrity.rules.schema import Rule, compile_re2

MAX_PER_FILE = 50


def shannon_entropy(data: str | bytes) -> float:
    """Bits per symbol of a string or byte string (0.0 when empty)."""
    if not data:
        return 0.0
    counts = Counter(data)
    total = len(data)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


class RegexDetector:
    """Reports every match of the rule's pattern (first `MAX_PER_FILE` per file).

    With `entropy`, a match is kept only when the text of its `payload` group (or the whole match)
    reaches that many bits per character.
    """

    def __init__(self, rule: Rule, keywords: KeywordIndex | None = None) -> None:
        self.rule = rule
        self._regex: Any = compile_re2(rule.pattern or "")
        self._scope = Scope.of(rule)
        self._keywords = lower_keywords(rule.keywords)
        self._index = run_index(keywords, self._keywords)
        self._group: str | int = "payload" if "payload" in self._regex.groupindex else 0

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """In scope by language and path, and one of the keywords occurs."""
        return self._scope.accepts(view) and keywords_in(view, self._keywords, self._index)

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per match."""
        if view.is_utf8() and self._regex.search(view.after or b"") is None:
            return  # the text encodes back to these very bytes: no match here, none there
        text = view.text("replace")  # re2 needs valid UTF-8
        index = view.line_index("replace")
        count = 0
        for match in self._regex.finditer(text):
            if self.rule.entropy is not None:
                part = match.group(self._group) or match.group(0)
                if shannon_entropy(part) < self.rule.entropy:
                    continue
            start = index.line(match.start())
            end = index.line(max(match.start(), match.end() - 1))
            captures = {k: v for k, v in match.groupdict().items() if v is not None}
            captures.setdefault("match", match.group(0))
            yield make_finding(
                self.rule,
                view,
                start,
                end,
                index.lines(start, min(end, start + 2)),
                captures=captures,
                symbol=symbol_at(view, start),
            )
            count += 1
            if count >= MAX_PER_FILE:
                return
