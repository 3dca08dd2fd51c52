"""find_checks locates macro calls exactly as word-bounded, case-folded regexes would."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.detectors.build_programs import find_checks

PROGRAM = "AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <x.h>]], [[int v = 1;]])])\n"
_REFERENCE_AC = re.compile(r"\b(AC_(?:COMPILE|LINK|RUN)_IFELSE|AC_TRY_(?:COMPILE|LINK|RUN))\s*\(")


def test_word_boundary_before_the_macro() -> None:
    assert [c.macro for c in find_checks(PROGRAM)] == ["AC_COMPILE_IFELSE"]
    assert find_checks("X" + PROGRAM) == []
    assert find_checks("_" + PROGRAM) == []
    assert find_checks("\u00e9" + PROGRAM) == []  # a Unicode letter is a word character too
    assert [c.macro for c in find_checks("dnl\n" + PROGRAM)] == ["AC_COMPILE_IFELSE"]


def test_cmake_calls_found_through_case_folding() -> None:
    call = 'check_c_\u017fource_compiles("int main(void) { return 0; }" HAVE_X)\n'
    (check,) = find_checks(call)  # re's IGNORECASE matches U+017F for "s"
    assert check.language == "c"
    assert find_checks(call.replace("\u017f", "s"))[0].program == check.program


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["AC_", "TRY_", "COMPILE", "_IFELSE", "LINK", "x", "_", " ", "("]),
        max_size=14,
    )
)
def test_same_calls_as_the_word_bounded_regex(parts: list[str]) -> None:
    text = "".join(parts)
    starts = [c.start for c in find_checks(text + " " + PROGRAM)]
    reference = [m.start() for m in _REFERENCE_AC.finditer(text + " " + PROGRAM)]
    assert set(starts) <= set(reference)
    assert len(text) + 1 in starts
