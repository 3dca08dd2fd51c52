"""Literals a query pattern needs in a file, and the per-file pattern selection built on them."""

from __future__ import annotations

import pytest
import re2
import tree_sitter
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.detectors.base import FileView
from integrity.detectors.query import build_bundles
from integrity.detectors.requirements import pattern_needs, regex_needs
from integrity.detectors.variants import PatternNeeds, Variants
from integrity.rules.load import load_rules
from integrity.rules.pattern_predicates import general_predicates
from integrity.rules.predicates import Predicates
from integrity.rules.queries import QueryProblem, compile_language, prepare
from integrity.syntax.languages import Grammars


def test_regex_needs_literal_runs_and_alternations() -> None:
    assert regex_needs(r"\bgetenv\s*\(") == (frozenset({b"getenv"}),)
    assert regex_needs(r"(?i)Passw|PWD|secret") == (frozenset({b"passw", b"pwd", b"secret"}),)
    # every part of a sequence is needed; one-character literals say nothing
    assert set(regex_needs(r"tm_year\s*[<>]\s*1[2-9]|x")) == set()
    assert set(regex_needs(r"foo.*bar")) == {frozenset({b"foo"}), frozenset({b"bar"})}


def test_regex_needs_optional_parts_need_nothing() -> None:
    assert regex_needs(r"(getenv)?x") == ()
    assert regex_needs(r"(getenv)*") == ()
    assert regex_needs(r"(getenv)+") == (frozenset({b"getenv"}),)
    # a branch without a usable literal makes the whole alternation need nothing
    assert regex_needs(r"getenv|\d+") == ()


def test_regex_needs_gives_up_on_what_it_cannot_read() -> None:
    assert regex_needs(r"^(?i)_*system$") == ()  # a global flag mid-pattern: re refuses it
    # non-ASCII literals are not tested on lowered bytes: the ASCII part before one still is
    assert regex_needs("caf\u00e9") == (frozenset({b"caf"}),)
    assert regex_needs("\u212a\u00e9") == ()


def test_regex_needs_expands_small_classes_and_optional_parts() -> None:
    assert regex_needs(r"(?i)[ug]id$") == (frozenset({b"uid", b"gid"}),)
    assert regex_needs(r"authori[sz]ed") == (frozenset({b"authorised", b"authorized"}),)
    assert regex_needs(r"passw(?:or)?d") == (frozenset({b"passwd", b"password"}),)
    # a word holding another adds nothing: (e|s)?uid needs just "uid"
    assert regex_needs(r"\b(e|s)?uid\b") == (frozenset({b"uid"}),)
    assert regex_needs(r"[a-z]id") == (frozenset({b"id"}),)  # a wide class ends the run


_PATTERNS = [
    r"(?i)passw|pwd|passphrase|(^|[^a-z])pw([^a-z]|$)",
    r"\bgetenv\s*\(|\brecv\s*\(|user_?agent|http_",
    r"^\"(/usr)?(/bin/)?(ba|k|z)?sh\"$",
    r"\b(unlink|remove)\s*\(.*(time|uname)\s*\(",
]
_FRAGMENTS = [
    "passw",
    "PWD",
    "pw",
    "getenv",
    "recv",
    "(",
    " ",
    '"',
    "/bin/",
    "sh",
    "user",
    "agent",
    "_",
    "http",
    "unlink",
    "time",
    "uname",
    "x",
    "Z",
    "\u017f",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), st.lists(st.sampled_from(_FRAGMENTS), max_size=12))
def test_regex_needs_never_rejects_a_text_the_regex_matches(pattern: str, parts: list[str]) -> None:
    text = "".join(parts).encode("utf-8")
    needs = regex_needs(pattern)
    if re2.search(pattern, text) is not None and b"\xc5\xbf" not in text:
        lowered = text.lower()
        assert all(any(word in lowered for word in group) for group in needs)


def test_pattern_needs_counts_only_certain_captures() -> None:
    text = (
        "((call_expression function: (identifier) @fn arguments: (argument_list . (_)? @arg)) @c"
        ' (#any-of? @fn "system" "popen")'
        ' (#re2-match? @arg "getenv")'
        ' (#re2-match? @c "needle"))'
    )
    needs = pattern_needs(text, general_predicates(text))
    # @arg is optional: its predicate may hold on no node at all
    assert needs == (frozenset({b"system", b"popen"}), frozenset({b"needle"}))


def test_pattern_needs_read_string_escapes_as_tree_sitter_does() -> None:
    """`\\t` in a query string is a tab for tree-sitter; reading it as `t` would require a
    literal no matching file holds, and filter the pattern out of the files it matches."""
    text = '((string_literal) @s (#eq? @s "\\"a\\tb\\""))'
    assert pattern_needs(text, general_predicates(text)) == (frozenset({b'"a\tb"'}),)
    language = Grammars().language("c")
    assert language is not None
    compiled = compile_language(language, [("rule", text)])
    source = b'char *x = "a\tb";'
    tree = tree_sitter.Parser(language).parse(source)
    assert len(tree_sitter.QueryCursor(compiled.query).matches(tree.root_node)) == 1
    view = FileView(path="x.c", language="c", after=source)
    assert PatternNeeds(compiled).patterns(view, frozenset({"rule"})) == frozenset({0})


