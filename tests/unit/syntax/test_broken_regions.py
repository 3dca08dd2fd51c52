"""A tree with errors degrades to tokens in its broken regions only; elsewhere the tree stands."""

from __future__ import annotations

from integrity.syntax.languages import Grammars
from integrity.syntax.regions import broken_nodes, broken_regions, inside, patch_events
from integrity.syntax.symbols import scan_tree
from integrity.syntax.tokens import Span

from .helpers import record

GOOD = """\
static const unsigned int sha256_k[4] = {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5};

int check(const char *s) {
    /* a comment */
    return s[0] == 'x' && strcmp(s, "a  b") == 0;
}

int other(int a) { return a + 1; }
"""
BROKEN_LINE = "int f( { return ) 1;;; }}}\n"


def _digests(source: str) -> dict[str, str]:
    _, result = record("src/sha256.c", "c", source)
    return {s.name: s.digest for s in result.symbols}


def test_a_broken_line_leaves_the_other_symbols_digests_alone() -> None:
    broken = GOOD.replace("int other", "int x = 1 +;\nint other")
    _, result = record("src/sha256.c", "c", broken)
    assert result.degraded and result.parser == "tokens"
    good, bad = _digests(GOOD), _digests(broken)
    assert bad["check"] == good["check"]
    assert bad["other"] == good["other"]


def test_tree_constants_outside_the_broken_region_keep_their_tree_keys() -> None:
    _, clean = record("src/sha256.c", "c", GOOD)
    _, result = record("src/sha256.c", "c", GOOD + BROKEN_LINE)
    assert result.degraded
    assert [(c.key, c.value, c.line) for c in result.constants] == [
        (c.key, c.value, c.line) for c in clean.constants
    ]
    assert [c.key for c in result.constants] == ["sha256_k#0"]


def test_a_table_inside_the_broken_region_comes_from_tokens() -> None:
    src = (
        "int ok(void) { return 0; }\n"
        "static const uint32_t K[] = { MACRO( 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5 };\n"
        "int also_ok(void) { return 1; }\n"
    )
    _, result = record("src/sha256.c", "c", src)
    assert result.degraded
    assert [(c.line, c.value) for c in result.constants] == [
        (2, "0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5")
    ]
    assert {s.name for s in result.symbols} >= {"ok", "also_ok"}


def test_comment_edits_inside_a_broken_region_keep_the_token_digest() -> None:
    broken = GOOD + "int f( { /* note */ return ) 1;;; }}}\n"
    edited = broken.replace("/* note */", "/* another   note */")
    _, before = record("src/sha256.c", "c", broken)
    _, after = record("src/sha256.c", "c", edited)
    assert before.degraded and after.degraded
    assert before.token_digest == after.token_digest


def test_regions_cover_whole_lines_and_the_comments_they_cut() -> None:
    data = b"int a;\n/* long\n comment */ int x = 1 +;\nint b;\n"
    grammars = Grammars()
    tree = grammars.parse("c", data)
    assert tree is not None and tree.root_node.has_error
    scan = scan_tree("c", tree, data, grammars)
    broken = broken_nodes(tree.root_node)
    assert scan is not None and broken
    regions = broken_regions(data, broken, scan.tables, scan.events)
    assert regions, "an ERROR node gives a region"
    starts = [s for s, _ in regions]
    assert all(data[s - 1 : s] in (b"", b"\n") for s, _ in regions)  # whole lines
    comment = data.index(b"/* long")
    assert inside(regions, starts, comment)  # the comment the region cut is in it
    assert not inside(regions, starts, data.index(b"int a"))
    assert not inside(regions, starts, data.index(b"int b"))


def test_patched_events_are_the_tree_s_outside_and_the_lexer_s_inside() -> None:
    tree_events = [(0, 4, Span.DROP), (10, 14, Span.KEEP), (30, 34, Span.DROP)]
    lexed = [(11, 13, Span.KEEP), (15, 18, Span.DROP)]
    assert patch_events(tree_events, [(10, 20)], lexed) == [
        (0, 4, Span.DROP),
        (11, 13, Span.KEEP),
        (15, 18, Span.DROP),
        (30, 34, Span.DROP),
    ]


def test_a_file_that_is_all_error_is_all_tokens() -> None:
    src = "))))\n" + "static const unsigned int k[2] = {0x428a2f98, 0x71374491};\n"
    _, result = record("src/sha256.c", "c", src)
    assert result.degraded and result.parser == "tokens"
    assert result.token_digest is not None


def test_broken_nodes_finds_errors_and_missing_tokens_and_gives_up_when_too_many() -> None:
    data = b"int f() { return 1 }\nint x = (;\nint ok(void) { return 0; }\n"
    tree = Grammars().parse("c", data)
    assert tree is not None
    found = broken_nodes(tree.root_node)
    assert found is not None
    assert {(n.is_missing, data.count(b"\n", 0, n.start_byte) + 1) for n in found} == {
        (False, 2),
        (True, 1),
    }
    assert broken_nodes(tree.root_node, limit=2) is None
    clean = Grammars().parse("c", b"int ok(void) { return 0; }\n")
    assert clean is not None and broken_nodes(clean.root_node) == []


def test_python_and_javascript_errors_stay_local() -> None:
    py = "def good(x):\n    if x:\n        return 1\n    return 2\n\n\ndef other():\n    pass\n"
    broken_py = py + "\ndef bad(:\n    return ((\n"
    js = "function good(x) {\n  return x + 1;\n}\nfunction other() { return 2; }\n"
    broken_js = js + "function bad( { return ) 1;\n"
    for path, lang, clean, broken in (
        ("auth/a.py", "python", py, broken_py),
        ("auth/a.js", "javascript", js, broken_js),
    ):
        _, before = record(path, lang, clean)
        _, after = record(path, lang, broken)
        assert not before.degraded and after.degraded
        old = {s.name: s.digest for s in before.symbols}
        new = {s.name: s.digest for s in after.symbols}
        assert new["good"] == old["good"], lang
