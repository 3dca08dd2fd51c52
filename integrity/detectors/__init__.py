"""Detectors: the explicit registry of rule kinds, and `build_detectors` (one detector per rule).

A kind maps to a factory `(rule, context) -> Detector`. Declarative kinds are generic classes
built from rule data; `builtin:<name>` kinds are coded detectors whose metadata and examples
still live in signatures/. Kind "secret" rules are handed, all together, to the secrets detector
(`integrity.detectors.secrets.build_secret_detectors`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from integrity.detectors.assembled import AssembledNameDetector
from integrity.detectors.base import Detector, FileView
from integrity.detectors.common import lower_keywords
from integrity.detectors.confusables import ConfusableIdentifierDetector
from integrity.detectors.dependencies import DependencyDetector
from integrity.detectors.dispatch import ByLanguage, RuleDetector
from integrity.detectors.feature_check import FeatureCheckDetector
from integrity.detectors.keywords import KeywordIndex
from integrity.detectors.literal_change import LiteralChangeDetector
from integrity.detectors.opaque import OpaqueBinaryDetector
from integrity.detectors.query import QueryBundle, QueryDetector, build_bundles
from integrity.detectors.regex import RegexDetector
from integrity.detectors.secrets import build_secret_detectors
from integrity.errors import SignatureError
from integrity.rules.load import RuleSet
from integrity.rules.schema import Rule
from integrity.secrets.database import DatabaseBuild
from integrity.syntax.languages import Grammars

__all__ = ["KINDS", "BuildContext", "Detector", "FileView", "build_detectors"]


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What a factory may use: the rule set, the run's grammars, the per-language query bundles
    and the run's keyword index."""

    ruleset: RuleSet
    grammars: Grammars
    bundles: Mapping[str, QueryBundle]
    keywords: KeywordIndex | None = None


Factory = Callable[[Rule, BuildContext], Detector]

_GROUPED = ("query", "regex")
"""Kinds whose detectors are offered each file through one `ByLanguage` group per kind."""

KINDS: dict[str, Factory] = {
    "query": lambda rule, ctx: QueryDetector(rule, ctx.bundles),
    "regex": lambda rule, ctx: RegexDetector(rule, ctx.keywords),
    "literal-change": lambda rule, ctx: LiteralChangeDetector(rule),
    "builtin:assembled-name": lambda rule, ctx: AssembledNameDetector(rule, ctx.grammars),
    "builtin:confusable-identifier": lambda rule, ctx: ConfusableIdentifierDetector(
        rule, ctx.grammars
    ),
    "builtin:feature-check": lambda rule, ctx: FeatureCheckDetector(rule, ctx.grammars),
    "builtin:opaque-binary": lambda rule, ctx: OpaqueBinaryDetector(rule),
    "builtin:dependency-added": lambda rule, ctx: DependencyDetector(rule, "added"),
    "builtin:dependency-source": lambda rule, ctx: DependencyDetector(rule, "source"),
    "builtin:dependency-hash": lambda rule, ctx: DependencyDetector(rule, "hash"),
    "builtin:dependency-install-script": lambda rule, ctx: DependencyDetector(
        rule, "install-script"
    ),
}


def build_detectors(
    ruleset: RuleSet, grammars: Grammars, prebuilt: DatabaseBuild | None = None
) -> tuple[Detector, ...]:
    """One detector per rule (secret rules: whatever the secrets detector builds from them;
    `prebuilt` may hold their hyperscan database), the query rules and the regex rules each
    offered files through one `ByLanguage` group.

    Build once per run and thread: query detectors of a language share one combined query.
    Raises SignatureError for a kind with no registered detector.
    """
    keywords = KeywordIndex(
        word
        for rule in ruleset.rules
        if rule.kind != "secret"
        for word in lower_keywords(rule.keywords)
    )
    bundles = build_bundles(ruleset.rules, ruleset.queries, keywords)
    context = BuildContext(ruleset, grammars, bundles, keywords)
    slots: list[Detector | str] = []  # a kind name holds the place of that kind's group
    grouped: dict[str, list[RuleDetector]] = {kind: [] for kind in _GROUPED}
    for rule in ruleset.rules:
        if rule.kind == "secret":  # all of them go to the one secrets detector, last
            continue
        factory = KINDS.get(rule.kind)
        if factory is None:
            raise SignatureError(
                f"{rule.source_file}: rule {rule.id}: no detector for kind {rule.kind!r}"
            )
        detector = factory(rule, context)
        members = grouped.get(rule.kind)
        if members is None:
            slots.append(detector)
            continue
        if not members:  # the group stands where its first rule stood
            slots.append(rule.kind)
        members.append(cast(RuleDetector, detector))
    slots.extend(build_secret_detectors(ruleset.rules, prebuilt))
    return tuple(
        ByLanguage(f"{slot}-rules", grouped[slot]) if isinstance(slot, str) else slot
        for slot in slots
    )
