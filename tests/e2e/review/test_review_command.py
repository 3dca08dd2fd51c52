"""`integrity review` over a JSON report: batch modes, prompts through CliRunner, signing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrity.review.waivers import load_waivers, parse_waivers
from integrity.signing import load_public_key

Run = Callable[..., Any]
LONG = "only reachable from the admin CLI, input validated upstream"


def _fps(report: Path) -> dict[str, str]:
    return {f["rule_id"]: f["fingerprint"] for f in json.loads(report.read_text())["findings"]}


def test_accept_all_writes_every_waiver(run_cli: Run, report: Path, workdir: Path) -> None:
    done = run_cli(
        "review", str(report), "--reviewer", "alice", "--non-interactive",
        "--accept-all", "--reason", LONG, "--expires", "2099-01-01",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert "accepted 3, rejected 0, skipped 0" in done.stdout
    waivers = load_waivers(workdir / "baselines" / "waivers.toml", None).waivers
    assert {w.fingerprint for w in waivers} == set(_fps(report).values())
    assert {(w.reviewer, w.reason, str(w.expires)) for w in waivers} == {
        ("alice", LONG, "2099-01-01")
    }


def test_accept_all_refuses_short_reason_for_critical(run_cli: Run, report: Path) -> None:
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "a",
        "--non-interactive", "--accept-all", "--reason", "fine",
    )  # fmt: skip
    assert done.code == 3
    assert "critical finding needs a reason of at least 40 characters" in done.stderr
    assert not Path("w.toml").exists()


def test_batch_mode_needs_reviewer_and_a_source_of_decisions(run_cli: Run, report: Path) -> None:
    done = run_cli("review", str(report), "--non-interactive", "--accept-all", "--reason", "x")
    assert done.code == 2 and "--reviewer" in done.stderr
    done = run_cli("review", str(report), "--reviewer", "a", "--non-interactive")
    assert done.code == 2 and "exactly one of --accept-all or --decisions" in done.stderr


def test_decisions_file(run_cli: Run, report: Path, workdir: Path) -> None:
    fps = _fps(report)
    decisions = workdir / "decisions.toml"
    decisions.write_text(
        f'[[decision]]\nfingerprint = "{fps["r-one"]}"\ndecision = "accept"\nreason = "ok"\n'
        f'[[decision]]\nfingerprint = "{fps["r-two"]}"\ndecision = "skip"\n'
    )
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "bob",
        "--decisions", str(decisions),
    )  # fmt: skip
    assert done.code == 0, done.stderr
    (waiver,) = parse_waivers(Path("w.toml").read_bytes(), "w.toml")
    assert (waiver.fingerprint, waiver.reviewer, waiver.rule) == (fps["r-one"], "bob", "r-one")
    # a second run rejecting it removes the waiver again
    decisions.write_text(json.dumps([{"fingerprint": fps["r-one"], "decision": "reject"}]))
    renamed = decisions.rename(workdir / "decisions.json")
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "bob",
        "--decisions", str(renamed), "--include-waived",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert parse_waivers(Path("w.toml").read_bytes(), "w.toml") == ()


def test_interactive_over_cli_input(run_cli: Run, report: Path) -> None:
    # findings come in path/line order: r-one (5), r-two (9), r-crit (12)
    answers = "a\nbecause it is test code\nr\na\nshort\n" + LONG + "\n"
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "carol", input=answers
    )
    assert done.code == 0, done.stderr
    assert "[1/3] HIGH r-one (hidden-exec)" in done.stdout
    assert "src/\\x1b[31mapp.py:5 in handler" in done.stdout
    assert "\x1b]0;" not in done.stdout and "\x07" not in done.stdout
    assert "at least 40 characters" in done.stdout
    assert "accepted 2, rejected 1, skipped 0" in done.stdout
    fps = _fps(report)
    waivers = {w.fingerprint: w for w in parse_waivers(Path("w.toml").read_bytes(), "w")}
    assert set(waivers) == {fps["r-one"], fps["r-crit"]}
    assert waivers[fps["r-crit"]].reason == LONG


def test_interactive_quit_keeps_earlier_decisions(run_cli: Run, report: Path) -> None:
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "d", input="a\nok\nq\n"
    )
    assert done.code == 0, done.stderr
    assert "accepted 1, rejected 0, skipped 0" in done.stdout
    assert len(parse_waivers(Path("w.toml").read_bytes(), "w")) == 1


def test_interactive_eof_writes_nothing(run_cli: Run, report: Path) -> None:
    done = run_cli("review", str(report), "--waivers", "w.toml", "--reviewer", "d", input="a\n")
    assert done.code == 130
    assert "nothing written" in done.stderr
    assert not Path("w.toml").exists()


def test_signed_waivers_and_tampering(run_cli: Run, report: Path, keys: Any) -> None:
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "e", "--key",
        str(keys.private), "--non-interactive", "--accept-all", "--reason", LONG,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert "(signed)" in done.stdout
    assert Path("w.toml.sig").is_file()
    load_waivers(Path("w.toml"), load_public_key(keys.public))
    Path("w.toml").write_text(Path("w.toml").read_text().replace('"e"', '"mallory"'))
    done = run_cli(
        "review", str(report), "--waivers", "w.toml", "--reviewer", "e", "--trust",
        str(keys.public), "--non-interactive", "--accept-all", "--reason", LONG,
    )  # fmt: skip
    assert done.code == 3
    assert "w.toml: signature does not verify" in done.stderr


def test_bad_report_is_exit_3(run_cli: Run, workdir: Path) -> None:
    (workdir / "bad.json").write_text("{not json")
    done = run_cli("review", "bad.json", "--reviewer", "x", "--non-interactive", "--accept-all",
                   "--reason", "r")  # fmt: skip
    assert done.code == 3 and "invalid report" in done.stderr
