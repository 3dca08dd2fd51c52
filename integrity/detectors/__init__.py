"""Detectors: the registry of rule kinds (filled in by the rules/detectors work)."""

from __future__ import annotations

from integrity.detectors.base import Detector, FileView
from integrity.rules.load import RuleSet
from integrity.syntax.languages import Grammars

__all__ = ["Detector", "FileView", "build_detectors"]


def build_detectors(ruleset: RuleSet, grammars: Grammars) -> tuple[Detector, ...]:
    """One detector per rule (STUB: the rules work fills the KINDS registry)."""
    return ()
