"""Ed25519 keys, signatures over canonical bytes, and atomic file writes (cryptography)."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from integrity.errors import InvalidInputError, TrustError

_MAX_KEY_FILE = 64 * 1024


@dataclass(frozen=True, slots=True)
class Signature:
    """A detached Ed25519 signature with the key that made it."""

    keyid: str
    public_key: str
    value: str
    algorithm: str = "ed25519"


def key_id(public: Ed25519PublicKey) -> str:
    """Short stable identifier of a public key: sha256 of its raw bytes, 16 hex digits."""
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_keypair(out_dir: Path) -> tuple[Path, Path]:
    """Write DIR/integrity.key (PKCS#8 PEM, mode 0600) and DIR/integrity.pub; never overwrite."""
    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, pub_path = out_dir / "integrity.key", out_dir / "integrity.pub"
    for path in (key_path, pub_path):
        if path.exists() or path.is_symlink():
            raise InvalidInputError(f"{path} already exists; refusing to overwrite a key")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pub = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    atomic_write(key_path, pem, mode=0o600)
    atomic_write(pub_path, pub, mode=0o644)
    return key_path, pub_path


def _read_key_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_KEY_FILE + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read key: {exc.strerror}") from exc
    if len(data) > _MAX_KEY_FILE:
        raise InvalidInputError(f"{path}: not a key file (too large)")
    return data


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file; exit 3 with a clear message otherwise."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{path}: not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInputError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file; exit 3 with a clear message otherwise."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{path}: not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInputError(f"{path}: not an Ed25519 public key")
    return key


def sign(data: bytes, private: Ed25519PrivateKey) -> Signature:
    """Sign bytes; the signature carries the public key and its id."""
    public = private.public_key()
    return Signature(
        keyid=key_id(public),
        public_key=base64.b64encode(_raw(public)).decode("ascii"),
        value=base64.b64encode(private.sign(data)).decode("ascii"),
    )


def verify(data: bytes, signature: Signature, trusted: Ed25519PublicKey | None, what: str) -> None:
    """Check a signature; with `trusted`, it must also be that key's. Raises TrustError."""
    if signature.algorithm != "ed25519":
        raise TrustError(f"{what}: unsupported signature algorithm {signature.algorithm!r}")
    try:
        raw = base64.b64decode(signature.public_key, validate=True)
        value = base64.b64decode(signature.value, validate=True)
        embedded = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise TrustError(f"{what}: malformed signature block") from exc
    if signature.keyid != key_id(embedded):
        raise TrustError(f"{what}: signature key id does not match its public key")
    if trusted is not None and _raw(trusted) != raw:
        raise TrustError(
            f"{what}: signed by key {key_id(embedded)}, not by the trusted key {key_id(trusted)}"
        )
    try:
        embedded.verify(value, data)
    except InvalidSignature as exc:
        raise TrustError(f"{what}: signature does not verify (the content was altered)") from exc


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file so that readers see the old content or the whole new one, never a part.

    A target that exists and is not a regular file or symlink (/dev/null, a FIFO, a terminal)
    is written in place: replacing it would destroy the device node.
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        status = None
    if status is not None and not (stat.S_ISREG(status.st_mode) or stat.S_ISLNK(status.st_mode)):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
