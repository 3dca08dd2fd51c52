"""Sensitive-code classification from names and paths.

Names are split into word parts (snake_case, kebab-case, camelCase, acronyms), and each part is
matched against whole words and a few prefixes with exclusions, so that `design`/`assign` do not
match `sign` and `author` does not match `auth`. Glued lower-case names (`checkpasswd`) are
matched only against stems that are unambiguous as substrings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from enum import StrEnum


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class Tag(StrEnum):
    """What kind of sensitive code a symbol or file is."""

    AUTH = "auth"  # authentication and authorization
    CRYPTO = "crypto"
    SANDBOX = "sandbox"  # sandboxing and privilege handling
    BUILD_CHECK = "build-check"  # build-system configuration checks
    POLICY = "policy"  # matched a `sensitive` glob of the policy


_WORDS: dict[Tag, frozenset[str]] = {
    Tag.AUTH: _words(
        """
    auth authn authz login logon passwd password passwords passphrase credential credentials
    creds otp totp hotp mfa sso oauth oauth2 saml jwt pam kerberos krb5 permission
    permissions acl acls rbac sudoers htpasswd authorized authorize authorization
    authenticate authenticated authentication authenticator
    """
    ),
    Tag.CRYPTO: _words(
        """
    aes des 3des rsa dsa ecdsa ecdh eddsa ecc curve p256 p384 p521 ed25519 ed448 x25519 x448
    curve25519 sha sha1 sha2 sha3 sha224 sha256 sha384 sha512 md4 md5 ripemd hmac hkdf kdf
    bcrypt scrypt argon2 nonce nonces iv ivs salt chacha chacha20 salsa20 poly1305 gcm cbc
    ecb ccm cmac gmac ghash blake2 blake2b blake2s blake3 keccak sbox rcon prng csprng drbg
    dh modp ffdhe rc4 arcfour camellia twofish blowfish serpent sm2 sm3 sm4 x509 tls ssl
    dtls pkcs pkcs1 pkcs7 pkcs8 pkcs11 pkcs12 oaep pss mgf1 privkey pubkey keygen keypair
    kyber mlkem dilithium mldsa entropy montgomery secp256r1 secp384r1 secp521r1 secp256k1
    prime256v1 gost dualec
    """
    ),
    Tag.SANDBOX: _words(
        """
    landlock seccomp setuid setgid seteuid setegid setreuid setregid setresuid setresgid
    setgroups initgroups capset capget capability capabilities prctl chroot pledge unveil
    sandbox sandboxed privsep privilege privileges privs suid sgid apparmor selinux capsicum
    jail setcap nosuid
    """
    ),
}

# word-part prefixes, each with the prefixes that must not count
_PREFIXES: dict[Tag, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Tag.AUTH: (
        ("auth", ("author",)),
        ("passw", ()),
        ("login", ()),
        ("verif", ()),
        ("credential", ()),
        ("permission", ()),
    ),
    Tag.CRYPTO: (
        ("crypt", ()),
        ("encrypt", ()),
        ("decrypt", ()),
        ("cipher", ()),
        ("sign", ("signal", "signif", "signed", "signum", "signbit", "signedness")),
        ("hmac", ()),
        ("nonce", ()),
        ("pbkdf", ()),
        ("secp", ()),
        ("chacha", ()),
        ("ecdsa", ()),
        ("rsa", ()),
    ),
    Tag.SANDBOX: (
        ("landlock", ()),
        ("seccomp", ()),
        ("capabilit", ()),
        ("privilege", ()),
        ("sandbox", ()),
    ),
}

# stems that are safe to find inside a glued lower-case word part
_SUBSTRINGS: dict[Tag, tuple[str, ...]] = {
    Tag.AUTH: ("passwd", "password", "passphrase", "login", "authenticat", "authoriz"),
    Tag.CRYPTO: (
        "encrypt",
        "decrypt",
        "crypto",
        "hmac",
        "nonce",
        "pbkdf",
        "sha256",
        "sha512",
        "chacha",
        "poly1305",
        "ed25519",
        "curve25519",
        "x25519",
        "ecdsa",
        "signature",
    ),
    Tag.SANDBOX: ("seccomp", "landlock", "setuid", "setgid", "privsep", "sandbox"),
}

_BUILD_NAMES = frozenset(
    {
        "configure",
        "configure.ac",
        "configure.in",
        "cmakelists.txt",
        "makefile",
        "makefile.am",
        "makefile.in",
        "gnumakefile",
        "meson.build",
        "meson_options.txt",
        "build.rs",
        "aclocal.m4",
        "setup.py",
        "setup.cfg",
        "build.gradle",
        "pom.xml",
        "sconstruct",
        "wscript",
    }
)
_BUILD_SUFFIXES = (".m4", ".cmake", ".am", ".ac", ".mk", ".mak", ".bzl", ".gyp", ".gypi")

_CAMEL = re.compile(r"[A-Z]+[0-9]*(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*")
_GLUED_MIN = 7


def word_parts(name: str) -> tuple[str, ...]:
    """Lower-cased word parts of an identifier or path component."""
    return tuple(piece.lower() for piece in _CAMEL.findall(name))


def _prefix_alternatives(entries: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    alternatives = []
    for prefix, exclusions in entries:
        guard = "".join(f"(?!{re.escape(e)})" for e in exclusions)
        alternatives.append(guard + re.escape(prefix))
    return "|".join(alternatives)


# one regex per kind of test; the named group that matched says which tag
_PREFIX_RE = re.compile(
    "|".join(f"(?P<{tag.name}>{_prefix_alternatives(e)})" for tag, e in _PREFIXES.items())
)
_SUBSTRING_RE = re.compile(
    "|".join(
        f"(?P<{tag.name}>" + "|".join(re.escape(s) for s in stems) + ")"
        for tag, stems in _SUBSTRINGS.items()
    )
)
_WORD_TAGS: dict[str, frozenset[Tag]] = {
    word: frozenset(tag for tag, words in _WORDS.items() if word in words)
    for words in _WORDS.values()
    for word in words
}
_ORDER: tuple[Tag, ...] = tuple(Tag)


def is_crypto_name(name: str | None) -> bool:
    """True when a name classifies as cryptography. (A case-insensitive hint regex of every
    crypto word, as a fast path, took 10-50 us a name: longer than classifying it.)"""
    return bool(name) and Tag.CRYPTO.value in classify_name(name)


def _part_tags(part: str, tags: set[Tag]) -> None:
    tags.update(_WORD_TAGS.get(part, ()))
    match = _PREFIX_RE.match(part)
    if match is not None and match.lastgroup:
        tags.add(Tag[match.lastgroup])
    if len(part) >= _GLUED_MIN:
        found = _SUBSTRING_RE.search(part)
        if found is not None and found.lastgroup:
            tags.add(Tag[found.lastgroup])


def _ordered(tags: set[Tag]) -> tuple[str, ...]:
    return tuple(tag.value for tag in _ORDER if tag in tags)


def classify_name(name: str | None) -> tuple[str, ...]:
    """Tags for an identifier or qualified name (no path involved)."""
    if not name:
        return ()
    tags: set[Tag] = set()
    for part in _CAMEL.findall(name[:512]):
        _part_tags(part.lower(), tags)
    return _ordered(tags) if tags else ()


def classify_names(names: Iterable[str | None]) -> list[tuple[str, ...]]:
    """`classify_name` of each name; each distinct word part is classified once."""
    memo: dict[str, frozenset[Tag]] = {}
    out: list[tuple[str, ...]] = []
    for name in names:
        tags: set[Tag] = set()
        for part in _CAMEL.findall(name[:512]) if name else ():
            found = memo.get(part)
            if found is None:
                fresh: set[Tag] = set()
                _part_tags(part.lower(), fresh)
                found = memo[part] = frozenset(fresh)
            tags |= found
        out.append(_ordered(tags) if tags else ())
    return out


def _parts(path: str) -> list[str]:
    """PurePosixPath(path).parts without the root: non-empty components other than `.`."""
    return [part for part in path.split("/") if part and part != "."]


def is_build_file(path: str) -> bool:
    """True for build-system files whose checks decide which security features get built."""
    parts = _parts(path)
    name = parts[-1].lower() if parts else ""
    return name in _BUILD_NAMES or name.endswith(_BUILD_SUFFIXES)


@functools.lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob (`**`, `*`, `?`, `[...]`) compiled to a full-path regex."""
    text = pattern.strip().lstrip("/")
    anchored = "/" in text.rstrip("/")
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if text.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = text.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = text[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    prefix = "" if anchored else "(?:.*/)?"
    suffix = "(?:/.*)?" if text.endswith("/") or not text.endswith("*") else ""
    return re.compile(prefix + "".join(out).rstrip("/") + suffix + r"\Z", re.DOTALL)


def classify_path(path: str, sensitive_globs: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Tags for a file from its path components, build-system role and the policy globs."""
    tags: set[Tag] = set()
    parts = _parts(path) or [""]
    for component in parts[:-1]:
        tags |= set(_tags_of(component))
    name = parts[-1]
    dot = name.rfind(".")
    tags |= set(_tags_of(name[:dot] if 0 < dot < len(name) - 1 else name))  # the stem
    if is_build_file(path):
        tags.add(Tag.BUILD_CHECK)
    if any(glob_regex(glob).match(path) for glob in sensitive_globs if glob.strip()):
        tags.add(Tag.POLICY)
    return _ordered(tags)


@functools.lru_cache(maxsize=8192)
def _tags_of(text: str) -> tuple[Tag, ...]:
    """Tags of one path component (a pure function of it; folder names repeat in every path
    below them, so each is classified once)."""
    return tuple(Tag(value) for value in classify_name(text))


def classify(path: str, name: str | None, sensitive_globs: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Tags like ("auth",), ("crypto",), ("sandbox",), ("build-check",) for a symbol or file.

    `name` is the symbol's (qualified) name, or None to classify the file alone. The result is
    the union of the name's tags and the path's tags, in a fixed order.
    """
    tags = {Tag(value) for value in classify_name(name)}
    tags |= {Tag(value) for value in classify_path(path, sensitive_globs)}
    return _ordered(tags)
