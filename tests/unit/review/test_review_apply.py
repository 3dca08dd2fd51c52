"""apply_waivers: waived findings stay visible, stale/expired/short-reason waivers are findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from integrity.model import Category, Severity
from integrity.review.apply import (
    RULE_EXPIRED,
    RULE_SHORT_REASON,
    RULE_STALE,
    apply_waivers,
)
from integrity.review.waivers import Waiver, WaiverSet, content_hash

Maker = Callable[..., Any]

TODAY = date(2026, 11, 26)
ORIGIN = "baselines/waivers.toml"


def _set(*waivers: Waiver) -> WaiverSet:
    return WaiverSet(
        ORIGIN, tuple(replace(w, index=i, line=3 + 7 * i) for i, w in enumerate(waivers))
    )


def _waiver(fp: str, **kw: object) -> Waiver:
    base: dict[str, object] = {
        "reason": "reviewed",
        "reviewer": "alice",
        "date": date(2026, 1, 1),
        "fingerprint": fp,
    }
    base.update(kw)
    return Waiver(**base)  # type: ignore[arg-type]


def test_matching_finding_is_waived_not_removed(finding: Maker, result: Maker) -> None:
    scanned = result(finding(line=10), finding(rule="other", line=20))
    target = scanned.findings[0]
    out = apply_waivers(scanned, _set(_waiver(target.fingerprint)), TODAY)
    assert len(out.findings) == 2
    waived = next(f for f in out.findings if f.fingerprint == target.fingerprint)
    assert waived.status == "waived"
    assert dict(waived.waiver) == {
        "reviewer": "alice",
        "reason": "reviewed",
        "date": "2026-01-01",
        "file": ORIGIN,
    }
    other = next(f for f in out.findings if f.rule_id == "other")
    assert other.status == "open"
    assert out.counts()["high"] == 1
    assert scanned.findings[0].status == "open"  # pure: input untouched


def test_stale_waiver_is_reported_at_its_line(finding: Maker, result: Maker) -> None:
    scanned = result(finding())
    out = apply_waivers(
        scanned, _set(_waiver(scanned.findings[0].fingerprint), _waiver("ab" * 16)), TODAY
    )
    (stale,) = [f for f in out.findings if f.rule_id == RULE_STALE]
    assert stale.path == ORIGIN and stale.start_line == 10
    assert stale.category is Category.INTEGRITY_VIOLATION and stale.severity is Severity.LOW
    assert "ab" * 16 in stale.message and "waiver #2" in stale.message
    assert stale.fingerprint
    assert any(rule[0] == RULE_STALE for rule in out.rules)


def test_expired_waiver_reopens_the_finding(finding: Maker, result: Maker) -> None:
    scanned = result(finding())
    fp = scanned.findings[0].fingerprint
    out = apply_waivers(scanned, _set(_waiver(fp, expires=date(2026, 11, 25))), TODAY)
    original = next(f for f in out.findings if f.fingerprint == fp)
    assert original.status == "open"
    (expired,) = [f for f in out.findings if f.rule_id == RULE_EXPIRED]
    assert expired.severity is Severity.MEDIUM and "expired on 2026-11-25" in expired.message
    assert not [f for f in out.findings if f.rule_id == RULE_STALE]
    still = apply_waivers(scanned, _set(_waiver(fp, expires=TODAY)), TODAY)
    assert still.findings[0].status == "waived"


def test_critical_needs_a_long_reason(finding: Maker, result: Maker) -> None:
    scanned = result(finding(severity=Severity.CRITICAL))
    fp = scanned.findings[0].fingerprint
    short = apply_waivers(scanned, _set(_waiver(fp, reason="fine")), TODAY)
    assert next(f for f in short.findings if f.fingerprint == fp).status == "open"
    assert [f.rule_id for f in short.findings if f.fingerprint != fp] == [RULE_SHORT_REASON]
    long_reason = "test vector from RFC 8032, only used by the unit tests"
    ok = apply_waivers(scanned, _set(_waiver(fp, reason=long_reason)), TODAY)
    assert [f.status for f in ok.findings] == ["waived"]


def test_rule_path_content_waiver_and_scope(finding: Maker, result: Maker) -> None:
    scanned = result(finding(path="src/a.py"), finding(path="lib/b.py"))
    waiver = Waiver(
        reason="r",
        reviewer="bob",
        date=date(2026, 1, 1),
        rule="py-eval",
        path="src/*",
        content=content_hash("eval(user_input)"),
    )
    out = apply_waivers(scanned, _set(waiver), TODAY)
    assert {f.path: f.status for f in out.findings} == {"src/a.py": "waived", "lib/b.py": "open"}
    diff_only = apply_waivers(scanned, _set(replace(waiver, scope=("diff",))), TODAY)
    assert [f.status for f in diff_only.findings] == ["open", "open"]  # not stale either


def test_idempotent(finding: Maker, result: Maker) -> None:
    scanned = result(finding())
    waivers = _set(_waiver(scanned.findings[0].fingerprint), _waiver("cd" * 16))
    once = apply_waivers(scanned, waivers, TODAY)
    assert apply_waivers(once, waivers, TODAY) == once


def test_partial_views_never_call_a_waiver_stale(finding: Maker, result: Maker) -> None:
    scanned = result(finding(), command="verify")
    fp = scanned.findings[0].fingerprint
    waivers = _set(
        _waiver("ab" * 16),
        _waiver("cd" * 16, expires=date(2026, 1, 2)),
        _waiver(fp, expires=date(2026, 1, 2)),
    )
    out = apply_waivers(scanned, waivers, TODAY)
    extra = [(f.rule_id, f.start_line) for f in out.findings if f.path == ORIGIN]
    assert extra == [(RULE_EXPIRED, 17)]  # only the expired waiver of a finding it can see
