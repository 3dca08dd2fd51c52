"""Release sign-off attestations: an in-toto Statement v1 in a DSSE envelope, signed with Ed25519.

The statement's subject is the released tree (its digest from ``review.subject``); the
predicate records who signed off, the baseline, rules and waivers digests, the tool version,
and every finding with its status. DSSE signs the PAE encoding
``DSSEv1 <len(type)> <type> <len(payload)> <payload>`` of the canonical JSON payload.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from integrity.errors import TrustError
from integrity.model import Finding, ScanResult
from integrity.signing import key_id

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://integrity.dev/signoff/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
MAX_ATTESTATION_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Subject:
    """What is attested: a name and its sha256 (hex)."""

    name: str
    sha256: str
    kind: str


@dataclass(frozen=True, slots=True)
class SignoffFacts:
    """Everything the predicate records besides the findings."""

    reviewer: str
    timestamp: str
    baseline_digest: str | None
    rules_digest: str
    waivers_digest: str | None
    waivers_path: str | None


@dataclass(frozen=True, slots=True)
class VerifiedAttestation:
    """A statement whose envelope verified against the trusted key."""

    keyid: str
    subject: Subject
    predicate_type: str
    reviewer: str
    statuses: tuple[tuple[str, int], ...]


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE pre-authentication encoding."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def canonical_json(doc: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, ASCII only."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _finding_doc(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "path": finding.path,
        "start_line": finding.start_line,
        "fingerprint": finding.fingerprint,
        "message": finding.message,
        "status": finding.status,
        "waiver": dict(finding.waiver),
    }


def statement(result: ScanResult, subject: Subject, facts: SignoffFacts) -> dict[str, Any]:
    """The in-toto Statement v1 of a sign-off of `result`."""
    findings = sorted(result.findings, key=Finding.sort_key)
    statuses: dict[str, int] = {}
    for finding in findings:
        statuses[finding.status] = statuses.get(finding.status, 0) + 1
    source = result.source
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": subject.name, "digest": {"sha256": subject.sha256}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "reviewer": facts.reviewer,
            "timestamp": facts.timestamp,
            "tool": {"name": "integrity", "version": result.tool_version},
            "command": result.command,
            "subject_kind": subject.kind,
            "source": {
                k: v
                for k, v in (
                    ("kind", source.kind),
                    ("location", source.location),
                    ("ref", source.ref),
                    ("commit", source.commit),
                )
                if v is not None
            },
            "baseline": {"digest": facts.baseline_digest} if facts.baseline_digest else None,
            "rules_digest": facts.rules_digest,
            "waivers": (
                {"digest": facts.waivers_digest, "path": facts.waivers_path}
                if facts.waivers_digest
                else None
            ),
            "fail_on": result.fail_on.value,
            "summary": {"findings": len(findings), "statuses": statuses},
            "findings": [_finding_doc(f) for f in findings],
        },
    }


def envelope(doc: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The DSSE envelope (JSON bytes, newline-terminated) signing `doc` with `key`."""
    payload = canonical_json(doc)
    signature = key.sign(pae(PAYLOAD_TYPE, payload))
    env = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {
                "keyid": key_id(key.public_key()),
                "sig": base64.b64encode(signature).decode("ascii"),
            }
        ],
    }
    return (json.dumps(env, sort_keys=True, indent=2) + "\n").encode("ascii")


