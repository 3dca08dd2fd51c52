"""False-positive control: each negative class stays silent; fixtures are lowered, not silenced."""

from __future__ import annotations

import hashlib
import random
import string
import uuid

import pytest

from integrity.model import Confidence, Severity
from integrity.secrets.engine import SecretEngine
from integrity.syntax.languages import Grammars, guess_language


def scan(engine: SecretEngine, path: str, code: str) -> list[tuple[str, int]]:
    data = code.encode()
    language = guess_language(path, data)
    tree = Grammars().parse(language, data) if language else None
    return [(h.rule.id, h.start_line) for h in engine.scan(path, data, tree)]


def _rand(n: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


DIGEST = hashlib.sha256(b"integrity").hexdigest()
NEGATIVES = {
    # placeholders and documentation values
    "aws-doc-example": ("config.py", 'AWS_KEY = "AKIAIOSFODNN7' + 'EXAMPLE"\n'),
    "changeme": ("app.py", 'password = "changeme"\n'),
    "xxx-mask": ("app.py", 'token = "ghp_' + "x" * 36 + '"\n'),
    "angle-placeholder": ("app.py", 'api_key = "<token>"\n'),
    "your-key-here": ("app.py", 'API_KEY = "YOUR_API_KEY_HERE"\n'),
    "shell-var": ("settings.yaml", "password: ${DB_PASSWORD}\n"),
    "python-format": ("alembic.ini", "sqlalchemy.url = postgresql://u:%(DB_PASS)s@db/app\n"),
    "jinja": ("deploy.yaml", "api_token: '{{ vault_api_token }}'\n"),
    "env-lookup-python": ("app.py", 'DB_PASSWORD = os.environ["DB_PASSWORD"]\n'),
    "env-lookup-js": ("app.js", "const apiKey = process.env.STRIPE_KEY;\n"),
    "env-in-dotenv": (".env", "DB_PASSWORD=${VAULT_DB_PASSWORD}\n"),
    "secret-store": ("app.yaml", "db_password: arn:aws:secretsmanager:eu-west-1:1:secret:db\n"),
    "ansible-vault": ("vars.yml", "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n"),
    # hashes and checksums
    "hex-digest": ("build.py", f'checksum = "{DIGEST}"\n'),
    "hex-digest-token-name": ("conf.yaml", f'api_token: "{DIGEST[:32]}"\n'),
    "uuid": ("models.py", f'token_id = "{uuid.UUID(int=7)}"\nsecret = "{uuid.UUID(int=9)}"\n'),
    "sri": ("index.html", f'<script integrity="sha512-{_rand(86)}=="></script>\n'),
    "lockfile": (
        "package-lock.json",
        f'{{"password": "{_rand(20)}", "integrity": "sha512-{_rand(86)}"}}\n',
    ),
    "bcrypt-hash": ("users.py", 'password = "$2b$12$' + _rand(53) + '"\n'),
    # names that are not secrets, and code that is not a literal
    "not-secret-name": (
        "auth.py",
        'password_field = "user_password"\nTOKEN_URL = "https://o.example/t"\n',
    ),
    "prompt": ("cli.py", 'PASSWORD_PROMPT = "Enter password: "\n'),
    "key-path": ("tls.py", 'private_key_path = "/etc/ssl/private/server.key"\n'),
    "function-call": ("auth.py", 'password = getpass.getpass("Password: ")\n'),
    "empty-compare": ("check.py", 'if password == "":\n    raise ValueError\n'),
    "comment": ("app.py", '# password = "Tr0ub4dor-fake9"\n'),
    "docstring": ("app.py", 'def f():\n    """Call as f(password="Tr0ub4dor-fake9")."""\n'),
    "ternary-label": (
        "ssh.c",
        'const char *t = kind == AUTH_PASSWORD ? "PASSWORD" : "PUBLICKEY";\n',
    ),
    "example-host-url": ("doc.py", 'URL = "https://alice:Tr0ub4dor9@api.example.com/"\n'),
    "bare-pem-header": ("pem.c", 'static const char H[] = "-----BEGIN RSA PRIVATE KEY-----";\n'),
    "low-entropy-token": ("app.py", 'auth_token = "aaaabbbbccccdddd1"\n'),
    "word-token": ("parse.c", 'if (strcmp(token, "--enable-feature") == 0) return 1;\n'),
    # minified / generated
    "minified": ("app.min.js", ('var a={password:"' + _rand(16) + '"};') * 200 + "\n"),
}


@pytest.mark.parametrize("case", sorted(NEGATIVES))
def test_negative_class_is_silent(engine: SecretEngine, case: str) -> None:
    path, code = NEGATIVES[case]
    assert scan(engine, path, code) == []


def test_generated_file_still_reports_provider_tokens(engine: SecretEngine) -> None:
    token = "sk_live_" + _rand(30)
    code = ('var a={password:"' + _rand(16) + '"};') * 200 + f'var k="{token}";\n'
    hits = engine.scan("dist/app.min.js", code.encode())
    assert [(h.rule.id, h.secret) for h in hits] == [("stripe-live-secret-key", token)]


def test_entropy_threshold_is_per_charset(engine: SecretEngine) -> None:
    strong = _rand(32, seed=11)
    assert scan(engine, "app.py", f'client_secret = "{strong}"\n') == [
        ("generic-credential-assignment", 1)
    ]
    assert scan(engine, "app.py", 'client_secret = "abcabcabcabc1234"\n') == []


def test_fixture_is_lowered_never_silenced(engine: SecretEngine) -> None:
    code = b'DB_PASSWORD = "Tr0ub4dor-fake9"\n'
    (prod,) = engine.scan("app/settings.py", code)
    (test,) = engine.scan("tests/fixtures/settings.py", code)
    assert (prod.severity, prod.confidence) == (Severity.MEDIUM, Confidence.MEDIUM)
    assert test.severity.rank < prod.severity.rank
    assert test.confidence is Confidence.LOW
    assert (test.start_line, test.secret) == (1, "Tr0ub4dor-fake9")
