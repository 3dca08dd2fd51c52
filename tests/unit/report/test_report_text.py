"""text.py: grouped by severity, every tree string escaped, rich markup never interpreted."""

from __future__ import annotations

import re
from dataclasses import replace

from integrity.model import ScanResult, Severity
from integrity.report import text

_SGR = re.compile(r"\x1b\[[0-9;]*m")
_RAW = ("\x1b", "\r", "\u202e", "\u2066", "\u2069", "\u200b", "\udce9", "\x07")


def test_plain_has_no_raw_control_or_bidi(sample: ScanResult) -> None:
    out = text.render(sample)
    for char in _RAW:
        assert char not in out, repr(char)
    out.encode("utf-8")  # surrogates were made visible, so this cannot fail


def test_hostile_strings_are_shown_as_escapes(sample: ScanResult) -> None:
    out = text.render(sample)
    assert "tools/\\x1b[31mred\\x1b[0m\\x0aname.sh:1" in out
    assert "bin/caf\\xe9.bin" in out
    assert "user\\u202e \\u2066// Check if admin\\u2069" in out
    assert "in isAdmin\\u200b()" in out
    assert "pwned\\x1b\\\\x0dcurl" in out


def test_rich_markup_is_literal(sample: ScanResult) -> None:
    plain = text.render(sample)
    coloured = text.render_ansi(sample)
    assert "web/[bold]index[/bold].html:12-13" in plain
    assert "web/[bold]index[/bold].html:12-13" in _SGR.sub("", coloured)
    assert "hides code [bold]here[/bold]" in _SGR.sub("", coloured)


def test_ansi_is_plain_plus_colour(sample: ScanResult) -> None:
    coloured = text.render_ansi(sample)
    assert "\x1b[" in coloured
    stripped = _SGR.sub("", coloured)
    assert "\x1b" not in stripped  # every ESC left is rich's own colour code
    assert stripped == text.render(sample)


def test_grouped_by_severity_then_waived_then_changes(sample: ScanResult) -> None:
    out = text.render(sample)
    order = [
        "\nCRITICAL (1)\n",
        "\nHIGH (2)\n",
        "\nMEDIUM (1)\n",
        "\nLOW (1)\n",
        "\nINFO (1)\n",
        "\nWAIVED (1)\n",
        "\nCHANGES (7)\n",
    ]
    positions = [out.index(heading) for heading in order]
    assert positions == sorted(positions)
    critical = out.index("c-magic-password-compare [auth-bypass] src/auth/login.c:43-44")
    assert positions[0] < critical < positions[1]
    assert "in check_password()" in out
    waived = out[positions[5] : positions[6]]
    assert "build-flag-removed" in waived
    assert "reviewer: alice@example.org" in waived


def test_changes_list(sample: ScanResult) -> None:
    out = text.render(sample)
    changes = out[out.index("\nCHANGES (7)\n") :]
    assert "renamed      lib/util_new.py (from lib/util.py)" in changes
    assert "mode-changed scripts/build.sh [exec 0->1]" in changes
    assert "renamed function verify_user (was check_user)" in changes
    assert "modified function check_password line 40 sensitive: auth" in changes
    assert "README.md [size 100->101] (cosmetic)" in changes


def test_summary_line(sample: ScanResult) -> None:
    last = text.render(sample).rstrip("\n").split("\n")[-1]
    assert last == (
        "FAIL: 1 critical, 2 high, 1 medium, 1 low, 1 info; 1 waived; fail-on high; "
        "12 files scanned, 7 changes"
    )
    passing = replace(sample, fail_on=Severity.CRITICAL, findings=sample.findings[1:])
    assert text.render(passing).rstrip("\n").split("\n")[-1].startswith("PASS: 0 critical")


def test_no_findings(sample: ScanResult) -> None:
    out = text.render(replace(sample, findings=()))
    assert "No findings." in out
