"""Generic credentials in context: names, config formats, connection strings, cipher keys, and
the one-finding rule with the auth-bypass pack for literals compared inside auth functions."""

from __future__ import annotations

import random
import string

import pytest

from integrity.secrets.engine import SecretEngine
from integrity.syntax.languages import Grammars, guess_language

PW = "Tr0ub4dor-fake9"


def scan(engine: SecretEngine, path: str, code: str) -> list[tuple[str, int, str]]:
    data = code.encode()
    language = guess_language(path, data)
    tree = Grammars().parse(language, data) if language else None
    return [(h.rule.id, h.start_line, h.secret) for h in engine.scan(path, data, tree)]


POSITIVES = {
    "python-variable": ("db.py", f'DB_PASSWORD = "{PW}"\n', "generic-credential-assignment", 1),
    "python-kwarg": (
        "db.py",
        f'conn = connect(host="db",\n    password="{PW}")\n',
        "generic-credential-assignment",
        2,
    ),
    "python-dict-key": (
        "db.py",
        f'CFG = {{"db_password": "{PW}"}}\n',
        "generic-credential-assignment",
        1,
    ),
    "python-compare": (
        "gate.py",
        f'def gate(pw):\n    return pw_password == "{PW}"\n',
        "generic-credential-assignment",
        2,
    ),
    "js-object": (
        "app.js",
        f'const cfg = {{ password: "{PW}" }};\n',
        "generic-credential-assignment",
        1,
    ),
    "ts-annotated": (
        "app.ts",
        f'const dbPassword: string = "{PW}";\n',
        "generic-credential-assignment",
        1,
    ),
    "go-struct": (
        "main.go",
        f'package main\n\nvar c = Config{{Password: "{PW}"}}\n',
        "generic-credential-assignment",
        3,
    ),
    "java-field": (
        "Db.java",
        f'class Db {{ String password = "{PW}"; }}\n',
        "generic-credential-assignment",
        1,
    ),
    "php-array": (
        "cfg.php",
        f"<?php\n$cfg['db_password'] = '{PW}';\n",
        "generic-credential-assignment",
        2,
    ),
    "ruby-hash": ("cfg.rb", f'CFG = {{ password: "{PW}" }}\n', "generic-credential-assignment", 1),
    "java-set-property": (
        "Db.java",
        f'class Db {{ void f() {{ props.setProperty("db.password", "{PW}"); }} }}\n',
        "generic-credential-pair",
        1,
    ),
    "c-define": ("auth.h", f'#define ADMIN_PASSWORD "{PW}"\n', "generic-credential-define", 1),
    "yaml": ("app.yaml", f"db:\n  password: {PW}\n", "generic-credential-config", 2),
    "json": ("app.json", f'{{"db": {{"password": "{PW}"}}}}\n', "generic-credential-assignment", 1),
    "toml": ("app.toml", f'[db]\npassword = "{PW}"\n', "generic-credential-assignment", 2),
    "ini": ("app.ini", f"[db]\npassword = {PW}\n", "generic-credential-config", 2),
    "dotenv": (".env", f"export DB_PASSWORD={PW}\n", "generic-credential-config", 1),
    "properties": (
        "app.properties",
        f"spring.datasource.password={PW}\n",
        "generic-credential-config",
        1,
    ),
    "xml-element": (
        "app.xml",
        f"<cfg>\n<password>{PW}</password>\n</cfg>\n",
        "generic-credential-xml",
        2,
    ),
    "xml-setting": (
        "web.config",
        f'<add key="DbPassword" value="{PW}" />\n',
        "generic-credential-xml-setting",
        1,
    ),
    "postgres-url": (
        "s.py",
        f'URL = "postgres://app:{PW}@db.internal:5432/app"\n',
        "connection-string-password",
        1,
    ),
    "mysql-url": (
        "s.py",
        f'URL = "mysql://root:{PW}@10.0.0.5/app"\n',
        "connection-string-password",
        1,
    ),
    "mongodb-url": (
        "s.js",
        f'const u = "mongodb+srv://svc:{PW}@cluster0.internal/x";\n',
        "connection-string-password",
        1,
    ),
    "redis-url": (
        "s.yaml",
        f"cache: redis://:{PW}@cache:6379/0\n",
        "connection-string-password",
        1,
    ),
    "amqp-url": ("s.py", f'BROKER = "amqp://w:{PW}@mq:5672//"\n', "connection-string-password", 1),
    "ldap-url": (
        "s.py",
        f'LDAP = "ldap://cn=admin:{PW}@ldap.internal"\n',
        "connection-string-password",
        1,
    ),
    "ftp-url": (
        "s.sh",
        f'curl "ftp://deploy:{PW}@files.internal/x"\n',
        "connection-string-password",
        1,
    ),
    "http-basic-url": (
        "s.py",
        f'API = "https://bot:{PW}@ci.internal/api"\n',
        "connection-string-password",
        1,
    ),
    "ado-string": (
        "Db.cs",
        f'var cs = "Server=db;User Id=app;Password={PW};";\n',
        "connection-string-ado-password",
        1,
    ),
    "netrc": (".netrc", f"machine ci.internal login bot password {PW}\n", "netrc-password", 1),
    "cipher-python": (
        "c.py",
        'c = AES.new(b"k3y-f0r-a3s-128!", AES.MODE_CBC, iv)\n',
        "cipher-hardcoded-key",
        1,
    ),
    "cipher-java": (
        "C.java",
        'Key k = new SecretKeySpec("k3y-f0r-a3s-128!".getBytes(), "AES");\n',
        "cipher-hardcoded-key",
        1,
    ),
    "cipher-node-iv": (
        "c.js",
        'crypto.createCipheriv("aes-128-cbc", "k3y-f0r-a3s-128!", iv);\n',
        "cipher-hardcoded-key",
        1,
    ),
    "strcmp-outside-auth": (
        "util.c",
        f'int f(const char *password) {{ return !strcmp(password, "{PW}"); }}\n',
        "credential-compared-with-input",
        1,
    ),
}


