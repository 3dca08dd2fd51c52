"""Candidates marked `worth` skip pin's prefilter: each must pass it in every context, with and
without the registry, so that skipping it changes nothing. Includes the odd cases where a
literal's first byte misleads the prefilter (a heredoc body opening with a digit, `.5`)."""

from __future__ import annotations

import pytest

from integrity.syntax.constants import ConstantRegistry, load_registry
from integrity.syntax.extract import Candidate, _worth_making, token_candidates, tree_candidates
from integrity.syntax.languages import Grammars
from integrity.syntax.symbols import scan_tree
from integrity.syntax.tokens import regex_ranges

_HEX = "0123456789abcdef" * 2

_SOURCES: dict[str, bytes] = {
    "c": (
        '#define A 7\n#define B 1234567\n#define C "' + _HEX + '"\n'
        "static const unsigned T[] = {0x1, 0x2, 0x3};\n"
        'int f(void) { int x = 12; long y = 123456789; char *s = "' + _HEX + '";\n'
        "  return x + 3 + y + s[0]; }\n"
    ).encode(),
    "bash": (
        "x=1234567\ncat <<EOF\n123\nEOF\ncat <<EOF\n" + _HEX + '\nEOF\ny="' + _HEX + '"\n'
    ).encode(),
    "javascript": (
        "const a = .1234567; const b = 1234567; const c = 42; const d = '" + _HEX + "';\n"
    ).encode(),
    "python": ('X = 1234567\nY = 12\nZ = "' + _HEX + '"\nW = [1, 2, 3]\n').encode(),
}


@pytest.fixture(scope="module")
def registry() -> ConstantRegistry:
    return load_registry()


def _candidates(language: str, data: bytes, sizes: frozenset[int]) -> list[Candidate]:
    grammars = Grammars()
    tree = grammars.parse(language, data)
    assert tree is not None
    scan = scan_tree(language, tree, data, grammars)
    assert scan is not None
    found = tree_candidates(scan, data, language in ("c", "bash"), sizes)
    return found + token_candidates(regex_ranges(language, data), data, sizes)


@pytest.mark.parametrize("language", sorted(_SOURCES))
def test_worth_candidates_pass_the_prefilter_anywhere(
    language: str, registry: ConstantRegistry
) -> None:
    for reg in (None, registry):
        sizes = reg.text_lengths() if reg is not None else frozenset()
        found = _candidates(language, _SOURCES[language], sizes)
        marked = [c for c in found if c.worth]
        assert marked, f"{language}: no candidate skips the prefilter"
        for cand in marked:
            for context in (False, True):
                assert _worth_making(cand, context, reg, sizes), (language, cand.raw, context)


def test_digit_led_strings_and_dot_numbers_keep_the_prefilter(registry: ConstantRegistry) -> None:
    sizes = registry.text_lengths()
    bash = _candidates("bash", _SOURCES["bash"], sizes)
    assert all(not c.worth for c in bash if c.raw[:1].isdigit() and len(c.raw) < 7)
    js = _candidates("javascript", _SOURCES["javascript"], sizes)
    dotted = [c for c in js if c.raw.startswith(b".")]
    assert dotted and not any(c.worth for c in dotted)
    long_number = [c for c in js if c.raw == b"1234567"]
    assert long_number and all(c.worth for c in long_number)
