"""Cached outcomes <-> bytes: canonical JSON of a file's record, findings and parse flag.

JSON, never pickle: a cache folder is writable by whoever owns it, and loading it must not be
able to run code. Decoding validates shapes; anything unexpected raises CacheDecodeError and the
entry is dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from integrity.model import (
    Category,
    Confidence,
    Constant,
    EntryType,
    FileRecord,
    Finding,
    Severity,
    Symbol,
)

FORMAT = 1


class CacheDecodeError(ValueError):
    """A stored value does not decode to an outcome."""


@dataclass(frozen=True, slots=True)
class CachedOutcome:
    """What the cache stores for one (content, path, run configuration)."""

    record: FileRecord
    findings: tuple[Finding, ...]
    parsed: bool


def _pairs(items: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[a, b] for a, b in items]


def _symbol(sym: Symbol) -> list[Any]:
    return [sym.name, sym.kind, sym.start_line, sym.end_line, sym.digest, list(sym.sensitive)]


def _constant(const: Constant) -> list[Any]:
    return [const.key, const.value, const.line, const.symbol, const.standard]


def _finding(item: Finding) -> dict[str, Any]:
    return {
        "rule_id": item.rule_id,
        "category": item.category.value,
        "severity": item.severity.value,
        "confidence": item.confidence.value,
        "message": item.message,
        "path": item.path,
        "start_line": item.start_line,
        "end_line": item.end_line,
        "symbol": item.symbol,
        "change": item.change,
        "fingerprint": item.fingerprint,
        "snippet": item.snippet,
        "details": _pairs(item.details),
        "status": item.status,
        "waiver": _pairs(item.waiver),
    }


def encode(outcome: CachedOutcome) -> bytes:
    """Canonical JSON bytes (ASCII, sorted keys; lone surrogates in paths survive as escapes)."""
    rec = outcome.record
    document = {
        "format": FORMAT,
        "parsed": outcome.parsed,
        "record": {
            "path": rec.path,
            "kind": rec.kind.value,
            "size": rec.size,
            "executable": rec.executable,
            "sha256": rec.sha256,
            "language": rec.language,
            "target": rec.target,
            "symbols": [_symbol(s) for s in rec.symbols],
            "constants": [_constant(c) for c in rec.constants],
            "parser": rec.parser,
            "token_digest": rec.token_digest,
            "problem": rec.problem,
        },
        "findings": [_finding(f) for f in outcome.findings],
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def _tuple_pairs(raw: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in raw)


def _decode_finding(raw: dict[str, Any]) -> Finding:
    return Finding(
        rule_id=str(raw["rule_id"]),
        category=Category(raw["category"]),
        severity=Severity(raw["severity"]),
        confidence=Confidence(raw["confidence"]),
        message=str(raw["message"]),
        path=str(raw["path"]),
        start_line=int(raw["start_line"]),
        end_line=int(raw["end_line"]),
        symbol=raw["symbol"],
        change=str(raw["change"]),
        fingerprint=str(raw["fingerprint"]),
        snippet=str(raw["snippet"]),
        details=_tuple_pairs(raw["details"]),
        status=str(raw["status"]),
        waiver=_tuple_pairs(raw["waiver"]),
    )


def _decode_record(raw: dict[str, Any]) -> FileRecord:
    return FileRecord(
        path=str(raw["path"]),
        kind=EntryType(raw["kind"]),
        size=int(raw["size"]),
        executable=bool(raw["executable"]),
        sha256=raw["sha256"],
        language=raw["language"],
        target=raw["target"],
        symbols=tuple(
            Symbol(str(n), str(k), int(a), int(b), str(d), tuple(str(t) for t in tags))
            for n, k, a, b, d, tags in raw["symbols"]
        ),
        constants=tuple(
            Constant(str(k), str(v), int(line), sym, std)
            for k, v, line, sym, std in raw["constants"]
        ),
        parser=raw["parser"],
        token_digest=raw["token_digest"],
        problem=raw["problem"],
    )


def decode(data: bytes) -> CachedOutcome:
    """The outcome stored by `encode`; CacheDecodeError for anything else."""
    try:
        document = json.loads(data.decode("ascii"))
        if document.get("format") != FORMAT:
            raise CacheDecodeError("unknown cache entry format")
        return CachedOutcome(
            record=_decode_record(document["record"]),
            findings=tuple(_decode_finding(f) for f in document["findings"]),
            parsed=bool(document["parsed"]),
        )
    except CacheDecodeError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CacheDecodeError(f"undecodable cache entry: {type(exc).__name__}") from None
