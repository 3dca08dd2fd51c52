"""Baseline <-> canonical JSON, signatures, and the one place baseline dicts exist.

Canonical form: sorted keys, no insignificant whitespace, ASCII only (so file names with invalid
UTF-8, held as lone surrogates, round-trip as \\udcXX escapes), one trailing newline. A signed
baseline's signature covers the canonical bytes of the document without its `signature` member;
with a trusted key the file must also be byte-for-byte canonical, so no byte can change unseen.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from integrity.errors import BaselineError
from integrity.model import Baseline, BaselineHeader, Constant, EntryType, FileRecord, SourceInfo
from integrity.model import Symbol as Sym
from integrity.signing import Signature, atomic_write, sign, verify

SCHEMA_VERSION = 1
MAX_BASELINE_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadedBaseline:
    """A baseline with what its loading established."""

    baseline: Baseline
    signature: Signature | None
    digest: str
    warnings: tuple[str, ...] = ()


def canonical(doc: dict[str, Any]) -> bytes:
    """The canonical bytes of a JSON document."""
    return (
        json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    ).encode("ascii")


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None and value != []}


def baseline_to_doc(baseline: Baseline) -> dict[str, Any]:
    """The JSON document of a baseline (without signature)."""
    header = baseline.header
    return {
        "schema_version": header.schema_version,
        "header": {
            "tool_version": header.tool_version,
            "rules_digest": header.rules_digest,
            "created": header.created,
            "source": _drop_none(
                {
                    "kind": header.source.kind,
                    "location": header.source.location,
                    "ref": header.source.ref,
                    "commit": header.source.commit,
                    "digest": header.source.digest,
                }
            ),
        },
        "files": [_record_doc(record) for record in baseline.files],
    }


def _record_doc(record: FileRecord) -> dict[str, Any]:
    return _drop_none(
        {
            "path": record.path,
            "type": record.kind.value,
            "size": record.size,
            "executable": record.executable,
            "sha256": record.sha256,
            "language": record.language,
            "target": record.target,
            "parser": record.parser,
            "token_digest": record.token_digest,
            "problem": record.problem,
            "symbols": [
                _drop_none(
                    {
                        "name": s.name,
                        "kind": s.kind,
                        "lines": [s.start_line, s.end_line],
                        "digest": s.digest,
                        "sensitive": list(s.sensitive) or None,
                    }
                )
                for s in record.symbols
            ],
            "constants": [
                _drop_none(
                    {
                        "key": c.key,
                        "value": c.value,
                        "line": c.line,
                        "symbol": c.symbol,
                        "standard": c.standard,
                    }
                )
                for c in record.constants
            ],
        }
    )


def render_baseline(baseline: Baseline, key: Ed25519PrivateKey | None) -> bytes:
    """Canonical bytes of the baseline, signed when a key is given."""
    doc = baseline_to_doc(baseline)
    if key is not None:
        signature = sign(canonical(doc), key)
        doc["signature"] = {
            "algorithm": signature.algorithm,
            "keyid": signature.keyid,
            "public_key": signature.public_key,
            "value": signature.value,
        }
    return canonical(doc)


def write_baseline(path: Path, baseline: Baseline, key: Ed25519PrivateKey | None) -> None:
    """Write a baseline atomically."""
    try:
        atomic_write(path, render_baseline(baseline, key))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror}") from exc


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BaselineError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_document(data: bytes, origin: str) -> dict[str, Any]:
    """Strict JSON object parse: duplicate keys, deep nesting and huge numbers are errors."""
    try:
        text = data.decode("utf-8")
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except BaselineError as exc:
        raise BaselineError(f"{origin}: not a valid baseline: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{origin}: not a valid baseline: not UTF-8 text") from exc
    except RecursionError as exc:
        raise BaselineError(f"{origin}: not a valid baseline: nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError and int-size limits
        raise BaselineError(f"{origin}: not a valid baseline: {exc}") from exc
    if not isinstance(doc, dict):
        raise BaselineError(f"{origin}: not a valid baseline: the top level is not an object")
    return doc


def load_baseline(path: Path, trusted: Ed25519PublicKey | None) -> LoadedBaseline:
    """Read, check and type a baseline file. Raises BaselineError / TrustError (exit 3)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BASELINE_BYTES + 1)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror}") from exc
    if len(data) > MAX_BASELINE_BYTES:
        raise BaselineError(f"{path}: baseline larger than {MAX_BASELINE_BYTES} bytes")
    return load_baseline_bytes(data, str(path), trusted)


def load_baseline_bytes(
    data: bytes, origin: str, trusted: Ed25519PublicKey | None
) -> LoadedBaseline:
    """As load_baseline, for bytes already read (e.g. from a git object)."""
    doc = parse_document(data, origin)
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BaselineError(f"{origin}: not a baseline (no schema_version)")
    if version > SCHEMA_VERSION:
        raise BaselineError(
            f"{origin}: baseline schema {version} is newer than this tool supports "
            f"({SCHEMA_VERSION}); upgrade integrity"
        )
    if version < 1:
        raise BaselineError(f"{origin}: unknown baseline schema {version}")
    raw_sig = doc.pop("signature", None)
    signature = _signature(raw_sig, origin) if raw_sig is not None else None
    body = data if signature is None else _signed_body(data, raw_sig, origin)
    warnings: list[str] = []
    if signature is None:
        if trusted is not None:
            raise BaselineError(f"{origin}: baseline is unsigned but --trust was given")
        warnings.append(f"{origin}: baseline is unsigned; its content is not authenticated")
    else:
        # The signature covers the file's own bytes (less the signature member), so a
        # verified baseline is byte-for-byte what was signed: no whitespace can change.
        verify(body, signature, trusted, origin)
        if trusted is None:
            warnings.append(
                f"{origin}: baseline signed by key {signature.keyid}; pass --trust to "
                "check it is a key you trust"
            )
    baseline = _baseline(doc, origin)
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    return LoadedBaseline(baseline, signature, digest, tuple(warnings))


