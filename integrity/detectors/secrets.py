"""The hardcoded-credential detector: every rule of kind "secret" runs in one SecretEngine
(one hyperscan database), so the whole set costs one pass over each file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from integrity.detectors.base import Detector, FileView
from integrity.model import Category, Finding
from integrity.rules.schema import Rule
from integrity.secrets.database import DatabaseBuild
from integrity.secrets.engine import SecretEngine, SecretHit
from integrity.secrets.redact import redact, secret_sha256

SECRETS_DETECTOR_ID = "hardcoded-credentials"
"""The detector's own id; each Finding carries the id of the rule that matched."""


def hit_to_finding(hit: SecretHit, view: FileView) -> Finding:
    """A Finding whose snippet and details hold only the redacted form and the hash."""
    return Finding(
        rule_id=hit.rule.id,
        category=Category.HARDCODED_CREDENTIAL,
        severity=hit.severity,
        confidence=hit.confidence,
        message=hit.rule.message,
        path=view.path,
        start_line=hit.start_line,
        end_line=hit.end_line,
        symbol=hit.symbol,
        change=view.change,
        snippet=redact(hit.secret),
        details=(
            ("secret_length", str(len(hit.secret))),
            ("secret_sha256", secret_sha256(hit.secret)),
            ("validated", {True: "yes", False: "no", None: "n/a"}[hit.validated]),
        ),
    )


class SecretsDetector:
    """Runs all secret rules at once; holds the per-run hyperscan database."""

    def __init__(self, rules: Sequence[Rule], prebuilt: DatabaseBuild | None = None) -> None:
        self._engine = SecretEngine(rules, prebuilt=prebuilt)

    @property
    def rule_id(self) -> str:
        """The detector id (findings carry the matching rule's own id)."""
        return SECRETS_DETECTOR_ID

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The secret rules this detector runs."""
        return self._engine.rules

    def wants(self, view: FileView) -> bool:
        """Any file with content: the hyperscan pass is cheap enough to need no prefilter."""
        return bool(view.after)

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per credential, redacted."""
        if not view.after:
            return
        for hit in self._engine.scan(view.path, view.after, view.tree, view.symbols, view.language):
            yield hit_to_finding(hit, view)


def secret_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The rules the secrets detector runs (kind "secret"), in order."""
    return [rule for rule in rules if rule.kind == "secret"]


def build_secret_detectors(
    rules: Sequence[Rule], prebuilt: DatabaseBuild | None = None
) -> tuple[Detector, ...]:
    """One detector for every rule of kind "secret" (empty when there are none); `prebuilt` may
    hold their hyperscan database, compiled already."""
    mine = secret_rules(rules)
    if not mine:
        return ()
    return (SecretsDetector(mine, prebuilt),)
