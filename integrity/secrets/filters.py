"""False-positive control: placeholders, hashes, templated values, names that are not secrets,
and path classes (lock files, minified or generated files, test fixtures)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import PurePosixPath

from integrity.secrets.checks import shannon_entropy

_PLACEHOLDER_WORDS = re.compile(
    r"(?i)example|changeme|change_me|change-me|placeholder|dummy|redacted|sample|"
    r"your[_-]?|insert|replace|xxxx|\*\*\*|\.\.\.|…|todo|fixme|lorem|foobar|"
    r"^(?:none|null|nil|undefined|true|false|empty|default|secret|password|passwd|token|"
    r"test|testing|admin|root|guest|user|username|pass|pwd|string|value|hidden|required|"
    r"optional|mask(?:ed)?|n/?a|tbd|unset|notset|not-?set|abc123|qwerty|letmein|maybe|yes|no|auto|"
    r"on|off|enabled?|disabled?|(?:0123|1234)\d*)$"
)
_TEMPLATE = re.compile(
    r"\$\{|\$\(|\{\{|\}\}|%\(|%[sdr]\b|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^%[A-Z][A-Z_]+|^<.*>$|^\[.*\]$|^\{.*\}$"
)
_SECRET_STORE = re.compile(
    r"(?i)^(?:enc\[|vault:|arn:aws:|ssm:|secretsmanager|projects/[^/]+/secrets/|keyvault|"
    r"env\(|env:|process\.env|os\.environ|getenv|secretref:|!vault|op://|file:|@Microsoft\.KeyVault)"
)
_UUID = re.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX_DIGEST = re.compile(
    r"(?i)^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$"
)
_SRI = re.compile(r"^(?:sha(?:1|256|384|512)|md5)[-:][A-Za-z0-9+/=]{20,}$")
_CRYPT_HASH = re.compile(r"^\$(?:2[abxy]?|1|5|6|y|argon2(?:id|i|d)|pbkdf2[-\w]*|scrypt)\$")
_IDENTIFIER = re.compile(
    r"^(?:[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|"
    r"[a-z]+(?:[A-Z][a-z0-9]+)+|[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+)$"
)
_PATHLIKE = re.compile(
    r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)|\.(?:pem|key|crt|json|txt|ya?ml|env|p12|pfx|jks)$|://"
)
_NOT_SECRET_NAME = re.compile(
    r"(?i)(?:_|\b|(?<=[a-z]))(?:file|path|dir|name|names|id|type|types|url|uri|endpoint|header|label|"
    r"length|len|size|format|regex|pattern|hash|hashed|digest|policy|mode|prefix|suffix|version|"
    r"method|algorithm|alg|kind|field|prompt|message|msg|hint|placeholder|env|var|input|count|"
    r"min|max|expiry|expires|expiration|ttl|timeout|lifetime|class|attr|param|key_?id|id_?key|"
    r"column|col|index|idx|enabled|required|policy|location|store|provider|validator|"
    r"callback|handler|option|options|style|icon|mask|char|chars|reset|changed|confirm|"
    r"request|response|error|errors|endpoint|scope|scopes|audience|issuer|uri|key_?name|re|rx|regexp)$"
)


_NAME_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "credential",
)
_TEST_NAME_PREFIXES = ("test_", "tests_", "example", "sample", "demo")


_REGEX = re.compile(r"\[[^\]]{0,40}-[^\]]{0,40}\]|\{\d+,\d*\}|\(\?[:=!<P]|\\[dwsbDWS]")


class PathClass(StrEnum):
    """What kind of file a path is, for false-positive control."""

    SOURCE = "source"
    TEST = "test"
    LOCKFILE = "lockfile"
    GENERATED = "generated"


_LOCKFILES = frozenset(
    {
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "npm-shrinkwrap.json",
        "cargo.lock",
        "poetry.lock",
        "pipfile.lock",
        "composer.lock",
        "gemfile.lock",
        "go.sum",
        "uv.lock",
        "pdm.lock",
        "packages.lock.json",
        "flake.lock",
        "bun.lock",
    }
)
_TEST_PARTS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "testdata",
        "test_data",
        "fixtures",
        "fixture",
        "spec",
        "specs",
        "__tests__",
        "__fixtures__",
        "mocks",
        "mock",
        "examples",
        "example",
        "samples",
        "demo",
        "regress",
        "regression",
        "unittests",
        "unittest",
        "testsuite",
        "fuzz",
        "fuzzing",
        "t",
        "docs",
    }
)


def classify_path(path: str, data: bytes) -> PathClass:
    """Lock file, minified/generated file, test fixture or ordinary source."""
    pure = PurePosixPath(path)
    name = pure.name.lower()
    if name in _LOCKFILES or name.endswith(".lock"):
        return PathClass.LOCKFILE
    if (
        ".min." in name
        or name.endswith((".map", ".pb.go", "_pb2.py", ".g.dart"))
        or _is_minified(data)
    ):
        return PathClass.GENERATED
    lowered = [part.lower() for part in pure.parts[:-1]]
    if (
        any(part in _TEST_PARTS for part in lowered)
        or name.startswith(_TEST_NAME_PREFIXES)
        or (pure.stem.lower().endswith(("_test", ".test", ".spec", "_spec", "tests")))
    ):
        return PathClass.TEST
    return PathClass.SOURCE


def _is_minified(data: bytes) -> bool:
    head = data[:65536]
    lines = head.count(b"\n") + 1
    return len(head) > 4096 and len(head) / lines > 400


def is_placeholder(value: str) -> bool:
    """Documentation values, templates, secret-store references and masks."""
    if _PLACEHOLDER_WORDS.search(value) or _TEMPLATE.search(value) or _SECRET_STORE.search(value):
        return True
    return dominated(value)


def is_hash_like(value: str) -> bool:
    """Hex digests, UUIDs, SRI integrity strings and crypt(3)-style password hashes."""
    return bool(
        _UUID.match(value)
        or _HEX_DIGEST.match(value)
        or _SRI.match(value)
        or _CRYPT_HASH.match(value)
    )


def name_is_not_secret(name: str) -> bool:
    """`password_file`, `token_url`, `secret_name`: the name says the value is not the secret."""
    return bool(_NOT_SECRET_NAME.search(name.strip("'\"`[]").rstrip("_")))


def _label_like(value: str) -> bool:
    """`user_password`, `PUBLICKEY`, `Passwort`: names, labels and translations, not passwords."""
    if any(ch.isdigit() for ch in value):
        return False
    word = value.isalpha() and (value.islower() or value.isupper() or value.istitle())
    return bool(_IDENTIFIER.match(value)) or word


def dominated(value: str) -> bool:
    """More than half of a long value is one repeated character (masks, padding, fill)."""
    most = max((value.count(ch) for ch in set(value)), default=0)
    return len(value) >= 6 and most / len(value) > 0.5


def is_password_name(name: str) -> bool:
    """Names for human-chosen passwords (short, low-entropy values are still credentials)."""
    return bool(re.search(r"(?i)pass|pwd|pw$|passphrase", name))


def plausible_value(name: str, value: str, min_entropy: float) -> bool:
    """The value could be a credential for a variable called `name`."""
    if (
        is_placeholder(value)
        or is_hash_like(value)
        or _PATHLIKE.search(value)
        or _REGEX.search(value)
    ):
        return False
    word = re.sub(r"[^a-z]", "", name.lower())
    lowered = value.lower()
    if word and (lowered in word or any(w in lowered for w in _NAME_WORDS)):
        return False
    if is_password_name(name):
        return len(value) >= 4 and " " not in value and not _label_like(value)
    if len(value) < 12 or _IDENTIFIER.match(value) or " " in value:
        return False
    has_digit = any(ch.isdigit() for ch in value)
    has_letter = any(ch.isalpha() for ch in value)
    return has_digit and has_letter and shannon_entropy(value) >= min_entropy
