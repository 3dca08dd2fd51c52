"""REPOS.txt: the list of repositories a fleet audit covers.

One repository per line; blank lines and lines starting with `#` are ignored.

    /srv/www                    a directory: its whole tree as it is on disk
    git:/srv/api@v2.1           REF of the repository at PATH, read from its object database
    git:/srv/api                the same at HEAD
    billing = git:/srv/bill@main   an explicit label (letters, digits, `.`, `_`, `-`, `@`)

Relative paths are resolved against the folder holding REPOS.txt. Every finding of the combined
report is prefixed by its repository's label (`www/src/auth.c`). The default label is the
folder's name (plus `@REF` for git entries); a repeated default gets `-2`, `-3`, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from integrity.errors import InvalidInputError

_LABEL = re.compile(r"[A-Za-z0-9._@-]{1,100}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")
_EXPLICIT = re.compile(r"^([A-Za-z0-9._@-]{1,100})\s+=\s+(.+)$")
MAX_REPOS = 100_000
MAX_LIST_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class RepoSpec:
    """One repository of the fleet: where it is and how to read it."""

    label: str
    path: str
    ref: str | None = None  # None: the directory on disk; else a git revision

    @property
    def source(self) -> str:
        """The SOURCE argument `integrity scan` would take (with --repo `path` for git)."""
        return f"git:{self.ref}" if self.ref is not None else self.path


def _default_label(path: str, ref: str | None) -> str:
    name = Path(path).name or "repo"
    label = _UNSAFE.sub("_", name + (f"@{ref}" if ref else ""))[:100]
    return label.strip(".") or "repo"


def _parse_line(text: str, base: Path, where: str) -> tuple[str | None, str, str | None]:
    explicit = _EXPLICIT.match(text)
    label = explicit.group(1) if explicit else None
    spec = explicit.group(2).strip() if explicit else text
    ref: str | None = None
    if spec.startswith("git:"):
        body = spec[len("git:") :]
        path, at, ref_text = body.rpartition("@")
        if not at:
            path, ref_text = body, "HEAD"
        if not path or not ref_text:
            raise InvalidInputError(f"{where}: expected git:PATH[@REF], got {spec!r}")
        spec, ref = path, ref_text
    if label is not None and label.strip(".") == "":
        raise InvalidInputError(f"{where}: label {label!r} is not a name")
    resolved = Path(spec) if Path(spec).is_absolute() else base / spec
    return label, str(resolved), ref


def parse_repo_list(text: str, base: Path, name: str = "REPOS.txt") -> tuple[RepoSpec, ...]:
    """The repositories of a list's text (relative paths against `base`).

    Raises InvalidInputError (exit 3) naming the line for a malformed entry, a duplicate
    explicit label, or an empty list.
    """
    specs: list[RepoSpec] = []
    taken: set[str] = set()
    pending: list[tuple[int, str, str | None]] = []
    explicit: dict[int, str] = {}
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        if not line.isprintable():
            raise InvalidInputError(f"{name}:{number}: control characters in the entry")
        label, path, ref = _parse_line(line, base, f"{name}:{number}")
        if label is not None:
            if label in taken:
                raise InvalidInputError(f"{name}:{number}: label {label!r} is used twice")
            taken.add(label)
            explicit[len(pending)] = label
        pending.append((number, path, ref))
    if not pending:
        raise InvalidInputError(f"{name}: no repositories listed")
    if len(pending) > MAX_REPOS:
        raise InvalidInputError(f"{name}: more than {MAX_REPOS} repositories")
    for index, (_number, path, ref) in enumerate(pending):
        label = explicit.get(index)
        if label is None:
            stem = _default_label(path, ref)
            label, suffix = stem, 2
            while label in taken:
                label, suffix = f"{stem}-{suffix}", suffix + 1
            taken.add(label)
        specs.append(RepoSpec(label, path, ref))
    return tuple(specs)


def read_repo_list(path: Path) -> tuple[tuple[RepoSpec, ...], bytes]:
    """The repositories listed in a file, and the file's bytes (for the report's digest)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_LIST_BYTES:
        raise InvalidInputError(f"{path}: larger than {MAX_LIST_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not UTF-8") from None
    return parse_repo_list(text, path.resolve().parent, path.name), data


def valid_label(label: str) -> bool:
    """True for a label the list syntax accepts."""
    return bool(_LABEL.fullmatch(label)) and label.strip(".") != ""
