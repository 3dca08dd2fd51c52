"""The fast family lexers keep the token path's meaning: comments dropped, strings kept, tables
(comma-separated runs of numbers) claimed by the registry, prose numbers left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.syntax.analyze import analyze
from integrity.syntax.constants import ConstantRegistry, load_registry
from integrity.syntax.extract import token_candidates
from integrity.syntax.fastlex import family_of, regex_ranges
from integrity.syntax.languages import Grammars
from integrity.syntax.literals import string_may_pin
from integrity.syntax.tokens import Event, Span, normalise, token_ranges


@pytest.fixture(scope="module")
def registry() -> ConstantRegistry:
    return load_registry()


def _sha256_k(registry: ConstantRegistry) -> str:
    entry = registry.by_id("sha256-k")
    assert entry is not None
    return ", ".join(f"0x{v:08x}" for v in entry.ints)


def _aes_sbox(registry: ConstantRegistry) -> str:
    entry = registry.by_id("aes-sbox")
    assert entry is not None
    rows = [entry.ints[i : i + 16] for i in range(0, 256, 16)]
    return ",\n".join(", ".join(f"0x{v:02x}" for v in row) for row in rows)


# path, language, a file with COMMENT, STRING and TABLE slots
CASES: list[tuple[str, str | None, str]] = [
    ("lib/Digest.pm", "perl", '# COMMENT\nmy $name = "STRING";\nmy @K = (TABLE);\n1;\n'),
    (
        "tests/data/test1",
        "xml",
        '<?xml version="1.0"?>\n<!-- COMMENT -->\n<t name="STRING">\n<d>\nTABLE\n</d>\n</t>\n',
    ),
    ("doc/tool.1", "groff", '.\\" COMMENT\n.TH TOOL 1\n.B "STRING"\nTABLE\n'),
    ("README.md", "markdown", '<!-- COMMENT -->\n# Title\nSay "STRING".\n\n    TABLE\n'),
    ("Makefile.am", "make", '# COMMENT\nNAME = "STRING"\nK = TABLE\n'),
    ("build.bat", "batch", 'REM COMMENT\n:: COMMENT\nset NAME="STRING"\nset K=TABLE\n'),
    ("setup.cfg", "ini", '; COMMENT\n# COMMENT\n[k]\nname = "STRING"\nK = TABLE\n'),
    ("ci.yml", "yaml", '# COMMENT\nname: "STRING"\nK: [TABLE]\n'),
    ("Cargo.toml", "toml", '# COMMENT\nname = "STRING"\nK = [TABLE]\n'),
    ("Dockerfile", "dockerfile", '# COMMENT\nENV NAME="STRING"\nENV K="" \\\n  L=TABLE\n'),
    ("po/fr.po", "gettext", '# COMMENT\n#: src/k.c:12\nmsgid "STRING"\nmsgstr ""\n\nK = {TABLE}\n'),
    ("NOTES", None, 'Notes "STRING".\nK = {TABLE}\n'),
    ("x.lua", "lua", '-- COMMENT\n--[[ COMMENT\n]]\nlocal name = "STRING"\nlocal K = {TABLE}\n'),
    ("x.sql", "sql", "-- COMMENT\nSELECT 'STRING';\nINSERT INTO k VALUES (TABLE);\n"),
    ("x.ps1", "powershell", '<# COMMENT #>\n# COMMENT\n$name = "STRING"\n$K = @(TABLE)\n'),
    ("x.m4", "m4", 'dnl COMMENT\n# COMMENT\ndefine([NAME], "STRING")\ndefine([K], [TABLE])\n'),
    ("x.vbs", "vbscript", '\' COMMENT\nREM COMMENT\nname = "STRING"\nK = Array(TABLE)\n'),
    (
        "x.kt",
        "kotlin",
        '/* COMMENT */\n// COMMENT\nval name = """STRING"""\nval K = intArrayOf(TABLE)\n',
    ),
]
IDS = [path for path, _, _ in CASES]


def _fill(template: str, table: str, comment: str = "a note", string: str = "hello") -> bytes:
    text = template.replace("COMMENT", comment).replace("STRING", string)
    return text.replace("TABLE", table).encode()


def _lexed(language: str, data: bytes) -> list[tuple[bytes, Span]]:
    """The text and kind of each comment and string the family regex finds, in order."""
    return [(data[s:e], span) for s, e, span in regex_ranges(language, data).events]


@pytest.mark.parametrize(("path", "language", "template"), CASES, ids=IDS)
def test_family_reads_the_language(path: str, language: str | None, template: str) -> None:
    assert family_of(language) is not None
    ranges = token_ranges(language, _fill(template, "1, 2"), prefer_pygments=True)
    assert ranges.lexer.startswith("regex:")


@pytest.mark.parametrize(("path", "language", "template"), CASES, ids=IDS)
def test_comment_edit_keeps_the_token_digest(
    path: str, language: str | None, template: str
) -> None:
    before = analyze(path, language, _fill(template, "1, 2"), Grammars())
    after = analyze(path, language, _fill(template, "1, 2", comment="other words 99"), Grammars())
    assert before.parser == "tokens"
    assert before.token_digest == after.token_digest


@pytest.mark.parametrize(("path", "language", "template"), CASES, ids=IDS)
def test_string_edit_changes_the_token_digest(
    path: str, language: str | None, template: str
) -> None:
    data = _fill(template, "1, 2")
    before = analyze(path, language, data, Grammars())
    after = analyze(path, language, _fill(template, "1, 2", string="hello  world"), Grammars())
    assert before.token_digest != after.token_digest
    ranges = token_ranges(language, data, prefer_pygments=True)
    kept = [data[s:e] for s, e, span in ranges.events if span is Span.KEEP]
    assert any(b"hello" in text for text in kept)
    dropped = [data[s:e] for s, e, span in ranges.events if span is Span.DROP]
    assert not any(b"hello" in text for text in dropped)
    assert any(b"a note" in text for text in dropped) == ("COMMENT" in template)


@pytest.mark.parametrize(("path", "language", "template"), CASES, ids=IDS)
def test_sha256_table_is_claimed(
    path: str, language: str | None, template: str, registry: ConstantRegistry
) -> None:
    data = _fill(template, _sha256_k(registry))
    result = analyze(path, language, data, Grammars(), registry=registry)
    claimed = [c for c in result.constants if c.standard == "sha256-k"]
    assert len(claimed) == 1
    assert claimed[0].line == data[: data.index(b"0x428a2f98")].count(b"\n") + 1


@pytest.mark.parametrize(
    ("path", "language", "template"),
    [case for case in CASES if case[1] in ("perl", "xml", None, "groff", "gettext")],
)
def test_aes_sbox_is_claimed(
    path: str, language: str | None, template: str, registry: ConstantRegistry
) -> None:
    data = _fill(template, _aes_sbox(registry))
    result = analyze(path, language, data, Grammars(), registry=registry)
    assert [c.standard for c in result.constants] == ["aes-sbox"]


PROSE = (
    b"In 2023 we fixed 12 bugs in 3 files; see line 45 of page 7 (section 2.4.1).\n"
    b"Released 1.9.13p3 on Sat, 8 Nov 2025 15:34:02 -0700 after 0.5 s and 1e-3 runs.\n"
    b"x == 5, y != 6, z >= 7 -> 8 <t>9</t> r 12:30:45 0.000347787\n"
)


@pytest.mark.parametrize("language", [None, "text", "xml", "groff", "markdown", "perl", "gettext"])
def test_prose_numbers_are_no_candidates(language: str | None) -> None:
    ranges = regex_ranges(language, PROSE)
    assert ranges.numbers == ()
    assert token_candidates(ranges, PROSE, frozenset()) == []


def test_numbers_that_may_pin_are_kept() -> None:
    data = b"seed = 5\nmask 0x12345678 and 1234567\nK => 3\nA: 4\nlist 1, 2,\n 3\n"
    ranges = regex_ranges(None, data)
    assert [data[s:e] for s, e in ranges.numbers] == [
        b"5",
        b"0x12345678",
        b"1234567",
        b"3",
        b"4",
        b"1",
        b"2",
        b"3",
    ]
    assert ranges.tables == ((5, 8),)


def test_table_split_keeps_comments_between_elements() -> None:
    data = b"int K[] = { 0x1, /* one, 1 */ 0x2, // two\n 0x3 };"
    ranges = regex_ranges("c", data)
    assert [data[s:e] for s, e in ranges.numbers] == [b"0x1", b"0x2", b"0x3"]
    assert ranges.tables == ((0, 3),)
    assert [data[s:e] for s, e, _ in ranges.events] == [b"/* one, 1 */", b"// two"]


def test_xml_strings_are_attribute_values_only() -> None:
    data = b'<a b="one" c=\'two\' d=3>text "not a string" nonce="aaaa"</a>'
    assert [text for text, _ in _lexed("xml", data)] == [b'"one"', b"'two'"]


def test_line_start_comments() -> None:
    data = b"a = 1 # not a comment in ini\n  ; indented comment\nurl = x#y\n"
    assert [text for text, _ in _lexed("ini", data)] == [b"; indented comment"]
    perl = b"print $#array; # real\n=pod\nK = 1, 2\n=cut\n"
    assert [text for text, _ in _lexed("perl", perl)] == [b"# real", b"=pod\nK = 1, 2\n=cut"]


def test_languages_without_family_use_pygments_tables(registry: ConstantRegistry) -> None:
    source = f"section .data\nK: dd {_sha256_k(registry)}\n; a note\n".encode()
    ranges = token_ranges("asm", source, prefer_pygments=True)
    assert ranges.lexer.startswith("pygments:")
    assert len(ranges.tables) == 1
    result = analyze("sha.asm", "asm", source, Grammars(), registry=registry)
    assert [c.standard for c in result.constants] == ["sha256-k"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(['"', "0123456789abcdef", "\\x4", "1", " ", "g", "\n"]), max_size=60)
)
def test_dense_string_prefilter_is_exact(parts: list[str]) -> None:
    data = "".join(parts).encode()
    lengths = frozenset({3, 16})
    ranges = regex_ranges("gettext", data)
    strings = [data[s:e] for s, e, span in ranges.events if span is Span.KEEP]
    expected = [raw for raw in strings if string_may_pin(raw, lengths)]
    found = [c.raw for c in token_candidates(ranges, data, lengths) if c.raw[:1] == b'"']
    assert found == expected


def _per_line(data: bytes, events: tuple[Event, ...]) -> list[Event]:
    """The events with each comment block split back into its single-line comments."""
    out: list[Event] = []
    for start, end, span in events:
        if span is not Span.DROP or b"\n" not in data[start:end]:
            out.append((start, end, span))
            continue
        at = start
        for line in data[start:end].split(b"\n"):
            blanks = len(line) - len(line.lstrip(b" \t"))
            out.append((at + blanks, at + len(line), span))
            at += len(line) + 1
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["gettext", "groff", "m4", "sql", "perl", "make", "ini", "batch", "lua"]),
    st.lists(
        st.sampled_from(["#", "\n", " ", "\t", "a", "12", '"', ";", '.\\"', "dnl ", "--", "REM "]),
        max_size=40,
    ),
    st.booleans(),
)
def test_comment_blocks_normalise_like_their_lines(
    language: str, parts: list[str], lines: bool
) -> None:
    data = "".join(parts).encode()
    ranges = regex_ranges(language, data)
    assert normalise(data, ranges.events, [], lines) == normalise(
        data, _per_line(data, ranges.events), [], lines
    )


def test_comment_lines_are_one_event() -> None:
    data = b'# one\n#: src/a.c:1\n  # two\nmsgid "x"\n# three\n'
    assert _lexed("gettext", data) == [
        (b"# one\n#: src/a.c:1\n  # two", Span.DROP),
        (b'"x"', Span.KEEP),
        (b"# three", Span.DROP),
    ]


def test_perl_heredocs_are_strings() -> None:
    data = b'my $k = <<"EOF";\n0123456789abcdef0123 # no comment\nEOF\nmy $r = 1<<ROUNDS; # real\n'
    assert _lexed("perl", data) == [
        (b";\n0123456789abcdef0123 # no comment\nEOF", Span.KEEP),
        (b"# real", Span.DROP),
    ]
    indented = b"print <<~END;\n    body\n    END\nmy $x = 1;\n"
    assert [text for text, _ in _lexed("perl", indented)] == [b";\n    body\n    END"]
    before = analyze("x.pl", "perl", data, Grammars())
    after = analyze("x.pl", "perl", data.replace(b"# no comment", b"# no  comment"), Grammars())
    assert before.token_digest != after.token_digest


def test_perl_quote_like_operators_are_strings() -> None:
    data = (
        b"$s =~ s/#.*//; my @w = qw(a b #c); print q{x # y} if $l =~ /^#/; # real\n"
        b"$t =~ tr/a-z/A-Z/; my %h = (m => 1, s => 2, y => 3); my $r = qr{a#b}x; s#a#b#g;\n"
    )
    assert _lexed("perl", data) == [
        (b"s/#.*//", Span.KEEP),
        (b"qw(a b #c)", Span.KEEP),
        (b"q{x # y}", Span.KEEP),
        (b"/^#/", Span.KEEP),
        (b"# real", Span.DROP),
        (b"tr/a-z/A-Z/", Span.KEEP),
        (b"qr{a#b}x", Span.KEEP),
        (b"s#a#b#g", Span.KEEP),
    ]
    edited = data.replace(b"s/#.*//", b"s/#.*/evil()/")
    assert analyze("x.pl", "perl", data, Grammars()).token_digest != (
        analyze("x.pl", "perl", edited, Grammars()).token_digest
    )
