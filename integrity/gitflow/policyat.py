"""The policy and the paths that govern a review, read from a commit (never from the change)."""

from __future__ import annotations

from dataclasses import dataclass

from integrity.config import Policy, parse_policy
from integrity.gitflow.objects import Entry, ObjectReader

DEFAULT_WAIVERS = "baselines/waivers.toml"
_POLICY_FILES = (("integrity.toml", False), ("pyproject.toml", True))
_POLICY_CAP = 1 << 20


@dataclass(frozen=True, slots=True)
class Governance:
    """The policy in force and the paths whose change is itself a finding."""

    policy: Policy
    policy_path: str | None
    waivers_path: str

    def governs(self, path: str) -> str | None:
        """Why a change to `path` must be reviewed as a change of the rules, or None."""
        if path in ("integrity.toml", "pyproject.toml"):
            return "the integrity policy"
        if path == self.waivers_path:
            return "the waivers file"
        if path.startswith("baselines/"):
            return "the baselines folder"
        return None


def _lookup(reader: ObjectReader, tree: bytes, path: str) -> Entry | None:
    parts = path.split("/")
    current = tree
    for part in parts[:-1]:
        entry = reader.tree(current).get(part)
        if entry is None or not entry.is_tree:
            return None
        current = entry.binsha
    found = reader.tree(current).get(parts[-1])
    if found is None or found.is_tree:
        return None
    return found


def read_path(reader: ObjectReader, tree: bytes, path: str, limit: int) -> bytes | None:
    """The content of a regular file at `path` in a tree, or None (absent, not a file, too big)."""
    entry = _lookup(reader, tree, path)
    if entry is None or entry.mode & 0o170000 != 0o100000:
        return None
    return reader.blob_bytes(entry.binsha, limit)


def governance_at(reader: ObjectReader, tree: bytes, label: str) -> Governance:
    """The policy of the tree `tree` (integrity.toml, else [tool.integrity] of pyproject.toml)."""
    for name, is_pyproject in _POLICY_FILES:
        data = read_path(reader, tree, name, _POLICY_CAP)
        if data is None:
            continue
        policy = parse_policy(data, f"{label}:{name}", pyproject=is_pyproject)
        return Governance(policy, name, policy.waivers or DEFAULT_WAIVERS)
    return Governance(Policy(origin=f"{label}: defaults"), None, DEFAULT_WAIVERS)


def governance_from(policy: Policy) -> Governance:
    """Governance around an explicitly given policy (--config)."""
    return Governance(policy, None, policy.waivers or DEFAULT_WAIVERS)
