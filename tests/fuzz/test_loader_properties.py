"""Property tests: every loader either loads or raises the documented IntegrityError (exit 3),
never another exception, on any input; fingerprints are stable under line moves and change with
content; any ScanResult renders in every format into output that parses.

Renderer escaping of dangerous characters is in tests/unit/report/test_report_properties.py;
here the focus is that the output of every format stays well-formed.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrity.baseline.store import load_baseline_bytes
from integrity.config import parse_policy
from integrity.errors import ExitCode, IntegrityError
from integrity.model import (
    Category,
    Change,
    ChangeKind,
    Confidence,
    EntryType,
    FileRecord,
    Finding,
    ScanResult,
    Severity,
    SourceInfo,
    assign_fingerprints,
)
from integrity.report import RENDERERS
from integrity.report.jsonload import load_report
from integrity.review.waivers import parse_waivers
from integrity.rules.load import parse_file

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
_json = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=25,
)

_KEYS = [
    "schema_version",
    "header",
    "files",
    "signature",
    "source",
    "kind",
    "location",
    "tool_version",
    "rules_digest",
    "created",
    "path",
    "type",
    "size",
    "sha256",
    "symbols",
    "constants",
    "lines",
    "name",
    "digest",
    "executable",
    "problem",
    "key",
    "value",
    "line",
]


@st.composite
def baseline_like(draw: st.DrawFn) -> bytes:
    """Documents shaped like baselines with wrong types planted at every level."""
    value = draw(_json)
    record = draw(
        st.dictionaries(st.sampled_from(_KEYS), st.one_of(_json, st.just([1, 2])), max_size=8)
    )
    doc = {
        "schema_version": draw(st.sampled_from([1, 1, 0, 2, "1", 1.0, True, None])),
        "header": draw(
            st.one_of(
                st.just(
                    {
                        "tool_version": "0",
                        "rules_digest": "sha256:x",
                        "created": "now",
                        "source": {"kind": "directory", "location": "."},
                    }
                ),
                _json,
            )
        ),
        "files": draw(st.one_of(st.lists(st.one_of(st.just(record), _json), max_size=3), _json)),
    }
    if draw(st.booleans()):
        doc[draw(st.sampled_from(_KEYS))] = value
    return json.dumps(doc, allow_nan=True).encode()


def _loads_or_exit_3(load: Any, data: Any) -> None:
    try:
        load(data)
    except IntegrityError as exc:
        assert exc.exit_code == ExitCode.INVALID_INPUT, exc


@FUZZ
@given(st.one_of(baseline_like(), st.binary(max_size=300)))
def test_baseline_loader_never_raises_anything_else(data: bytes) -> None:
    _loads_or_exit_3(lambda d: load_baseline_bytes(d, "fuzz", None), data)


_toml_value = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.text(alphabet="abc\\\"'\n .*/-", max_size=12).map(json.dumps),
    st.sampled_from(
        ["true", "nan", "inf", "1e400", "2026-11-20", "[]", "[1, 'a']", "{}", "{a = 1}", '"../x"']
    ),
)
_toml_key = st.sampled_from(
    [
        "version",
        "fingerprint",
        "rule",
        "path",
        "content",
        "reason",
        "reviewer",
        "date",
        "expires",
        "scope",
        "exclude",
        "frozen",
        "sensitive",
        "fail_on",
        "max_file_size",
        "parse_timeout",
        "waivers",
        "schema",
        "id",
        "kind",
        "languages",
        "severity",
        "pattern",
        "query",
        "message",
        "category",
        "confidence",
    ]
)


@st.composite
def toml_doc(draw: st.DrawFn, table: str) -> bytes:
    lines = [f"{draw(_toml_key)} = {draw(_toml_value)}" for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(0, 2))):
        lines.append(f"[[{table}]]")
        lines.extend(
            f"{draw(_toml_key)} = {draw(_toml_value)}" for _ in range(draw(st.integers(0, 6)))
        )
    if draw(st.booleans()):
        lines.append("[limits]")
        lines.append(f"{draw(st.sampled_from(['max_ratio', 'ratio_min_size', 'x']))} = 5")
    return "\n".join(lines).encode()


@FUZZ
@given(st.one_of(toml_doc("waiver"), st.binary(max_size=200)))
def test_waiver_parser_never_raises_anything_else(data: bytes) -> None:
    _loads_or_exit_3(lambda d: parse_waivers(d, "fuzz.toml"), data)


@FUZZ
@given(st.one_of(toml_doc("waiver"), st.binary(max_size=200)), st.booleans())
def test_policy_parser_never_raises_anything_else(data: bytes, pyproject: bool) -> None:
    _loads_or_exit_3(lambda d: parse_policy(d, "fuzz.toml", pyproject=pyproject), data)


@FUZZ
@given(st.one_of(toml_doc("rule"), st.binary(max_size=200)))
def test_signature_file_parser_never_raises_anything_else(data: bytes) -> None:
    _loads_or_exit_3(lambda d: parse_file(b"schema = 1\n" + d, "fuzz.toml"), data)


@FUZZ
@given(st.one_of(_json.map(lambda v: json.dumps(v, allow_nan=True)), st.text(max_size=200)))
def test_report_loader_never_raises_anything_else(text: str) -> None:
    _loads_or_exit_3(load_report, text)


# --- fingerprints ------------------------------------------------------------------------

_snippet = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")


def _finding(path: str, snippet: str, line: int) -> Finding:
    return Finding(
        rule_id="r",
        category=Category.HIDDEN_EXEC,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        message="m",
        path=path,
        start_line=line,
        end_line=line,
        snippet=snippet,
    )


@FUZZ
@given(st.lists(_snippet, min_size=1, max_size=6, unique=True), st.integers(1, 10_000))
def test_fingerprints_are_stable_under_line_moves(snippets: list[str], shift: int) -> None:
    before = assign_fingerprints(tuple(_finding("a.c", s, i + 1) for i, s in enumerate(snippets)))
    after = assign_fingerprints(
        tuple(_finding("a.c", s, i + 1 + shift) for i, s in enumerate(snippets))
    )
    assert {f.fingerprint for f in before} == {f.fingerprint for f in after}


@FUZZ
@given(_snippet, _snippet)
def test_fingerprints_differ_when_content_differs(one: str, two: str) -> None:
    if " ".join(one.split()) == " ".join(two.split()):
        return
    (a,) = assign_fingerprints((_finding("a.c", one, 1),))
    (b,) = assign_fingerprints((_finding("a.c", two, 1),))
    assert a.fingerprint != b.fingerprint


# --- renderers ---------------------------------------------------------------------------

_any_text = st.text(max_size=30)


@st.composite
def scan_results(draw: st.DrawFn) -> ScanResult:
    findings = tuple(
        Finding(
            rule_id=draw(_any_text),
            category=draw(st.sampled_from(list(Category))),
            severity=draw(st.sampled_from(list(Severity))),
            confidence=draw(st.sampled_from(list(Confidence))),
            message=draw(_any_text),
            path=draw(_any_text),
            start_line=draw(st.integers(0, 10**6)),
            end_line=draw(st.integers(0, 10**6)),
            symbol=draw(st.none() | _any_text),
            snippet=draw(_any_text),
            details=tuple(draw(st.lists(st.tuples(_any_text, _any_text), max_size=2))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    record = FileRecord(draw(_any_text), EntryType.FILE, 1, False, "0" * 64)
    changes = tuple(
        Change(draw(_any_text), draw(st.sampled_from(list(ChangeKind))), record, record)
        for _ in range(draw(st.integers(0, 2)))
    )
    return ScanResult(
        command=draw(st.sampled_from(["scan", "verify", "diff"])),
        tool_version=draw(_any_text),
        source=SourceInfo(draw(_any_text), draw(_any_text), draw(st.none() | _any_text)),
        baseline_source=None,
        changes=changes,
        findings=assign_fingerprints(findings),
    )


class _Strict(HTMLParser):
    def error(self, message: str) -> None:  # pragma: no cover - py<3.10 API
        raise AssertionError(message)


@FUZZ
@given(scan_results())
def test_every_format_renders_and_parses(result: ScanResult) -> None:
    for name, render in RENDERERS.items():
        out = render(result)
        assert isinstance(out, str), name
        bad = [c for c in out if (ord(c) < 32 and c not in "\n\t") or c == "\x7f"]
        assert not bad, (name, bad[:3])
        if name in ("json", "sarif"):
            json.loads(out)
        if name == "html":
            parser = _Strict()
            parser.feed(out)
            parser.close()
