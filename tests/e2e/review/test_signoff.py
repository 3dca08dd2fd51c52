"""`integrity signoff` and `integrity attest verify`: DSSE/in-toto, refusal, tampering, drift."""

from __future__ import annotations

import base64
import hashlib
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]
REASON = "internal admin endpoint behind VPN, tracked in SEC-123"


def _waive(run_cli: Run, tree: Path, keys: Any) -> None:
    first = run_cli("scan", str(tree), "--format", "json", "-o", "r.json", "--quiet")
    assert first.code == 1, first.stderr
    done = run_cli(
        "review", "r.json", "--waivers", "w.toml", "--reviewer", "alice", "--key",
        str(keys.private), "--non-interactive", "--accept-all", "--reason", REASON,
    )  # fmt: skip
    assert done.code == 0, done.stderr


def _signoff(run_cli: Run, source: str, keys: Any, *extra: str) -> Any:
    return run_cli(
        "signoff", source, "--key", str(keys.private), "--reviewer", "release-manager",
        "-o", "att.json", "--quiet", *extra,
    )  # fmt: skip


def _statement(path: Path) -> dict[str, Any]:
    env = json.loads(path.read_text())
    doc: dict[str, Any] = json.loads(base64.b64decode(env["payload"]))
    return doc


def test_signoff_refuses_open_findings(run_cli: Run, tree: Path, workdir: Path, keys: Any) -> None:
    done = _signoff(run_cli, str(tree), keys)
    assert done.code == 1
    assert "sign-off refused: 1 open finding(s) at or above high" in done.stderr
    assert "py-exec-untrusted-input app.py:5" in done.stderr
    assert not (workdir / "att.json").exists()
    assert _signoff(run_cli, str(tree), keys, "--fail-on", "critical").code == 0


def test_signoff_and_verify(
    run_cli: Run, tree: Path, workdir: Path, keys: Any, other_keys: Any
) -> None:
    _waive(run_cli, tree, keys)
    done = _signoff(run_cli, str(tree), keys, "--waivers", "w.toml", "--trust", str(keys.public))
    assert done.code == 0, done.stderr
    env = json.loads((workdir / "att.json").read_text())
    assert env["payloadType"] == "application/vnd.in-toto+json"
    assert [sorted(s) for s in env["signatures"]] == [["keyid", "sig"]]
    doc = _statement(workdir / "att.json")
    assert doc["_type"] == "https://in-toto.io/Statement/v1"
    assert doc["predicateType"] == "https://integrity.dev/signoff/v1"
    (subject,) = doc["subject"]
    assert subject["name"] == "tree" and len(subject["digest"]["sha256"]) == 64
    predicate = doc["predicate"]
    assert predicate["reviewer"] == "release-manager"
    assert predicate["rules_digest"] and predicate["tool"]["name"] == "integrity"
    expected = "sha256:" + hashlib.sha256((workdir / "w.toml").read_bytes()).hexdigest()
    assert predicate["waivers"]["digest"] == expected
    (finding,) = predicate["findings"]
    assert (finding["rule_id"], finding["path"], finding["status"]) == (
        "py-exec-untrusted-input",
        "app.py",
        "waived",
    )
    assert finding["waiver"]["reviewer"] == "alice" and finding["waiver"]["reason"] == REASON

    ok = run_cli("attest", "verify", "att.json", "--trust", str(keys.public), "--source", str(tree))
    assert ok.code == 0, ok.stderr
    assert "attestation OK" in ok.stdout and "source matches" in ok.stdout

    wrong = run_cli("attest", "verify", "att.json", "--trust", str(other_keys.public))
    assert wrong.code == 3 and "not by the trusted key" in wrong.stderr

    tampered = dict(env)
    doc["predicate"]["findings"][0]["status"] = "open"
    tampered["payload"] = base64.b64encode(json.dumps(doc).encode()).decode()
    (workdir / "tampered.json").write_text(json.dumps(tampered))
    bad = run_cli("attest", "verify", "tampered.json", "--trust", str(keys.public))
    assert bad.code == 3 and "signature does not verify" in bad.stderr

    (tree / "README.md").write_text("hello, changed after sign-off\n")
    drift = run_cli(
        "attest", "verify", "att.json", "--trust", str(keys.public), "--source", str(tree)
    )
    assert drift.code == 3 and "the source changed after sign-off" in drift.stderr


def test_signoff_of_an_archive(run_cli: Run, tree: Path, workdir: Path, keys: Any) -> None:
    archive = workdir / "release-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="release-1.0")
    done = _signoff(run_cli, str(archive), keys, "--fail-on", "critical")
    assert done.code == 0, done.stderr
    (subject,) = _statement(workdir / "att.json")["subject"]
    assert subject == {
        "name": "release-1.0.tar.gz",
        "digest": {"sha256": hashlib.sha256(archive.read_bytes()).hexdigest()},
    }
    ok = run_cli(
        "attest", "verify", "att.json", "--trust", str(keys.public), "--source", str(archive)
    )
    assert ok.code == 0, ok.stderr
    as_tree = run_cli(
        "attest", "verify", "att.json", "--trust", str(keys.public), "--source", str(tree)
    )
    assert as_tree.code == 3 and "the attestation is for archive" in as_tree.stderr


def test_signoff_of_a_git_ref_with_baseline(
    run_cli: Run, git_repo: Any, workdir: Path, keys: Any, versions: Any
) -> None:
    git_repo.commit({"app.py": versions.original, "lib.py": "X = 1\n"}, "v1")
    built = run_cli(
        "baseline", "build", "git:HEAD", "--repo", str(git_repo.path), "-o", "b.json",
        "--sign", str(keys.private), "--quiet",
    )  # fmt: skip
    assert built.code in (0, 1), built.stderr
    done = _signoff(
        run_cli, "git:HEAD", keys, "--repo", str(git_repo.path), "--baseline", "b.json",
        "--trust", str(keys.public),
    )  # fmt: skip
    assert done.code == 0, done.stderr
    doc = _statement(workdir / "att.json")
    assert doc["predicate"]["baseline"]["digest"].startswith("sha256:")
    assert doc["predicate"]["command"] == "verify"
    assert doc["subject"][0]["name"] == "git:HEAD"
    verify = [
        "attest", "verify", "att.json", "--trust", str(keys.public), "--source", "git:HEAD",
        "--repo", str(git_repo.path),
    ]  # fmt: skip
    assert run_cli(*verify).code == 0
    git_repo.commit({"lib.py": "X = 2\n"}, "v2")
    moved = run_cli(*verify)
    assert moved.code == 3 and "changed after sign-off" in moved.stderr


@pytest.mark.parametrize("garbage", ["{", "[]", '{"payloadType": "text/plain"}'])
def test_attest_verify_rejects_garbage(
    run_cli: Run, workdir: Path, keys: Any, garbage: str
) -> None:
    (workdir / "g.json").write_text(garbage)
    done = run_cli("attest", "verify", "g.json", "--trust", str(keys.public))
    assert done.code == 3 and done.stderr.startswith("integrity: error: g.json: ")
