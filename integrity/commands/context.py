"""Turn options into the objects a run needs: policy, rules, registry, source, baseline."""

from __future__ import annotations

import os
from pathlib import Path

from integrity.baseline.store import LoadedBaseline, load_baseline
from integrity.cache import default_cache_dir
from integrity.commands.common import CommonOptions, policy_for, threshold, warn
from integrity.config import Policy
from integrity.engine import RunContext
from integrity.rules.load import load_rules
from integrity.signing import load_public_key
from integrity.sources import Source, SourceLimits, open_source
from integrity.syntax.constants import load_registry


def limits_for(policy: Policy) -> SourceLimits:
    """Archive caps from the policy's [limits] table."""
    return SourceLimits(**dict(policy.limits)) if policy.limits else SourceLimits()


def source_for(spec: str, repo: Path, policy: Policy) -> Source:
    """A Source from a SOURCE argument (directory, archive, or git:REF of --repo)."""
    return open_source(spec, repo=repo, excludes=policy.exclude, limits=limits_for(policy))


def run_context(
    opts: CommonOptions, policy: Policy, rules_dir: Path | None, *, structure: bool = True
) -> RunContext:
    """Load rules and the constant registry once for a run."""
    return RunContext(
        policy=policy,
        # the shipped signatures are checked by `rules test` and the test suite: their regexes
        # are not recompiled to be validated, their queries compile per language on first use;
        # a --rules folder is checked whole, now
        ruleset=load_rules(rules_dir, checked=rules_dir is None),
        registry=load_registry(),
        jobs=opts.jobs,
        structure=structure,
        fail_on=threshold(opts, policy),
        cache_dir=cache_dir_for(opts),
    )


def cache_dir_for(opts: CommonOptions) -> Path | None:
    """--cache-dir, else the default folder; None with --no-cache."""
    if opts.no_cache:
        return None
    return opts.cache_dir if opts.cache_dir is not None else default_cache_dir(os.environ)


def trusted_baseline(path: Path, trust: Path | None, opts: CommonOptions) -> LoadedBaseline:
    """Load a baseline, checking its signature against --trust when given."""
    key = load_public_key(trust) if trust is not None else None
    loaded = load_baseline(path, key)
    for message in loaded.warnings:
        warn(opts, message)
    return loaded


__all__ = [
    "cache_dir_for",
    "limits_for",
    "policy_for",
    "run_context",
    "source_for",
    "trusted_baseline",
]
