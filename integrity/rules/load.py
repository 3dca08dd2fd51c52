"""STUB (to be replaced by the rules work, keeping these signatures): load signatures/*.toml."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The loaded rules and the digest of the signature files they came from."""

    rules: tuple[Any, ...]
    digest: str


def default_signatures_dir() -> Path:
    """The packaged signatures/ (inside the wheel) or the repository's during development."""
    packaged = Path(__file__).resolve().parent.parent / "_signatures"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "signatures"


def load_rules(directory: Path | None = None) -> RuleSet:
    """Every rule in a directory of signature files (stub: digest only)."""
    folder = directory or default_signatures_dir()
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return RuleSet(rules=(), digest="sha256:" + h.hexdigest())
