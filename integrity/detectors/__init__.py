"""Detectors: the explicit registry of rule kinds, and `build_detectors` (one detector per rule).

A kind maps to a factory `(rule, ruleset, grammars) -> Detector`. Declarative kinds are generic
classes built from rule data; `builtin:<name>` kinds are coded detectors whose metadata and
examples still live in signatures/. Kind "secret" rules are handed, all together, to the secrets
detector (`integrity.detectors.secrets.build_secret_detectors`).
"""

from __future__ import annotations

from collections.abc import Callable

from integrity.detectors.assembled import AssembledNameDetector
from integrity.detectors.base import Detector, FileView
from integrity.detectors.confusables import ConfusableIdentifierDetector
from integrity.detectors.dependencies import DependencyDetector
from integrity.detectors.feature_check import FeatureCheckDetector
from integrity.detectors.literal_change import LiteralChangeDetector
from integrity.detectors.opaque import OpaqueBinaryDetector
from integrity.detectors.query import QueryDetector
from integrity.detectors.regex import RegexDetector
from integrity.detectors.secrets import build_secret_detectors
from integrity.errors import SignatureError
from integrity.rules.load import RuleSet
from integrity.rules.schema import Rule
from integrity.syntax.languages import Grammars

__all__ = ["KINDS", "Detector", "FileView", "build_detectors"]

Factory = Callable[[Rule, RuleSet, Grammars], Detector]


def _query(rule: Rule, ruleset: RuleSet, grammars: Grammars) -> Detector:
    queries = {lang: q for (rid, lang), q in ruleset.queries.items() if rid == rule.id}
    return QueryDetector(rule, queries)


KINDS: dict[str, Factory] = {
    "query": _query,
    "regex": lambda rule, ruleset, grammars: RegexDetector(rule),
    "literal-change": lambda rule, ruleset, grammars: LiteralChangeDetector(rule),
    "builtin:assembled-name": lambda rule, ruleset, grammars: AssembledNameDetector(rule, grammars),
    "builtin:dependency-added": lambda rule, ruleset, grammars: DependencyDetector(rule, "added"),
    "builtin:dependency-source": lambda rule, ruleset, grammars: DependencyDetector(rule, "source"),
    "builtin:dependency-hash": lambda rule, ruleset, grammars: DependencyDetector(rule, "hash"),
    "builtin:dependency-install-script": lambda rule, ruleset, grammars: DependencyDetector(
        rule, "install-script"
    ),
    "builtin:opaque-binary": lambda rule, ruleset, grammars: OpaqueBinaryDetector(rule),
    "builtin:feature-check": lambda rule, ruleset, grammars: FeatureCheckDetector(rule, grammars),
    "builtin:confusable-identifier": lambda rule, ruleset, grammars: ConfusableIdentifierDetector(
        rule, grammars
    ),
}


def build_detectors(ruleset: RuleSet, grammars: Grammars) -> tuple[Detector, ...]:
    """One detector per rule (secret rules: whatever the secrets detector builds from them).

    Raises SignatureError for a kind with no registered detector.
    """
    detectors: list[Detector] = []
    secrets: list[Rule] = []
    for rule in ruleset.rules:
        if rule.kind == "secret":
            secrets.append(rule)
            continue
        factory = KINDS.get(rule.kind)
        if factory is None:
            raise SignatureError(
                f"{rule.source_file}: rule {rule.id}: no detector for kind {rule.kind!r}"
            )
        detectors.append(factory(rule, ruleset, grammars))
    if secrets:
        detectors.extend(build_secret_detectors(secrets))
    return tuple(detectors)
