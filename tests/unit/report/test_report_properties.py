"""Property tests: whatever strings the tree holds, no renderer lets an unsafe character through,
and the JSON report round-trips exactly."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrity.model import Category, Confidence, Finding, ScanResult, Severity
from integrity.report import RENDERERS
from integrity.report import json as json_report
from integrity.report.jsonload import load_report

_UNSAFE = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}
# Every code point, surrogates included, weighted towards the dangerous ones.
_DANGEROUS = st.sampled_from(
    [
        "\x1b",
        "\r",
        "\n",
        "\t",
        "\x00",
        "\x7f",
        "\x9b",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "\u2028",
        "\udce9",
        "\ud800",
        "<",
        ">",
        "&",
        '"',
        "'",
        "`",
        "|",
        "[",
        "]",
        "\\",
        "@",
        "#",
        ":",
        "*",
        "_",
    ]
)
_CHARS = st.one_of(_DANGEROUS, st.characters(exclude_categories=()))
_TEXT = st.text(_CHARS, max_size=40)


def _finding(path: str, message: str, snippet: str, symbol: str, severity: Severity) -> Finding:
    return Finding(
        rule_id="prop-rule",
        category=Category.HIDDEN_EXEC,
        severity=severity,
        confidence=Confidence.LOW,
        message=message,
        path=path,
        start_line=3,
        end_line=4,
        symbol=symbol or None,
        snippet=snippet,
        details=(("before", snippet), ("after", message)),
        waiver=(("reason", message),) if severity is Severity.LOW else (),
        status="waived" if severity is Severity.LOW else "open",
    )


def _unsafe_chars(text: str, allowed: str) -> set[str]:
    return {c for c in text if c not in allowed and unicodedata.category(c) in _UNSAFE}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=_TEXT,
    message=_TEXT,
    snippet=_TEXT,
    symbol=_TEXT,
    severity=st.sampled_from(list(Severity)),
)
def test_no_unsafe_character_reaches_any_output(
    sample: ScanResult, path: str, message: str, snippet: str, symbol: str, severity: Severity
) -> None:
    finding = _finding(path, message, snippet, symbol, severity)
    result = replace(sample, findings=(*sample.findings, finding))
    allowed = {"text": "\n\t", "markdown": "\n\t", "html": "\n\t", "json": "\n", "sarif": "\n"}
    for name, render in RENDERERS.items():
        out = render(result)
        assert _unsafe_chars(out, allowed[name]) == set(), name
        out.encode("utf-8")
    assert RENDERERS["html"](result).count("<script") == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=_TEXT, message=_TEXT, snippet=_TEXT, symbol=_TEXT)
def test_json_round_trips_any_string(
    sample: ScanResult, path: str, message: str, snippet: str, symbol: str
) -> None:
    finding = _finding(path, message, snippet, symbol, Severity.HIGH)
    result = replace(sample, findings=(finding,), command=message)
    text = json_report.render(result)
    assert text.isascii()
    loaded = load_report(text)
    assert loaded.findings == (finding,)
    assert loaded.command == message
    assert json_report.render(loaded) == text
    assert json.loads(text)["findings"][0]["path"] == path
