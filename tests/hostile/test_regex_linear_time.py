"""Every shipped regex and secret rule runs in time linear in its input.

For each rule, adversarial inputs are built from the rule itself (long runs of the pattern's
literal prefix, its keywords, near-misses of its own match examples repeated ~thousands of
times, and runs of generic characters). Every (rule, input) pair is screened at 16 KiB; the
slowest pairs are then re-run at 256 KiB and 1 MiB: time per MB must stay under a generous bound
and must not grow with the size (a quadratic rule would take ~16x longer on 4x the input).

The worst case measured is printed (run with `-s`) and recorded in docs/security.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from integrity.detectors.base import FileView
from integrity.detectors.regex import RegexDetector
from integrity.detectors.secrets import SecretsDetector
from integrity.rules.load import load_rules
from integrity.rules.schema import Rule
from integrity.syntax.languages import Grammars
from tests.hostile.regex_inputs import build, units

SCREEN = 16 * 1024
BIG = 1024 * 1024
MAX_SECONDS_PER_MB = 20.0  # generous: the measured worst case is far below (docs/security.md)
MAX_GROWTH = 8.0  # time(4x input) / time(input) for a linear rule is ~4; quadratic is ~16

_EXT = {
    "python": "app.py",
    "c": "main.c",
    "cpp": "main.cpp",
    "javascript": "app.js",
    "typescript": "app.ts",
    "go": "main.go",
    "java": "Main.java",
    "php": "index.php",
    "ruby": "app.rb",
    "rust": "main.rs",
    "bash": "run.sh",
    "c_sharp": "Main.cs",
    "csharp": "Main.cs",
}


def _path_for(rule: Rule) -> tuple[str, str | None]:
    if rule.paths:
        glob = rule.paths[0].replace("**/", "").replace("*", "x")
        return glob.lstrip("/") or "x.txt", None
    if rule.languages:
        lang = rule.languages[0]
        return _EXT.get(lang, "file.txt"), lang
    return "settings.py", "python"


Runner = Callable[[bytes], float]


def _runner(rule: Rule, grammars: Grammars, trees: dict[tuple[str, bytes], Any]) -> Runner:
    """Seconds the rule's detector takes on `data` (the parse, shared by all rules, is untimed)."""
    path, language = _path_for(rule)
    detector: RegexDetector | SecretsDetector
    detector = SecretsDetector([rule]) if rule.kind == "secret" else RegexDetector(rule)

    def run(data: bytes) -> float:
        tree = None
        if language:
            key = (language, data)
            if key not in trees:
                trees[key] = grammars.parse(language, data)
            tree = trees[key]
        view = FileView(path=path, language=language, after=data, tree=tree)
        started = time.perf_counter()
        for _ in detector.detect(view):
            pass
        return time.perf_counter() - started

    return run


@dataclass(frozen=True)
class Timing:
    rule_id: str
    label: str
    seconds_per_mb: float


def _rules() -> list[Rule]:
    return [r for r in load_rules().rules if r.kind in ("regex", "secret") and r.pattern]


@pytest.mark.slow
def test_every_regex_and_secret_rule_is_linear_on_adversarial_input() -> None:
    grammars = Grammars(parse_budget=5.0)
    trees: dict[tuple[str, bytes], Any] = {}
    rules = _rules()
    assert len(rules) > 100  # 23 regex + 108 secret rules at the time of writing
    screened: list[tuple[float, Rule, str, str]] = []
    runners: dict[str, Runner] = {}
    for rule in rules:
        runner = runners[rule.id] = _runner(rule, grammars, trees)
        for label, unit in units(rule).items():
            seconds = runner(build(unit, SCREEN))
            screened.append((seconds, rule, label, unit))
    screened.sort(key=lambda item: -item[0])
    trees.clear()
    worst: list[Timing] = []
    for _seconds, rule, label, unit in screened[:8]:
        runner = runners[rule.id]
        quarter = runner(build(unit, BIG // 4))
        full = runner(build(unit, BIG))
        per_mb = full / (BIG / 1e6)
        worst.append(Timing(rule.id, label, per_mb))
        assert per_mb < MAX_SECONDS_PER_MB, f"{rule.id} on {label}: {per_mb:.2f} s/MB"
        assert full < max(quarter * MAX_GROWTH, 0.25), (
            f"{rule.id} on {label}: {quarter:.3f}s at 256 KiB but {full:.3f}s at 1 MiB "
            "(super-linear)"
        )
    slowest = max(worst, key=lambda t: t.seconds_per_mb)
    print(
        f"\nregex worst case over {len(screened)} (rule, input) pairs: "
        f"{slowest.rule_id} on {slowest.label}: {slowest.seconds_per_mb:.3f} s/MB"
    )


def test_inputs_are_built_from_each_rule() -> None:
    rule = next(r for r in _rules() if r.keywords)
    built = units(rule)
    assert f"keyword:{rule.keywords[0]}" in built
    assert len(build(built[f"keyword:{rule.keywords[0]}"], 1000)) == 1000
