"""Confusable identifiers found by filtering query matches equal the predicate-callback result."""

from __future__ import annotations

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.confusables import ConfusableIdentifierDetector
from integrity.rules.load import default_signatures_dir, load_rules
from integrity.syntax.languages import Grammars

SOURCE = (
    "def check(p\u0430ssword, admin):\n"
    "    \u0430dmin = admin\n"
    "    caf\u00e9 = 1\n"
    "    obj.p\u0430ss = \u0430dmin\n"
    "    return p\u0430ssword == 'x'\n"
).encode()


def test_filtered_matches_equal_callback_captures_and_findings_are_located() -> None:
    ruleset = load_rules(default_signatures_dir())
    rule = next(r for r in ruleset.rules if r.kind == "builtin:confusable-identifier")
    grammars = Grammars()
    detector = ConfusableIdentifierDetector(rule, grammars)
    tree = grammars.parse("python", SOURCE)
    assert tree is not None
    query = detector._queries["python"]
    with_callback = tree_sitter.QueryCursor(query).captures(tree.root_node, detector._predicates)
    filtered = [
        node
        for _, captures in tree_sitter.QueryCursor(query).matches(tree.root_node)
        if detector._predicates.accepts(detector._calls, captures, SOURCE)
        for node in captures.get("id", [])
    ]
    spans = [(n.start_byte, n.end_byte) for n in with_callback["id"]]
    assert sorted(spans) == sorted((n.start_byte, n.end_byte) for n in filtered)
    assert len(spans) == 6  # every non-ASCII identifier occurrence, and nothing else
    view = FileView(path="auth.py", language="python", after=SOURCE, tree=tree)
    lines = [f.start_line for f in detector.detect(view)]
    assert lines == [1, 2, 4, 4, 5]  # café is an honest name; the Cyrillic look-alikes are not
