"""builtin:confusable-identifier: identifiers that read as one name and compile as another.

Only identifiers holding non-ASCII letters are looked at (a tree-sitter query finds them).
One is reported when it mixes Latin with another script through look-alike characters
(`p\u0430ssword` with a Cyrillic a), or when it is written entirely in look-alikes of an ASCII
identifier that also occurs in the file (`\u0430dmin` next to `admin`). The look-alike data
comes from confusable-homoglyphs (Unicode's confusables.txt); nothing is hand-written here.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.common import Scope, make_finding
from integrity.model import Finding
from integrity.rules.pattern_predicates import PredicateCall, general_predicates
from integrity.rules.predicates import Predicates, function_name
from integrity.rules.schema import Rule
from integrity.syntax.languages import QUERY_START_DEPTH, Grammars

_IDENTIFIER_KINDS = (
    "identifier",
    "property_identifier",
    "field_identifier",
    "type_identifier",
    "shorthand_property_identifier",
    "shorthand_property_identifier_pattern",
    "private_property_identifier",
    "package_identifier",
    "statement_identifier",
    "constant",
    "name",
    "word",
    "variable_name",
)


class ConfusableIdentifierDetector:
    """Reports identifiers that are confusable with Latin names."""

    def __init__(self, rule: Rule, grammars: Grammars) -> None:
        self.rule = rule
        self._scope = Scope.of(rule)
        self._predicates = Predicates()
        self._queries: dict[str, tree_sitter.Query] = {}
        self._calls: tuple[PredicateCall, ...] = ()
        for language in rule.languages:
            lang = grammars.language(language)
            if lang is None:
                continue
            kinds = [k for k in _IDENTIFIER_KINDS if lang.id_for_node_kind(k, True)]
            if kinds:
                alternatives = " ".join(f"({kind})" for kind in kinds)
                text = f'([{alternatives}] @id (#re2-match? @id "[^\\\\x00-\\\\x7F]"))'
                self._queries[language] = tree_sitter.Query(lang, text)
                self._calls = general_predicates(text)

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """A parsed file holding non-ASCII bytes."""
        return (
            view.tree is not None
            and view.language in self._queries
            and self._scope.accepts(view)
            and not (view.after or b"").isascii()
        )

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per confusable identifier occurrence."""
        if view.tree is None or view.language not in self._queries:
            return
        query = self._queries[view.language]
        cursor = tree_sitter.QueryCursor(query)
        cursor.set_max_start_depth(QUERY_START_DEPTH)
        # no predicate callback (slow, and leaks in tree-sitter 0.26.1): filter the matches
        source = view.after or b""
        accepts = self._predicates.accepts
        found = [
            node
            for _, captures in cursor.matches(view.tree.root_node)
            if accepts(self._calls, captures, source)
            for node in captures.get("id", [])
        ]
        if not found:
            return
        text = view.text()
        index = view.line_index()
        for node in sorted(found, key=lambda n: n.start_byte):
            name = (node.text or b"").decode("utf-8", "replace")
            reason = confusable_reason(name, text)
            if reason is None:
                continue
            line = node.start_point[0] + 1
            yield make_finding(
                self.rule,
                view,
                line,
                line,
                index.lines(line, line),
                captures={"name": ascii(name)[1:-1], "reason": reason},
                symbol=function_name(node),
                details=(("reason", reason),),
            )


def confusable_reason(name: str, text: str) -> str | None:
    """Why an identifier is confusable, or None when it is an honest non-ASCII name."""
    from confusable_homoglyphs import categories, confusables  # imported on first use: ~25 ms

    scripts = {categories.alias(ch) for ch in name if ch.isalpha()} - {"COMMON"}
    lookalikes = confusables.is_confusable(name, preferred_aliases=["latin"], greedy=True)
    if not lookalikes:
        return None
    if "LATIN" in scripts and len(scripts) > 1:
        return "mixes Latin with " + "/".join(sorted(scripts - {"LATIN"})) + " look-alikes"
    skeleton = name
    for item in lookalikes:
        homoglyphs = item.get("homoglyphs") or []
        if homoglyphs:
            skeleton = skeleton.replace(str(item["character"]), str(homoglyphs[0]["c"]))
    if skeleton != name and skeleton.isascii() and _occurs(skeleton, text):
        return f"looks like the identifier {skeleton!r} used in the same file"
    return None


def _occurs(word: str, text: str) -> bool:
    start = text.find(word)
    while start != -1:
        before = text[start - 1] if start else " "
        end = start + len(word)
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(word, start + 1)
    return False
