"""Decision files and merging decisions into a waiver list."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from integrity.errors import InvalidInputError
from integrity.model import Severity
from integrity.review.decisions import Decision, Verdict, load_decisions, merge
from integrity.review.waivers import Waiver

Maker = Callable[..., Any]


def test_json_and_toml_decisions(tmp_path: Path) -> None:
    doc = [{"fingerprint": "a" * 32, "decision": "accept", "reason": "ok"}]
    (tmp_path / "d.json").write_text(json.dumps(doc))
    assert load_decisions(tmp_path / "d.json") == (Decision("a" * 32, Verdict.ACCEPT, "ok"),)
    (tmp_path / "d.toml").write_text('[[decision]]\nfingerprint = "b"\ndecision = "reject"\n')
    assert load_decisions(tmp_path / "d.toml") == (Decision("b", Verdict.REJECT),)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"fingerprint": "a"}, "expected a list"),
        ([{"fingerprint": "a", "decision": "maybe"}], "decision #1: 'decision' must be one of"),
        ([{"fingerprint": "a", "decision": "accept"}], "decision #1: an accept decision needs"),
        ([{"fingerprint": "a", "decision": "skip", "who": 1}], "unknown key(s): who"),
        ([{"fingerprint": "a", "decision": "skip"}] * 2, "decision #2: duplicate fingerprint"),
    ],
)
def test_bad_decisions(tmp_path: Path, doc: object, expected: str) -> None:
    (tmp_path / "d.json").write_text(json.dumps(doc))
    with pytest.raises(InvalidInputError) as info:
        load_decisions(tmp_path / "d.json")
    assert info.value.diagnostics().startswith(str(tmp_path / "d.json"))
    assert expected in info.value.diagnostics()


def test_merge_accept_reject_skip(finding: Maker, result: Maker) -> None:
    scanned = result(finding(line=1), finding(rule="r2", line=2), finding(rule="r3", line=3))
    a, b, c = (f.fingerprint for f in scanned.findings)
    old = Waiver("old", "carol", date(2025, 1, 1), fingerprint=b)
    merged = merge(
        (old,),
        scanned.findings,
        (
            Decision(a, Verdict.ACCEPT, "  dead code  "),
            Decision(b, Verdict.REJECT),
            Decision(c, Verdict.SKIP),
            Decision("f" * 32, Verdict.ACCEPT, "x"),
        ),
        "dave",
        date(2026, 11, 26),
        date(2027, 1, 1),
    )
    (new,) = merged.waivers
    assert (new.fingerprint, new.reason, new.reviewer) == (a, "dead code", "dave")
    assert new.rule == "py-eval"
    assert new.expires == date(2027, 1, 1)
    assert (merged.accepted, merged.rejected, merged.skipped) == (1, 1, 1)
    assert "f" * 32 in merged.notes[0]


def test_merge_refuses_short_reason_for_critical(finding: Maker, result: Maker) -> None:
    scanned = result(finding(severity=Severity.CRITICAL))
    fp = scanned.findings[0].fingerprint
    with pytest.raises(InvalidInputError, match="at least 40 characters"):
        merge((), scanned.findings, (Decision(fp, Verdict.ACCEPT, "meh"),), "x", date(2026, 1, 1))
