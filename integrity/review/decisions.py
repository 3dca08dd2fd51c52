"""Reviewer decisions (accept with a waiver, reject, skip) and how they change a waiver list."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from integrity.errors import InvalidInputError
from integrity.model import Finding, Severity
from integrity.review.waivers import MIN_CRITICAL_REASON, Waiver

MAX_DECISIONS_BYTES = 16 * 1024 * 1024
_KEYS = frozenset({"fingerprint", "decision", "reason"})


class Verdict(StrEnum):
    """What a reviewer decided about one finding."""

    ACCEPT = "accept"
    REJECT = "reject"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer decision about the finding with `fingerprint`."""

    fingerprint: str
    verdict: Verdict
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Merged:
    """The waiver list after applying decisions, with counts and notes for the reviewer."""

    waivers: tuple[Waiver, ...]
    accepted: int
    rejected: int
    skipped: int
    notes: tuple[str, ...] = ()


def reason_problem(finding: Finding, reason: str) -> str | None:
    """Why `reason` cannot waive `finding`, or None when it can."""
    text = reason.strip()
    if not text:
        return "a waiver needs a reason"
    if finding.severity is Severity.CRITICAL and len(text) < MIN_CRITICAL_REASON:
        return (
            f"waiving a critical finding needs a reason of at least {MIN_CRITICAL_REASON} "
            f"characters (got {len(text)})"
        )
    return None


def load_decisions(path: Path) -> tuple[Decision, ...]:
    """Decisions from a JSON list or a TOML file of [[decision]] tables."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DECISIONS_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read decisions: {exc.strerror}") from exc
    if len(data) > MAX_DECISIONS_BYTES:
        raise InvalidInputError(f"{path}: decisions file too large")
    return parse_decisions(data, str(path), as_json=path.suffix.lower() == ".json")


def parse_decisions(data: bytes, origin: str, *, as_json: bool) -> tuple[Decision, ...]:
    """Validate raw decisions; errors name the file and the entry."""
    entries: object
    try:
        if as_json:
            entries = json.loads(data)
        else:
            doc = tomllib.loads(data.decode("utf-8"))
            if set(doc) - {"decision"}:
                raise InvalidInputError(f"{origin}: expected only [[decision]] tables")
            entries = doc.get("decision", [])
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInputError(f"{origin}: cannot parse decisions: {exc}") from None
    if not isinstance(entries, list):
        raise InvalidInputError(f"{origin}: expected a list of decisions")
    out: list[Decision] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        decision = _decision(entry, f"{origin}: decision #{index + 1}")
        if decision.fingerprint in seen:
            raise InvalidInputError(
                f"{origin}: decision #{index + 1}: duplicate fingerprint {decision.fingerprint}"
            )
        seen.add(decision.fingerprint)
        out.append(decision)
    return tuple(out)


def _decision(entry: object, where: str) -> Decision:
    if not isinstance(entry, dict):
        raise InvalidInputError(f"{where}: expected an object with fingerprint and decision")
    doc: dict[str, Any] = entry
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise InvalidInputError(f"{where}: unknown key(s): {', '.join(unknown)}")
    fingerprint, verdict, reason = doc.get("fingerprint"), doc.get("decision"), doc.get("reason")
    if not isinstance(fingerprint, str) or not fingerprint:
        raise InvalidInputError(f"{where}: 'fingerprint' must be a non-empty string")
    if not isinstance(reason, str | None):
        raise InvalidInputError(f"{where}: 'reason' must be a string")
    try:
        kind = Verdict(str(verdict))
    except ValueError:
        raise InvalidInputError(
            f"{where}: 'decision' must be one of accept, reject, skip (got {verdict!r})"
        ) from None
    if kind is Verdict.ACCEPT and not (reason or "").strip():
        raise InvalidInputError(f"{where}: an accept decision needs a reason")
    return Decision(fingerprint, kind, reason or "")


def merge(
    existing: tuple[Waiver, ...],
    findings: tuple[Finding, ...],
    decisions: tuple[Decision, ...],
    reviewer: str,
    today: date,
    expires: date | None = None,
    scope: tuple[str, ...] = ("all",),
) -> Merged:
    """Apply decisions: accept replaces any waiver of that fingerprint, reject removes it.

    Raises InvalidInputError when an accept's reason is too short for its finding.
    """
    by_fp = {f.fingerprint: f for f in findings}
    waivers = list(existing)
    notes: list[str] = []
    counts = dict.fromkeys(Verdict, 0)
    for decision in decisions:
        finding = by_fp.get(decision.fingerprint)
        if finding is None:
            notes.append(f"decision for unknown fingerprint {decision.fingerprint} ignored")
            continue
        counts[decision.verdict] += 1
        if decision.verdict is Verdict.SKIP:
            continue
        waivers = [w for w in waivers if w.fingerprint != decision.fingerprint]
        if decision.verdict is Verdict.ACCEPT:
            problem = reason_problem(finding, decision.reason)
            if problem is not None:
                raise InvalidInputError(f"finding {decision.fingerprint}: {problem}")
            waivers.append(
                Waiver(
                    reason=decision.reason.strip(),
                    reviewer=reviewer,
                    date=today,
                    fingerprint=decision.fingerprint,
                    rule=finding.rule_id,
                    expires=expires,
                    scope=scope,
                    index=len(waivers),
                )
            )
    return Merged(
        tuple(waivers),
        counts[Verdict.ACCEPT],
        counts[Verdict.REJECT],
        counts[Verdict.SKIP],
        tuple(notes),
    )
