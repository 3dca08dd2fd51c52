"""Waivers across edits: identity survives moves, reopens on content change; stale waivers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

Run = Callable[..., Any]
Findings = Callable[..., list[dict[str, Any]]]
REASON = "internal admin endpoint behind VPN, tracked in SEC-123"


def _scan(run_cli: Run, tree: Path, *extra: str) -> Any:
    return run_cli("scan", str(tree), "--format", "json", "--quiet", "-j", "1", *extra)


def _waive_all(run_cli: Run, tree: Path, waivers: Path) -> None:
    first = _scan(run_cli, tree, "-o", "r.json")
    assert first.code == 1, first.stderr
    done = run_cli(
        "review", "r.json", "--waivers", str(waivers), "--reviewer", "alice",
        "--non-interactive", "--accept-all", "--reason", REASON,
    )  # fmt: skip
    assert done.code == 0, done.stderr


def test_waiver_survives_moves_and_reopens_on_change(
    run_cli: Run, tree: Path, workdir: Path, versions: Any, report_findings: Findings
) -> None:
    waivers = workdir / "waivers.toml"
    _waive_all(run_cli, tree, waivers)

    waived = _scan(run_cli, tree, "--waivers", str(waivers))
    assert waived.code == 0, waived.stderr
    (hit,) = report_findings(waived.stdout, versions.rule)
    assert (hit["path"], hit["start_line"], hit["status"]) == ("app.py", 5, "waived")
    assert dict(hit["waiver"])["reviewer"] == "alice"
    assert dict(hit["waiver"])["reason"] == REASON

    # 30 lines down, and an unrelated function edited: same identity, still waived
    (tree / "app.py").write_text(versions.moved, encoding="utf-8")
    moved = _scan(run_cli, tree, "--waivers", str(waivers))
    assert moved.code == 0, moved.stderr
    (hit_moved,) = report_findings(moved.stdout, versions.rule)
    assert hit_moved["start_line"] == 36  # 31 lines further down
    assert (hit_moved["fingerprint"], hit_moved["status"]) == (hit["fingerprint"], "waived")
    assert not report_findings(moved.stdout, "waiver-stale")

    # the matched content changes: a new identity, open again, and the waiver is stale
    (tree / "app.py").write_text(versions.changed, encoding="utf-8")
    changed = _scan(run_cli, tree, "--waivers", str(waivers))
    assert changed.code == 1
    (hit_changed,) = report_findings(changed.stdout, versions.rule)
    assert hit_changed["status"] == "open" and hit_changed["fingerprint"] != hit["fingerprint"]
    (stale,) = report_findings(changed.stdout, "waiver-stale")
    assert stale["path"] == str(waivers) or stale["path"] == waivers.as_posix()
    assert stale["category"] == "integrity-violation" and stale["severity"] == "low"
    assert hit["fingerprint"] in stale["message"]

    # the reviewer prunes the stale waiver and waives the new code for `scan` only
    assert _scan(run_cli, tree, "--waivers", str(waivers), "-o", "r2.json").code == 1
    pruned = run_cli(
        "review", "r2.json", "--waivers", str(waivers), "--reviewer", "bob", "--prune",
        "--non-interactive", "--accept-all", "--reason", REASON, "--scope", "scan",
    )  # fmt: skip
    assert pruned.code == 0, pruned.stderr
    assert "accepted 1, rejected 0, skipped 0, pruned 1 stale or expired" in pruned.stdout
    text = waivers.read_text()
    assert hit["fingerprint"] not in text and hit_changed["fingerprint"] in text
    assert 'scope = ["scan"]' in text
    final = _scan(run_cli, tree, "--waivers", str(waivers))
    assert final.code == 0 and not report_findings(final.stdout, "waiver-stale")


def test_expired_waiver_is_reported(
    run_cli: Run, tree: Path, workdir: Path, versions: Any, report_findings: Findings
) -> None:
    scanned = _scan(run_cli, tree)
    (hit,) = report_findings(scanned.stdout, versions.rule)
    yesterday = date.today() - timedelta(days=1)
    (workdir / "w.toml").write_text(
        f'[[waiver]]\nfingerprint = "{hit["fingerprint"]}"\nreason = "temporary"\n'
        f'reviewer = "bob"\ndate = 2020-01-01\nexpires = {yesterday.isoformat()}\n'
    )
    out = _scan(run_cli, tree, "--waivers", "w.toml")
    assert out.code == 1
    (again,) = report_findings(out.stdout, versions.rule)
    assert again["status"] == "open"
    (expired,) = report_findings(out.stdout, "waiver-expired")
    assert (expired["path"], expired["start_line"], expired["severity"]) == ("w.toml", 1, "medium")


def test_default_waivers_file_is_used(
    run_cli: Run, tree: Path, workdir: Path, versions: Any, report_findings: Findings
) -> None:
    default = workdir / "baselines" / "waivers.toml"
    _waive_all(run_cli, tree, default)
    out = _scan(run_cli, tree)
    assert out.code == 0, out.stderr
    (hit,) = report_findings(out.stdout, versions.rule)
    assert dict(hit["waiver"])["file"] == "baselines/waivers.toml"


def test_invalid_waivers_file_is_exit_3(run_cli: Run, tree: Path, workdir: Path) -> None:
    (workdir / "w.toml").write_text('[[waiver]]\nfingerprint = "00ff00ff00ff00ff"\nowner = "x"\n')
    out = _scan(run_cli, tree, "--waivers", "w.toml")
    assert out.code == 3
    assert "w.toml: waiver #1 (line 1): unknown key(s): owner" in out.stderr


def test_trusted_key_requires_signed_waivers(
    run_cli: Run, tree: Path, workdir: Path, keys: Any, monkeypatch: Any
) -> None:
    _waive_all(run_cli, tree, workdir / "w.toml")
    monkeypatch.setenv("INTEGRITY_TRUST", str(keys.public))
    out = _scan(run_cli, tree, "--waivers", "w.toml")
    assert out.code == 3 and "w.toml: waivers file is not signed" in out.stderr
    monkeypatch.delenv("INTEGRITY_TRUST")
    resign = run_cli(
        "review", "r.json", "--waivers", "w.toml", "--reviewer", "alice",
        "--key", str(keys.private), "--non-interactive", "--accept-all", "--reason", REASON,
    )  # fmt: skip
    assert resign.code == 0, resign.stderr
    monkeypatch.setenv("INTEGRITY_TRUST", str(keys.public))
    assert _scan(run_cli, tree, "--waivers", "w.toml").code == 0
    (workdir / "w.toml").write_text((workdir / "w.toml").read_text().replace("SEC-123", "SEC-9"))
    out = _scan(run_cli, tree, "--waivers", "w.toml")
    assert out.code == 3 and "signature does not verify" in out.stderr
