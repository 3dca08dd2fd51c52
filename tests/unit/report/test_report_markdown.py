"""markdown.py: a safe, bounded pull-request comment."""

from __future__ import annotations

import re
from dataclasses import replace

from integrity.model import Category, Confidence, Finding, ScanResult, Severity
from integrity.report import markdown

_RAW = ("\x1b", "\r", "\u202e", "\u2066", "\u200b", "\udce9")


def test_headline_and_counts(sample: ScanResult) -> None:
    out = markdown.render(sample)
    first = out.split("\n")[0]
    assert first == "## :x: integrity verify: FAIL"
    assert "3 open finding(s) at or above `high`" in out
    assert "waived **1**" in out


def test_no_raw_control_or_markup_from_the_tree(sample: ScanResult) -> None:
    out = markdown.render(sample)
    for char in _RAW:
        assert char not in out, repr(char)
    assert "<script" not in out
    assert "javascript:" not in out
    assert "[bold]" not in out
    assert "&lt;script&gt;alert&#40;1&#41;" not in out  # "(" is not over-escaped ...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out  # ... the snippet reads as written
    assert "@team" not in out and "&#64;team" in out


def test_table_rows_keep_their_columns(sample: ScanResult) -> None:
    rows = [line for line in markdown.render(sample).split("\n") if line.startswith("| ")]
    assert rows[0] == "| Severity | Rule | Category | Location | Message |"
    data = rows[1:]
    assert [row.split(" | ")[0] for row in data] == [
        "| critical",
        "| high",
        "| high",
        "| medium",
        "| low",
        "| info",
    ]
    for row in data:
        assert row.count("|") == 6, row  # the "|" in a message is an entity, not a column


def test_details_blocks(sample: ScanResult) -> None:
    out = markdown.render(sample)
    assert out.count("<details><summary>") == len(sample.findings) + 1  # + changed files
    assert out.count("<details") == out.count("</details>")
    assert "scripts/build.sh&#58;5 · waived</summary>" in out
    assert "reviewer&#58; alice&#64;example.org" in out
    assert "renamed lib/util&#95;new.py (from lib/util.py)" in out


def _noise(count: int) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            rule_id=f"rule-{i % 7}",
            category=Category.HIDDEN_EXEC,
            severity=list(Severity)[i % 5],
            confidence=Confidence.MEDIUM,
            message=f"finding {i} | with [markup] and <b>html</b> " + "x" * 200,
            path=f"src/dir{i % 13}/file{i}.c",
            start_line=i + 1,
            snippet="line\n" * 30,
        )
        for i in range(count)
    )


def test_ten_thousand_findings_stay_under_the_comment_limit(sample: ScanResult) -> None:
    big = replace(sample, findings=_noise(10_000))
    out = markdown.render(big)
    assert len(out) <= markdown.MAX_CHARS < 65_536
    table = [line for line in out.split("\n") if line.startswith("| ")]
    assert len(table) == 1 + markdown.TABLE_ROWS
    assert table[1].startswith("| critical |")
    assert "Top 20 of 10000 open findings shown." in out
    assert re.search(r"Details of \d+ more finding\(s\) omitted", out)
    assert out.count("<details") == out.count("</details>")


def test_huge_single_fields_are_bounded(sample: ScanResult) -> None:
    huge = Finding(
        rule_id="r" * 5000,
        category=Category.HIDDEN_EXEC,
        severity=Severity.HIGH,
        confidence=Confidence.LOW,
        message="|" * 100_000,
        path="p/" * 50_000,
        snippet="\u202e" * 100_000,
    )
    out = markdown.render(replace(sample, findings=(huge,) * 30))
    assert len(out) <= markdown.MAX_CHARS
    assert "\u202e" not in out


def test_clean_result(sample: ScanResult) -> None:
    out = markdown.render(replace(sample, findings=(), changes=()))
    assert out.startswith("## :white_check_mark: integrity verify: PASS")
    assert "No open findings." in out