def _b64(value: object, what: str, origin: str) -> bytes:
    if not isinstance(value, str):
        raise TrustError(f"{origin}: {what} is missing or not a string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise TrustError(f"{origin}: {what} is not valid base64") from None


def _json(data: bytes, what: str, origin: str) -> dict[str, Any]:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise TrustError(f"{origin}: {what} is not JSON") from None
    if not isinstance(doc, dict):
        raise TrustError(f"{origin}: {what} is not a JSON object")
    return doc


def open_envelope(data: bytes, trusted: Ed25519PublicKey, origin: str) -> dict[str, Any]:
    """The verified statement inside a DSSE envelope. Raises TrustError (exit 3)."""
    env = _json(data, "attestation", origin)
    if env.get("payloadType") != PAYLOAD_TYPE:
        raise TrustError(f"{origin}: payloadType is not {PAYLOAD_TYPE!r}")
    payload = _b64(env.get("payload"), "payload", origin)
    signatures = env.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise TrustError(f"{origin}: the attestation carries no signature")
    wanted = key_id(trusted)
    mine = [s for s in signatures if isinstance(s, dict) and s.get("keyid") == wanted]
    if not mine:
        others = ", ".join(str(s.get("keyid")) for s in signatures if isinstance(s, dict))
        raise TrustError(
            f"{origin}: signed by key {others or '?'}, not by the trusted key {wanted}"
        )
    message = pae(PAYLOAD_TYPE, payload)
    for entry in mine:
        try:
            trusted.verify(_b64(entry.get("sig"), "signature", origin), message)
        except InvalidSignature:
            continue
        return _json(payload, "payload", origin)
    raise TrustError(
        f"{origin}: signature does not verify with the trusted key {wanted} "
        "(the attestation was altered or signed by another key)"
    )


def read_statement(doc: dict[str, Any], keyid: str, origin: str) -> VerifiedAttestation:
    """Check the statement's shape and pull out what `attest verify` reports."""
    if doc.get("_type") != STATEMENT_TYPE:
        raise TrustError(f"{origin}: not an in-toto Statement v1 (_type {doc.get('_type')!r})")
    if doc.get("predicateType") != PREDICATE_TYPE:
        raise TrustError(f"{origin}: unexpected predicateType {doc.get('predicateType')!r}")
    subjects = doc.get("subject")
    predicate = doc.get("predicate")
    if not isinstance(subjects, list) or len(subjects) != 1 or not isinstance(predicate, dict):
        raise TrustError(f"{origin}: expected exactly one subject and a predicate")
    first = subjects[0]
    digest = first.get("digest") if isinstance(first, dict) else None
    sha = digest.get("sha256") if isinstance(digest, dict) else None
    name = first.get("name") if isinstance(first, dict) else None
    if not isinstance(sha, str) or not isinstance(name, str):
        raise TrustError(f"{origin}: the subject has no name or sha256 digest")
    summary = predicate.get("summary")
    statuses = summary.get("statuses") if isinstance(summary, dict) else None
    counts = tuple(sorted((str(k), v) for k, v in (statuses or {}).items() if isinstance(v, int)))
    return VerifiedAttestation(
        keyid=keyid,
        subject=Subject(name, sha, str(predicate.get("subject_kind", "tree"))),
        predicate_type=str(doc["predicateType"]),
        reviewer=str(predicate.get("reviewer", "")),
        statuses=counts,
    )


def verify_attestation(
    data: bytes, trusted: Ed25519PublicKey, origin: str, actual_sha256: str | None
) -> VerifiedAttestation:
    """Verify signature and statement; with `actual_sha256`, the source must still match."""
    verified = read_statement(open_envelope(data, trusted, origin), key_id(trusted), origin)
    if actual_sha256 is not None:
        check_source(verified, verified.subject.kind, actual_sha256, origin)
    return verified


def check_source(verified: VerifiedAttestation, kind: str, sha256: str, origin: str) -> None:
    """The source (an archive or a tree, with its digest) must be the attested subject."""
    if kind != verified.subject.kind:
        raise TrustError(
            f"{origin}: the attestation is for {verified.subject.kind} "
            f"{verified.subject.name!r}, but SOURCE is a {kind}"
        )
    if sha256 != verified.subject.sha256:
        raise TrustError(
            f"{origin}: the source changed after sign-off: attested sha256 "
            f"{verified.subject.sha256[:16]}..., source now {sha256[:16]}..."
        )