_SIGNATURE_MEMBER = b',"signature":'


def _signed_body(data: bytes, raw_sig: Any, origin: str) -> bytes:
    """The canonical bytes a signature covers: the file without its trailing signature member.

    In canonical form "signature" sorts last, so the member is the tail of the document.
    """
    index = data.rfind(_SIGNATURE_MEMBER)
    tail = data[index + len(_SIGNATURE_MEMBER) :]
    if index < 0 or not tail.endswith(b"}\n"):
        raise BaselineError(f"{origin}: baseline is not in canonical form (edited?)")
    try:
        member = json.loads(tail[:-2])
    except ValueError as exc:
        raise BaselineError(f"{origin}: baseline is not in canonical form (edited?)") from exc
    if member != raw_sig or canonical(member)[:-1] != tail[:-2]:
        raise BaselineError(f"{origin}: baseline is not in canonical form (edited?)")
    return data[:index] + b"}\n"


def _signature(raw: Any, origin: str) -> Signature:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k), str) for k in ("algorithm", "keyid", "public_key", "value")
    ):
        raise BaselineError(f"{origin}: malformed signature block")
    return Signature(
        keyid=raw["keyid"],
        public_key=raw["public_key"],
        value=raw["value"],
        algorithm=raw["algorithm"],
    )


def _baseline(doc: dict[str, Any], origin: str) -> Baseline:
    try:
        header = doc["header"]
        source = header["source"]
        info = SourceInfo(
            kind=_str(source["kind"]),
            location=_str(source["location"]),
            ref=_opt_str(source.get("ref")),
            commit=_opt_str(source.get("commit")),
            digest=_opt_str(source.get("digest")),
        )
        head = BaselineHeader(
            schema_version=doc["schema_version"],
            tool_version=_str(header["tool_version"]),
            rules_digest=_str(header["rules_digest"]),
            source=info,
            created=_str(header["created"]),
        )
        files = doc["files"]
        if not isinstance(files, list):
            raise TypeError("files is not a list")
        records = tuple(_record(item) for item in files)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise BaselineError(f"{origin}: malformed baseline: {exc!s}") from exc
    paths = [r.path for r in records]
    if len(set(paths)) != len(paths):
        raise BaselineError(f"{origin}: malformed baseline: a path appears twice")
    return Baseline(head, tuple(sorted(records, key=lambda r: r.path)))


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("expected a non-negative integer")
    return value


def _safe_path(value: Any) -> str:
    path = _str(value)
    if not path or path.startswith("/") or "/../" in f"/{path}/" or "\x00" in path:
        raise ValueError(f"unsafe path {path!r}")
    return path


def _recorded_path(value: Any) -> str:
    path = _str(value)
    if not path or "\x00" in path:
        raise ValueError(f"unsafe path {path!r}")
    return path


def _symbol(s: Any) -> Sym:
    lines = s["lines"]
    if type(lines) is not list or len(lines) != 2:
        raise TypeError("symbol lines must be [start, end]")
    return Sym(
        name=_str(s["name"]),
        kind=_str(s["kind"]),
        start_line=_int(lines[0]),
        end_line=_int(lines[1]),
        digest=_str(s["digest"]),
        sensitive=tuple(_str(t) for t in s.get("sensitive", ())),
    )


def _constant(c: Any) -> Constant:
    return Constant(
        key=_str(c["key"]),
        value=_str(c["value"]),
        line=_int(c["line"]),
        symbol=_opt_str(c.get("symbol")),
        standard=_opt_str(c.get("standard")),
    )


_ENTRY_TYPES = {t.value: t for t in EntryType}


def _record(item: Any) -> FileRecord:
    if type(item) is not dict:
        raise TypeError("a file entry is not an object")
    get = item.get
    executable = get("executable", False)
    if executable is not True and executable is not False:
        raise TypeError("executable must be true or false")
    kind = _ENTRY_TYPES.get(item["type"])
    if kind is None:
        raise ValueError(f"unknown entry type {item['type']!r}")
    symbols = get("symbols")
    constants = get("constants")
    problem = _opt_str(get("problem"))
    # A hostile entry (e.g. an archive member named ../x) is recorded under the name it had;
    # it has no content and its path is never opened, so only its name is kept as text.
    hostile = problem is not None and get("sha256") is None and not symbols and not constants
    return FileRecord(
        path=_recorded_path(item["path"]) if hostile else _safe_path(item["path"]),
        kind=kind,
        size=_int(get("size", 0)),
        executable=executable,
        sha256=_opt_str(get("sha256")),
        language=_opt_str(get("language")),
        target=_opt_str(get("target")),
        symbols=tuple(map(_symbol, symbols)) if symbols else (),
        constants=tuple(map(_constant, constants)) if constants else (),
        parser=_opt_str(get("parser")),
        token_digest=_opt_str(get("token_digest")),
        problem=problem,
    )
