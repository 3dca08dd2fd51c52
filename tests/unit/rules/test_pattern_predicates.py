"""General predicates read from pattern text agree with what tree-sitter hands a callback."""

from __future__ import annotations

from typing import Literal

import tree_sitter
import tree_sitter_c
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.rules.pattern_predicates import PredicateCall, general_predicates
from integrity.rules.predicates import Predicates, bytes_search
from integrity.rules.queries import compile_language
from integrity.rules.schema import compile_re2

C = tree_sitter.Language(tree_sitter_c.language())
SOURCE = b'int check_auth(char *pw) { if (strcmp(pw, "letmein!") == 0) return 1; return 0; }\n'


def test_reads_captures_strings_escapes_and_skips_native_predicates() -> None:
    text = (
        '((call_expression function: (identifier) @fn) @call ; a comment (#inside? @x "no")\n'
        ' (#any-of? @fn "strcmp" "memcmp")\n'
        ' (#re2-match? @fn "^str\\\\w+\\"\\n")\n'
        " (#in-condition? @call)\n"
        " (#custom? @fn bare-word))"
    )
    assert general_predicates(text) == (
        PredicateCall("re2-match?", (("fn", "capture"), ('^str\\w+"\n', "string"))),
        PredicateCall("in-condition?", (("call", "capture"),)),
        PredicateCall("custom?", (("fn", "capture"), ("bare-word", "string"))),
    )


def test_parsed_predicates_equal_the_callback_arguments() -> None:
    query_text = (
        "((call_expression function: (identifier) @fn arguments: (argument_list (_) @a"
        ' (string_literal) @lit)) @call (#eq? @fn "strcmp") (#match? @lit "\\"[a-z]+!\\"")'
        ' (#inside? @call "(?i)auth"))'
    )
    compiled = compile_language(C, [("rule-a", query_text), ("rule-b", "((identifier) @id)")])
    assert compiled.owners == ("rule-a", "rule-b")
    tree = tree_sitter.Parser(C).parse(SOURCE)
    seen: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def record(
        predicate: str,
        args: list[tuple[str, Literal["capture", "string"]]],
        pattern_index: int,
        captures: dict[str, list[tree_sitter.Node]],
    ) -> bool:
        seen.append((predicate, tuple(args)))
        return True

    tree_sitter.QueryCursor(compiled.query).matches(tree.root_node, record)
    assert seen
    expected = {(call.name, call.args) for call in compiled.predicates[0]}
    assert set(seen) == expected
    assert compiled.predicates[1] == ()
    # cheap text tests first
    assert [call.name for call in compiled.predicates[0]] == ["re2-match?", "inside?"]


def test_filtering_after_the_query_keeps_what_the_callback_kept() -> None:
    query_text = (
        "((call_expression function: (identifier) @fn arguments: (argument_list (_) @a"
        ' (string_literal) @lit)) @call (#match? @lit "^\\"[a-z]+!\\"$")'
        ' (#inside? @call "(?i)auth"))'
        ' ((call_expression function: (identifier) @fn) @call (#inside? @call "nothing"))'
    )
    compiled = compile_language(C, [("rule", query_text)])
    tree = tree_sitter.Parser(C).parse(SOURCE)
    predicates = Predicates()
    with_callback = tree_sitter.QueryCursor(compiled.query).matches(tree.root_node, predicates)
    after = [
        (index, captures)
        for index, captures in tree_sitter.QueryCursor(compiled.query).matches(tree.root_node)
        if predicates.accepts(compiled.predicates[index], captures, SOURCE)
    ]
    assert [(i, sorted(c)) for i, c in after] == [(i, sorted(c)) for i, c in with_callback]
    assert len(after) == 1
    assert after[0][1]["lit"][0].text == b'"letmein!"'


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.sampled_from(
        ["getenv\\s*\\(", "^\\{?\\s*return\\s+1;", "(?i)pass|pwd", "\\bx$", "é+", "", "a\\b"]
    ),
    data=st.binary(max_size=40)
    | st.text(alphabet="getnv( \t{}return1;PASSwdxé\n", max_size=30).map(str.encode),
)
def test_bytes_search_agrees_with_the_wrapper(pattern: str, data: bytes) -> None:
    regex = compile_re2(pattern)
    assert bytes_search(regex)(data) == (regex.search(data) is not None)


def test_without_disables_only_the_named_rules_patterns() -> None:
    compiled = compile_language(
        C, [("calls", "((call_expression) @c)"), ("ids", "((identifier) @i)")]
    )
    tree = tree_sitter.Parser(C).parse(SOURCE)
    full = tree_sitter.QueryCursor(compiled.query).matches(tree.root_node)
    reduced = compiled.without(frozenset({"ids"}))
    assert reduced is not compiled.query
    kept = tree_sitter.QueryCursor(reduced).matches(tree.root_node)
    assert {compiled.owners[i] for i, _ in full} == {"calls", "ids"}
    assert [(i, c["c"][0].start_byte) for i, c in kept] == [
        (i, c["c"][0].start_byte) for i, c in full if compiled.owners[i] == "calls"
    ]
    assert compiled.without(frozenset({"other"})) is compiled.query
    # the shared query itself is untouched
    assert len(tree_sitter.QueryCursor(compiled.query).matches(tree.root_node)) == len(full)


def test_checks_answer_as_accepts() -> None:
    query_text = (
        "((call_expression function: (identifier) @fn arguments: (argument_list (_) @a"
        ' (string_literal) @lit)) @call (#match? @lit "^\\"[a-z]+!\\"$")'
        ' (#not-match? @a "^x") (#inside? @call "(?i)auth") (#other? @a "b"))'
        ' ((call_expression) @call (#not-match? @call "strcmp") (#in-condition? @call))'
        ' ((argument_list (number_literal)* @n) @args (#not-match? @n "7"))'
    )
    compiled = compile_language(C, [("rule", query_text)])
    tree = tree_sitter.Parser(C).parse(SOURCE)
    predicates = Predicates()
    seen = []
    for index, captures in tree_sitter.QueryCursor(compiled.query).matches(tree.root_node):
        checks = predicates.checks(compiled.predicates[index])
        verdict = all(check(captures, SOURCE) for check in checks)
        assert verdict == predicates.accepts(compiled.predicates[index], captures, SOURCE)
        seen.append((index, verdict))
    assert (0, True) in seen and (1, False) in seen
    assert any(index == 2 for index, _ in seen)
    # `#other?` always holds and is dropped; the three of ours are kept
    assert len(predicates.checks(compiled.predicates[0])) == 3