def test_pattern_needs_alternations_and_strings() -> None:
    text = (
        '([(a) @x (b) @y] (c) @z ; "(d) @w"\n'
        ' (#re2-match? @x "alpha") (#re2-match? @z "gamma") (#re2-match? @y "beta"))'
    )
    assert pattern_needs(text, general_predicates(text)) == (frozenset({b"gamma"}),)


def test_pattern_selection_follows_the_file() -> None:
    grammars = Grammars()
    language = grammars.language("c")
    assert language is not None
    compiled = compile_language(
        language,
        [
            ("r1", '((call_expression) @c (#match? @c "getenv"))'),
            ("r2", '((call_expression) @c (#match? @c "(?i)secret"))'),
        ],
    )
    needs = PatternNeeds(compiled)
    both = frozenset({"r1", "r2"})

    def view(data: bytes) -> FileView:
        return FileView(path="a.c", language="c", after=data)

    assert needs.patterns(view(b"getenv(x);"), both) == frozenset({0})
    assert needs.patterns(view(b"getenv(SECRET);"), both) == frozenset({0, 1})
    assert needs.patterns(view(b"getenv(SECRET);"), frozenset({"r2"})) == frozenset({1})
    assert needs.patterns(view(b"nothing here"), both) == frozenset()
    # re2 folds U+017F to 's' under (?i): such a file keeps every pattern of its active rules
    assert needs.patterns(view("f(\u017fecret);".encode()), both) == frozenset({0, 1})


def test_variants_run_the_same_patterns_as_the_combined_query() -> None:
    grammars = Grammars()
    language = grammars.language("c")
    assert language is not None
    parts = [
        ("r1", "((call_expression function: (identifier) @f) @c)"),
        ("r2", "((return_statement) @r)"),
        ("r3", "((number_literal) @n)"),
    ]
    compiled = compile_language(language, parts)
    assert compiled.texts[1].strip() == prepare(parts[1][1])
    tree = grammars.parse("c", b"int f(void) { g(1); return 2; }")
    assert tree is not None
    variants = Variants(compiled)
    wanted = frozenset({0, 2})
    results = []
    for _ in range(4):  # superset (the combined query) first, its own variant once asked enough
        query, numbers = variants.get(wanted)
        found = [
            (
                numbers[p] if numbers is not None else p,
                sorted(n.start_byte for v in c.values() for n in v),
            )
            for p, c in tree_sitter.QueryCursor(query).matches(tree.root_node)
        ]
        results.append([item for item in found if item[0] in wanted])
        if numbers is not None:
            assert set(numbers) >= wanted
    assert all(result == results[0] for result in results)
    assert variants.get(wanted)[1] == (0, 2)
    assert sorted(p for p, _ in results[0]) == [0, 2, 2]  # g(1); the numbers 1 and 2


def test_bundle_selection_on_rule_set_examples_keeps_matches() -> None:
    """Every C query rule's examples: the bundle finds the same matches as the full query."""
    ruleset = load_rules(None)
    grammars = Grammars()
    bundles = build_bundles(ruleset.rules, ruleset.queries)
    bundle = bundles["c"]
    compiled = ruleset.queries["c"]
    checks = [Predicates().checks(calls) for calls in compiled.predicates]
    for rule in ruleset.rules:
        if rule.kind != "query" or "c" not in rule.languages or rule.diff_only:
            continue
        for example in rule.examples:
            data = (example.code or "").encode("utf-8")
            tree = grammars.parse("c", data)
            assert tree is not None
            view = FileView(path="x.c", language="c", after=data, tree=tree)
            got = [
                sorted((n.start_byte, n.end_byte) for v in c.values() for n in v)
                for c in bundle.matches(view, tree, rule.id)
            ]
            full = [
                sorted((n.start_byte, n.end_byte) for v in c.values() for n in v)
                for p, c in tree_sitter.QueryCursor(compiled.query).matches(tree.root_node)
                if compiled.owners[p] == rule.id and all(check(c, data) for check in checks[p])
            ]
            keyword_hit = not rule.keywords or any(
                k.lower().encode() in data.lower() for k in rule.keywords
            )
            assert got == (full if keyword_hit else []), (rule.id, example.code)


def test_lazy_language_query_compiles_on_first_use() -> None:
    language = Grammars().language("c")
    assert language is not None
    good = compile_language(language, [("r", "((identifier) @x)")], lazy=True)
    before = good.built
    assert good.owners == ("r",)
    assert (before, good.built) == (False, True)
    bad = compile_language(language, [("r", "((no_such_node) @x)")], lazy=True)
    with pytest.raises(QueryProblem):
        _ = bad.query
    with pytest.raises(QueryProblem):
        compile_language(language, [("r", "((no_such_node) @x)")])


def test_text_tests_on_inner_captures_run_first() -> None:
    language = Grammars().language("c")
    assert language is not None
    text = (
        '((if_statement condition: (_) @cond) @if (#match? @if "unlink") '
        '(#inside? @if "auth") (#match? @cond "time"))'
    )
    (calls,) = compile_language(language, [("r", text)]).predicates
    assert [(call.name, call.args[0][0]) for call in calls] == [
        ("re2-match?", "cond"),
        ("re2-match?", "if"),
        ("inside?", "if"),
    ]
