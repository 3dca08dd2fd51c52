"""The tree scan's shortcuts agree with the slow definitions they replace."""

from __future__ import annotations

import pytest

from integrity.syntax.languages import Grammars
from integrity.syntax.literals import string_may_pin, strings_may_pin
from integrity.syntax.names import is_direct
from integrity.syntax.specs import SPECS
from integrity.syntax.symbols import scan_tree

SNIPPETS = {
    "c": 'int x = 5; char *s = "abc"; int t[] = {1, 2}; enum { A = 3 };\n'
    'void f(void) { x = 7; g(8, "q"); struct p q = { .a = 9, .b = {1, 2} }; }\n',
    "python": 'X = 5\nS = "abc"\nT = [1, 2]\nf(k=3)\nd = {"a": 4}\ny += 6\ng(7, "q")\n',
    "javascript": 'const x = 5; let s = "abc"; var t = [1, 2]; o = {a: 3}; f(7, "q");\n',
    "go": 'package m\nconst X = 5\nvar s = "abc"\nfunc f() { a, b := 1, 2; g(7, "q") }\n',
    "java": 'class A { int x = 5; String s = "abc"; int[] t = {1, 2}; void f() { g(8); } }\n',
    "rust": 'const X: u32 = 5; static S: &str = "abc"; fn f() { let t = [1, 2]; g(7); }\n',
    "ruby": 'X = 5\ns = "abc"\nt = [1, 2]\nh = { a: 3 }\nf(7, "q")\n',
    "php": '<?php $x = 5; $s = "abc"; $t = [1, 2]; const C = 3; f(7, "q");\n',
    "bash": 'X=5\nS="abc"\nT=(1 2)\necho 7 "q"\n',
    "csharp": 'class A { int x = 5; string s = "abc"; void F() { x = 7; G(8, "q"); } }\n',
}


@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_direct_captures_match_the_parent_test(language: str) -> None:
    data = SNIPPETS[language].encode()
    grammars = Grammars()
    tree = grammars.parse(language, data)
    assert tree is not None
    scan = scan_tree(language, tree, data, grammars)
    assert scan is not None
    literals = (*scan.numbers, *scan.strings, *scan.tables)
    assert literals
    assert [n.id in scan.direct for n in literals] == [is_direct(n) for n in literals]
    assert any(n.id in scan.direct for n in literals)
    assert any(n.id not in scan.direct for n in literals)


def test_every_spec_query_compiles() -> None:
    grammars = Grammars()
    for language, spec in SPECS.items():
        assert grammars.query(language, spec.query) is not None, language


def test_strings_may_pin_is_string_may_pin_on_each() -> None:
    parts = [
        '"0123456789abcdef0"',
        '"\\x41\\x42"',
        '"' + "1" * 39 + '"',
        '"expand 32-byte k"',
        '"short"',
        '"\\xZZ and \\x4"',
        '"de:ad:be:ef"',
    ]
    data = ";".join(parts).encode()
    spans, at = [], 0
    for part in parts:
        spans.append((at, at + len(part), None))
        at += len(part) + 1
    for lengths in (frozenset(), frozenset({16})):
        expected = [i for i, (s, e, _) in enumerate(spans) if string_may_pin(data[s:e], lengths)]
        assert strings_may_pin(data, spans, lengths) == expected
    assert strings_may_pin(data, spans, frozenset({16})) == [0, 1, 2, 3]
