"""The secrets detector through the loader and the Detector protocol; redaction everywhere."""

from __future__ import annotations

import dataclasses
import pickle
import random
import string

import pytest

from integrity.detectors import build_detectors
from integrity.detectors.base import FileView
from integrity.detectors.secrets import SecretsDetector, build_secret_detectors
from integrity.errors import IntegrityError
from integrity.model import Category, Finding, assign_fingerprints
from integrity.rules.load import load_rules
from integrity.rules.schema import Rule
from integrity.syntax.languages import Grammars


@pytest.fixture(scope="module")
def rules() -> tuple[Rule, ...]:
    return tuple(rule for rule in load_rules().rules if rule.kind == "secret")


@pytest.fixture(scope="module")
def detector(rules: tuple[Rule, ...]) -> SecretsDetector:
    (built,) = build_secret_detectors(rules)
    assert isinstance(built, SecretsDetector)
    return built


def _rand(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def planted() -> dict[str, str]:
    """Secrets built at run time, one per kind of finding."""
    return {
        "stripe": "sk_live_" + _rand(40, 1),
        "slack": "xoxb-"
        + str(random.Random(2).randrange(10**10, 10**11))
        + "-"
        + str(random.Random(3).randrange(10**11, 10**12))
        + "-"
        + _rand(24, 3),
        "password": "Pl4nted-" + _rand(10, 4),
        "url-password": "Ur1-" + _rand(12, 5),
        "sendgrid": "SG." + _rand(22, 6) + "." + _rand(43, 7),
    }


def view_for(path: str, text: str) -> FileView:
    data = text.encode()
    return FileView(
        path=path,
        language="python",
        after=data,
        tree=Grammars().parse("python", data),
        change="added",
    )


def test_only_secret_rules_are_taken(rules: tuple[Rule, ...], detector: SecretsDetector) -> None:
    other = dataclasses.replace(rules[0], id="not-a-secret", kind="regex")
    assert build_secret_detectors([other]) == ()
    assert "not-a-secret" not in {r.id for r in detector.rules}
    assert {r.id for r in detector.rules} == {r.id for r in rules}
    assert len(rules) >= 100


def test_loader_routes_secret_rules_to_this_detector() -> None:
    ruleset = load_rules()
    detectors = build_detectors(ruleset, Grammars())
    assert sum(isinstance(d, SecretsDetector) for d in detectors) == 1


def test_findings_are_located_and_redacted(detector: SecretsDetector) -> None:
    secrets = planted()
    text = (
        "import os\n"
        f'STRIPE = "{secrets["stripe"]}"\n'
        f'SLACK = "{secrets["slack"]}"\n'
        f'DB_PASSWORD = "{secrets["password"]}"\n'
        f'URL = "postgres://app:{secrets["url-password"]}@db.internal/app"\n'
        f'MAIL = "{secrets["sendgrid"]}"\n'
    )
    view = view_for("app/settings.py", text)
    assert detector.wants(view)
    findings = list(detector.detect(view))
    assert [(f.rule_id, f.start_line) for f in findings] == [
        ("stripe-live-secret-key", 2),
        ("slack-bot-token", 3),
        ("generic-credential-assignment", 4),
        ("connection-string-password", 5),
        ("sendgrid-api-key", 6),
    ]
    assert {f.category for f in findings} == {Category.HARDCODED_CREDENTIAL}
    assert all(f.path == "app/settings.py" and f.change == "added" for f in findings)
    for finding in findings:
        dumped = repr(finding) + "".join(
            str(getattr(finding, f.name)) for f in dataclasses.fields(Finding)
        )
        for value in secrets.values():
            assert value not in dumped
            assert value[5:] not in dumped
        assert "sha256:" in finding.snippet and "chars" in finding.snippet
        assert len(finding.snippet.split("…", 1)[0]) <= 4
        assert dict(finding.details)["secret_sha256"] != ""


def test_fingerprint_is_stable_when_the_secret_moves_and_distinct_per_secret(
    detector: SecretsDetector,
) -> None:
    one, two = "sk_live_" + _rand(30, 8), "sk_live_" + _rand(30, 9)
    first = list(detector.detect(view_for("pay.py", f'K = "{one}"\n')))
    moved = list(detector.detect(view_for("pay.py", f'import os\n\n\nK = "{one}"\n')))
    other = list(detector.detect(view_for("pay.py", f'K = "{two}"\n')))
    fp = [assign_fingerprints(tuple(x))[0].fingerprint for x in (first, moved, other)]
    assert fp[0] == fp[1] != fp[2]
    assert (first[0].start_line, moved[0].start_line) == (1, 4)


def test_each_detector_holds_its_own_database(
    rules: tuple[Rule, ...], detector: SecretsDetector
) -> None:
    (a,) = build_secret_detectors(rules[:3])
    b = detector
    token = "sk_live_" + _rand(30, 10)
    view = view_for("x.py", f'K = "{token}"\n')
    assert [f.rule_id for f in b.detect(view)] == ["stripe-live-secret-key"]
    assert list(a.detect(view)) == []


def test_bad_pattern_is_a_clean_error(rules: tuple[Rule, ...]) -> None:
    broken = dataclasses.replace(
        rules[0], id="broken", pattern="(?P<secret>abc", source_file="x.toml"
    )
    with pytest.raises(IntegrityError, match=r"x\.toml: rule broken"):
        build_secret_detectors([broken])
    unknown = dataclasses.replace(rules[0], id="odd", checksum="luhn", source_file="x.toml")
    with pytest.raises(IntegrityError, match="unknown checksum"):
        build_secret_detectors([unknown])


def test_removed_or_empty_file_is_not_scanned(detector: SecretsDetector) -> None:
    view = FileView(path="gone.py", language="python", after=None, change="removed")
    assert not detector.wants(view)
    assert list(detector.detect(view)) == []


def test_detector_pickles_for_worker_processes(detector: SecretsDetector) -> None:
    token = "sk_live_" + _rand(30, 12)
    view = view_for("x.py", f'K = "{token}"\n')
    copy = pickle.loads(pickle.dumps(detector))
    assert [f.snippet for f in copy.detect(view)] == [f.snippet for f in detector.detect(view)]
    assert len(list(copy.detect(view))) == 1