@pytest.mark.parametrize("case", sorted(POSITIVES))
def test_credential_in_context_is_found(engine: SecretEngine, case: str) -> None:
    path, code, rule_id, line = POSITIVES[case]
    found = scan(engine, path, code)
    assert [(r, ln) for r, ln, _ in found] == [(rule_id, line)]
    assert found[0][2] in (PW, "k3y-f0r-a3s-128!")


def test_strcmp_in_auth_function_is_left_to_the_auth_bypass_rule(engine: SecretEngine) -> None:
    code = (
        "int check_password(const char *password) {\n"
        f'    return strcmp(password, "{PW}") == 0;\n'
        "}\n"
    )
    assert scan(engine, "auth.c", code) == []


def test_python_compare_in_login_function_is_left_to_the_auth_bypass_rule(
    engine: SecretEngine,
) -> None:
    code = f'def login(user, password):\n    if password == "{PW}":\n        return True\n'
    assert scan(engine, "views.py", code) == []
    assigned = f'def login(user):\n    password = "{PW}"\n    return connect(user, password)\n'
    assert scan(engine, "views.py", assigned) == [("generic-credential-assignment", 2, PW)]


def test_invalid_utf8_is_scanned_as_bytes(engine: SecretEngine) -> None:
    data = b"\xff\xfe\x80garbage\n" + f'DB_PASSWORD = "{PW}"\n'.encode() + b"\xc3\x28\n"
    hits = engine.scan("blob.cfg", data)
    assert [(h.rule.id, h.start_line, h.secret) for h in hits] == [
        ("generic-credential-assignment", 2, PW)
    ]


def test_one_finding_per_secret_span(engine: SecretEngine) -> None:
    rng = random.Random(5)
    token = "sk_live_" + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(30)
    )
    found = scan(engine, "pay.py", f'stripe_api_key = "{token}"\n')
    assert found == [("stripe-live-secret-key", 1, token)]


def test_pygments_tokens_stand_in_where_there_is_no_grammar(engine: SecretEngine) -> None:
    code = f'# my $password = "{PW}";\nmy $db_password = "{PW}";\n'
    hits = engine.scan("deploy.pl", code.encode(), None, (), "perl")
    assert [(h.rule.id, h.start_line) for h in hits] == [("generic-credential-assignment", 2)]
    ini = f"; password = {PW}\n[db]\npassword = {PW}\n"
    hits = engine.scan("app.ini", ini.encode(), None, (), "ini")
    assert [(h.rule.id, h.start_line) for h in hits] == [("generic-credential-config", 3)]
