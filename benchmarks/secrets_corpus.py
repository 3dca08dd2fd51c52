"""Generate the labelled secrets corpus into .bench/secrets-corpus/ (never committed).

Positives: one credential per file, random values in each provider's published shape (valid
GitHub/npm CRC32 checksums, real PyPI macaroon and JWT structure, real PEM/OpenSSH keys from
`cryptography`), embedded in several languages and config formats; plus generic passwords,
connection strings, cipher keys and compared-with-input literals. Hard negatives: placeholders,
templates, secret-store lookups, hex digests, UUIDs, SRI strings, lock files, public keys and
certificates, non-secret names, prompts, base64 blobs, near-miss formats.

    python benchmarks/secrets_corpus.py [--out .bench/secrets-corpus] [--seed 7]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import random
import shutil
import string
import uuid
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

AN = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UP = string.ascii_uppercase + string.digits
LOW = string.ascii_lowercase + string.digits
B64 = AN + "+/"
URL = AN + "_-"
DIG = string.digits
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

Seg = str | tuple[str, int]


def rnd(rng: random.Random, chars: str, n: int) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def crc_token(rng: random.Random, prefix: str, n: int = 30) -> str:
    body = rnd(rng, AN, n)
    crc = binascii.crc32(body.encode())
    digits = ""
    while crc:
        crc, r = divmod(crc, 62)
        digits = B62[r] + digits
    return prefix + body + digits.rjust(6, "0")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pypi_token(rng: random.Random) -> str:
    ident = json.dumps(
        {"version": 1, "permissions": "user", "uid": str(uuid.UUID(int=rng.getrandbits(128)))}
    )
    raw = (
        b"\x02\x01\x08pypi.org\x02"
        + bytes([len(ident)])
        + ident.encode()
        + b"\x00\x00\x06 "
        + rng.randbytes(32)
    )
    return "pypi-" + b64url(raw)


def jwt_token(rng: random.Random) -> str:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(
        json.dumps(
            {
                "sub": str(rng.getrandbits(40)),
                "name": "svc",
                "iat": 1700000000 + rng.randrange(10**7),
            }
        ).encode()
    )
    return f"{head}.{body}.{b64url(rng.randbytes(32))}"


# provider id -> shape (segments); generic helpers fill in the rest
SHAPES: dict[str, list[Seg]] = {
    "aws-access-key-id": ["AKIA", (string.ascii_uppercase + "234567", 16)],
    "aws-secret-access-key": [(B64, 40)],
    "gcp-api-key": ["AIza", (URL, 35)],
    "gcp-oauth-client-secret": ["GOCSPX-", (URL, 28)],
    "gcp-oauth-access-token": ["ya29.", (URL, 120)],
    "azure-ad-client-secret": [(AN, 3), (DIG, 1), "Q~", (URL, 34)],
    "github-fine-grained-pat": ["github_pat_", (AN, 22), "_", (AN, 59)],
    "gitlab-pat": ["glpat-", (URL, 20)],
    "gitlab-pipeline-trigger-token": ["glptt-", (HEX, 40)],
    "gitlab-runner-token": ["glrt-", (URL, 20)],
    "gitlab-deploy-token": ["gldt-", (URL, 20)],
    "bitbucket-app-password": ["ATBB", (AN, 32)],
    "atlassian-api-token": ["ATATT3", (URL, 186)],
    "slack-bot-token": ["xoxb-", (DIG, 11), "-", (DIG, 12), "-", (AN, 24)],
    "slack-user-token": ["xoxp-", (DIG, 11), "-", (DIG, 12), "-", (DIG, 12), "-", (HEX, 32)],
    "slack-app-token": ["xapp-1-A", (UP, 10), "-", (DIG, 13), "-", (HEX, 64)],
    "slack-webhook-url": [
        "https://hooks.slack.com/services/T",
        (UP, 10),
        "/B",
        (UP, 10),
        "/",
        (AN, 24),
    ],
    "discord-bot-token": ["MT", (URL, 22), ".", (URL, 6), ".", (URL, 27)],
    "discord-webhook-url": ["https://discord.com/api/webhooks/", (DIG, 18), "/", (URL, 68)],
    "telegram-bot-token": ["5", (DIG, 9), ":AA", (URL, 33)],
    "stripe-live-secret-key": ["sk_live_", (AN, 99)],
    "stripe-restricted-key": ["rk_live_", (AN, 24)],
    "stripe-webhook-secret": ["whsec_", (AN, 32)],
    "square-access-token": ["EAAA", (URL, 60)],
    "square-oauth-secret": ["sq0csp-", (URL, 43)],
    "braintree-access-token": ["access_token$production$", (LOW, 16), "$", (HEX, 32)],
    "shopify-token": ["shpat_", (HEX, 32)],
    "twilio-api-key": ["SK", (HEX, 32)],
    "sendgrid-api-key": ["SG.", (URL, 22), ".", (URL, 43)],
    "mailgun-api-key": ["key-", (HEX, 32)],
    "mailchimp-api-key": [(HEX, 32), "-us12"],
    "rubygems-api-key": ["rubygems_", (HEX, 48)],
    "nuget-api-key": ["oy2", (LOW, 43)],
    "dockerhub-pat": ["dckr_pat_", (URL, 27)],
    "heroku-api-key": ["HRKU-", (URL, 60)],
    "digitalocean-token": ["dop_v1_", (HEX, 64)],
    "alibaba-access-key-id": ["LTAI", (AN, 20)],
    "fly-io-token": ["fo1_", (URL, 43)],
    "supabase-service-key": ["sbp_", (HEX, 40)],
    "planetscale-token": ["pscale_tkn_", (URL, 43)],
    "pulumi-access-token": ["pul-", (HEX, 40)],
    "doppler-token": ["dp.pt.", (AN, 43)],
    "tailscale-key": ["tskey-auth-", (AN, 13), "-", (AN, 33)],
    "databricks-token": ["dapi", (HEX, 32)],
    "vault-token": ["hvs.", (URL, 95)],
    "terraform-cloud-token": [(AN, 14), ".atlasv1.", (URL, 67)],
    "cloudflare-origin-ca-key": ["v1.0-", (HEX, 24), "-", (HEX, 146)],
    "firebase-cloud-messaging-key": ["AAAA", (URL, 7), ":APA91b", (URL, 134)],
    "openai-api-key": ["sk-proj-", (URL, 74), "T3BlbkFJ", (URL, 74)],
    "openai-legacy-key": ["sk-", (AN, 20), "T3BlbkFJ", (AN, 20)],
    "anthropic-api-key": ["sk-ant-api03-", (URL, 93), "AA"],
    "huggingface-token": ["hf_", (string.ascii_letters, 34)],
    "newrelic-key": ["NRAK-", (UP, 27)],
    "sentry-token": ["sntryu_", (HEX, 64)],
    "grafana-token": ["glsa_", (AN, 32), "_", (HEX, 8)],
    "dynatrace-token": ["dt0c01.", (UP, 24), ".", (UP, 64)],
    "linear-api-key": ["lin_api_", (AN, 40)],
    "postman-api-key": ["PMAK-", (HEX, 24), "-", (HEX, 34)],
    "airtable-pat": ["pat", (AN, 14), ".", (HEX, 64)],
    "twitter-bearer-token": ["AAAAAAAAAAAAAAAAAAAAA", (AN, 80)],
    "age-secret-key": ["AGE-SECRET-KEY-1", ("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)],
    "easypost-api-key": ["EZAK", (AN, 54)],
    "shippo-token": ["shippo_live_", (HEX, 40)],
    "clojars-token": ["CLOJARS_", (LOW, 60)],
    "azure-storage-account-key": [(B64, 86), "=="],
}
# context-word providers: the value needs its name next to it
CONTEXT: dict[str, tuple[str, list[Seg]]] = {
    "twilio-auth-token": ("TWILIO_AUTH_TOKEN", [(HEX, 32)]),
    "datadog-api-key": ("DD_API_KEY", [(HEX, 32)]),
    "algolia-api-key": ("ALGOLIA_ADMIN_KEY", [(HEX, 32)]),
    "okta-api-token": ("OKTA_API_TOKEN", ["00", (URL, 40)]),
    "auth0-client-secret": ("AUTH0_CLIENT_SECRET", [(URL, 64)]),
    "fastly-api-token": ("FASTLY_API_TOKEN", [(URL, 32)]),
    "cloudflare-api-token": ("CLOUDFLARE_API_TOKEN", [(URL, 40)]),
    "pagerduty-api-key": ("PAGERDUTY_API_KEY", ["u+", (URL, 18)]),
    "heroku-legacy-api-key": ("HEROKU_API_KEY", []),
    "aws-secret-access-key": ("aws_secret_access_key", [(B64, 40)]),
    "azure-devops-pat": ("AZURE_DEVOPS_PAT", [("abcdefghijklmnopqrstuvwxyz234567", 52)]),
    "vault-legacy-token": ("VAULT_TOKEN", ["s.", (AN, 24)]),
}
SPECIAL: dict[str, Callable[[random.Random], str]] = {
    "github-pat": lambda r: crc_token(r, "ghp_"),
    "github-oauth": lambda r: crc_token(r, "gho_"),
    "github-user-to-server": lambda r: crc_token(r, "ghu_"),
    "github-app-token": lambda r: crc_token(r, "ghs_"),
    "npm-access-token": lambda r: crc_token(r, "npm_"),
    "pypi-upload-token": pypi_token,
    "jwt": jwt_token,
}


def shape(rng: random.Random, segs: list[Seg]) -> str:
    return "".join(s if isinstance(s, str) else rnd(rng, s[0], s[1]) for s in segs)


# (path, template) embeddings; {n} = variable name, {v} = value
EMBED = [
    ("app.py", '{n} = "{v}"\n'),
    ("client.py", 'import requests\n\nclient = Client(url="https://api.internal", {n}="{v}")\n'),
    ("config.js", 'module.exports = {{\n  region: "eu-west-1",\n  {n}: "{v}",\n}};\n'),
    ("main.go", 'package main\n\nconst {n} = "{v}"\n'),
    ("Config.java", 'class Config {{\n    static final String {n} = "{v}";\n}}\n'),
    ("settings.yaml", "service:\n  name: billing\n  {n}: {v}\n"),
    ("config.json", '{{\n  "service": "billing",\n  "{n}": "{v}"\n}}\n'),
    (".env", "APP_ENV=production\n{N}={v}\n"),
    ("deploy.sh", '#!/bin/sh\nexport {N}="{v}"\n./run --prod\n'),
    ("app.toml", '[service]\nname = "billing"\n{n} = "{v}"\n'),
    ("config.rb", 'Rails.application.configure do\n  config.{n} = "{v}"\nend\n'),
    ("settings.php", "<?php\n$config['{n}'] = '{v}';\n"),
]

GENERIC_POS: list[tuple[str, str]] = [
    ("db.py", 'DB_PASSWORD = "{p}"\n'),
    ("conn.py", 'conn = psycopg2.connect(host="db", user="app", password="{p}")\n'),
    ("settings.yaml", "database:\n  user: app\n  password: {p}\n"),
    ("config.json", '{{"db": {{"user": "app", "password": "{p}"}}}}\n'),
    (".env", "DB_PASSWORD={p}\n"),
    ("application.properties", "spring.datasource.username=app\nspring.datasource.password={p}\n"),
    ("web.xml", "<config>\n  <user>app</user>\n  <password>{p}</password>\n</config>\n"),
    ("app.ini", "[database]\nuser = app\npassword = {p}\n"),
    ("Db.java", 'class Db {{\n  String password = "{p}";\n}}\n'),
    ("auth.js", 'const adminPassword = "{p}";\n'),
    ("main.go", 'package main\n\nvar dbPassword = "{p}"\n'),
    ("url.py", 'DATABASE_URL = "postgres://app:{p}@db.internal:5432/app"\n'),
    ("cache.yaml", "redis_url: redis://default:{p}@cache.internal:6379/0\n"),
    ("mongo.js", 'const uri = "mongodb+srv://svc:{p}@cluster0.internal/prod";\n'),
    ("amqp.py", 'BROKER = "amqp://worker:{p}@mq.internal:5672//"\n'),
    ("Db.cs", 'var cs = "Server=db;Database=app;User Id=app;Password={p};";\n'),
    ("util.c", 'int ok(const char *password) {{ return strcmp(password, "{p}") == 0; }}\n'),
    ("crypt.py", 'cipher = AES.new(b"{k}", AES.MODE_CBC, iv)\n'),
    ("Crypt.java", 'SecretKeySpec k = new SecretKeySpec("{k}".getBytes(), "AES");\n'),
    ("enc.js", 'const c = crypto.createCipheriv("aes-128-cbc", "{k}", iv);\n'),
    ("api.py", 'headers = {{"Authorization": "Bearer {t}"}}\n'),
    ("settings.py", 'SECRET_KEY = "{t}"\n'),
    ("client.rb", 'client = Api.new(api_key: "{t}")\n'),
    ("svc.ts", 'const clientSecret: string = "{t}";\n'),
    ("config.h", '#define ADMIN_PASSWORD "{p}"\n'),
    (".netrc", "machine api.internal login deploy password {p}\n"),
]


def password(rng: random.Random) -> str:
    words = [
        "Summer",
        "Winter",
        "Dragon",
        "Monkey",
        "Falcon",
        "Orange",
        "Silver",
        "Rocket",
        "Tiger",
        "Maple",
    ]
    style = rng.randrange(3)
    if style == 0:
        return rng.choice(words) + str(rng.randrange(1970, 2030)) + rng.choice("!@#$%&*?")
    if style == 1:
        return rnd(rng, AN + "!#%^*-_", rng.randrange(10, 20))
    return rng.choice(words).lower() + "-" + rng.choice(words).lower() + str(rng.randrange(10, 99))


def pem_keys(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    keys = [
        rsa.generate_private_key(65537, 1024),
        ec.generate_private_key(ec.SECP256R1()),
        ed25519.Ed25519PrivateKey.generate(),
    ]
    for key in keys:
        pkcs8 = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        ossh = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        out += [("key.pem", pkcs8.decode()), ("id_key", ossh.decode())]
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            trad = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
            out.append(("server.key", trad.decode()))
            out.append(("keys.py", 'PRIVATE_KEY = """' + trad.decode() + '"""\n'))
    enc = keys[0].private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw-" + rng.randbytes(4).hex().encode()),
    )
    out.append(("enc.pem", enc.decode()))
    sa = {
        "type": "service_account",
        "project_id": "proj",
        "private_key_id": rnd(rng, HEX, 40),
        "private_key": keys[0]
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode(),
        "client_email": "svc@proj.iam.gserviceaccount.com",
    }
    out.append(("service-account.json", json.dumps(sa, indent=2)))
    return out


def positives(rng: random.Random) -> list[tuple[str, str, str]]:
    """(label, filename, content)."""
    out: list[tuple[str, str, str]] = []
    makers: dict[str, Callable[[random.Random], str]] = {
        k: (lambda r, s=s: shape(r, s)) for k, s in SHAPES.items()
    }
    makers.update(SPECIAL)
    for label, make in sorted(makers.items()):
        for path, tpl in rng.sample(EMBED, 3):
            v = make(rng)
            out.append(
                (label, path, tpl.format(n="api_token" if "{n}" in tpl else "", N="API_TOKEN", v=v))
            )
    for label, (name, segs) in sorted(CONTEXT.items()):
        for path, tpl in rng.sample(EMBED, 3):
            v = shape(rng, segs) if segs else str(uuid.UUID(int=rng.getrandbits(128)))
            out.append((label, path, tpl.format(n=name.lower(), N=name.upper(), v=v)))
    for i in range(4):
        for path, tpl in GENERIC_POS:
            out.append(
                (
                    "generic",
                    path,
                    tpl.format(p=password(rng), k=rnd(rng, AN, 16), t=rnd(rng, AN, 32 + i)),
                )
            )
    out += [("private-key", p, c) for p, c in pem_keys(rng)]
    return out


NEG_TEMPLATES: list[tuple[str, str]] = [
    ("app.py", 'API_KEY = "YOUR_API_KEY_HERE"\n'),
    ("app.py", 'password = "changeme"\n'),
    ("app.py", 'DB_PASSWORD = os.environ["DB_PASSWORD"]\n'),
    ("app.py", 'token = os.getenv("GITHUB_TOKEN", "")\n'),
    ("app.js", "const apiKey = process.env.STRIPE_KEY;\n"),
    ("settings.yaml", "password: ${{DB_PASSWORD}}\n"),
    ("settings.yaml", "api_key: '{{{{ vault_api_key }}}}'\n"),
    ("alembic.ini", "sqlalchemy.url = postgresql://%(DB_USER)s:%(DB_PASS)s@db/app\n"),
    ("vars.yml", "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  {hex}\n"),
    ("README.md", "Set `export API_TOKEN=<your token>` before running.\n"),
    (
        "docs.md",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ),
    ("build.py", 'SHA256 = "{sha256}"\n'),
    ("build.py", 'checksum = "{sha256}"\n'),
    ("release.json", '{{"commit": "{sha1}", "version": "1.2.3"}}\n'),
    ("cache.py", 'etag = "{md5}"\n'),
    ("models.py", 'request_id = "{uuid}"\n'),
    ("models.py", 'token_id = "{uuid}"\n'),
    (
        "package-lock.json",
        '{{"node_modules/left-pad": {{"version": "1.3.0", "integrity": "sha512-{b64}"}}}}\n',
    ),
    ("yarn.lock", 'left-pad@^1.3.0:\n  version "1.3.0"\n  integrity sha512-{b64}\n'),
    ("go.sum", "golang.org/x/text v0.3.7 h1:{b64_44}\n"),
    ("Cargo.lock", '[[package]]\nname = "serde"\nchecksum = "{sha256}"\n'),
    ("index.html", '<script src="app.js" integrity="sha384-{b64}"></script>\n'),
    ("form.html", '<input type="password" name="password" placeholder="Password">\n'),
    ("login.py", 'password_field = "user_password"\n'),
    ("auth.py", 'TOKEN_URL = "https://oauth2.googleapis.com/token"\n'),
    ("auth.py", 'token_type = "Bearer"\n'),
    ("secrets.py", 'secret_name = "prod/db/credentials"\n'),
    ("cli.py", 'PASSWORD_PROMPT = "Enter password: "\n'),
    ("tls.py", 'key_path = "/etc/ssl/private/server.key"\n'),
    ("i18n.json", '{{"password": "Mot de passe", "token": "Jeton"}}\n'),
    ("parse.c", 'if (strcmp(token, "include") == 0) {{ handle_include(); }}\n'),
    ("pem.c", 'static const char PEM_RSA[] = "-----BEGIN RSA PRIVATE KEY-----";\n'),
    ("auth.py", 'password = getpass.getpass("Password: ")\n'),
    ("check.py", 'if password == "":\n    raise ValueError("empty")\n'),
    ("img.py", 'LOGO = "data:image/png;base64,{b64_200}"\n'),
    ("colors.css", ".btn {{ color: #{hex6}; background: #{hex6b}; }}\n"),
    ("app.min.js", 'var a="{b64_60}",b="{an40}";' * 40 + "\n"),
    ("keys.py", 'PUBLIC_KEY = """{pubkey}"""\n'),
    ("cert.pem", "{cert}"),
    ("authorized_keys", "ssh-ed25519 {b64_68} deploy@host\n"),
    ("gitlab.yml", "variables:\n  TOKEN: $CI_JOB_TOKEN\n"),
    (
        "k8s.yaml",
        "env:\n  - name: API_TOKEN\n    valueFrom:\n"
        "      secretKeyRef: {{name: api, key: token}}\n",
    ),
    ("settings.py", 'SECRET_KEY = env("DJANGO_SECRET_KEY")\n'),
    ("tf.tf", "password = var.db_password\n"),
    ("app.py", 'token = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'),
    ("app.py", 'STRIPE = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"\n'),
    ("conn.py", 'URL = "postgres://user:password@localhost:5432/db"\n'),
    ("conn.py", 'URL = "mysql://root:<password>@localhost/db"\n'),
    ("hash.py", 'password_hash = "$2b$12${b64_53}"\n'),
    ("api.py", 'api_key = request.headers.get("X-Api-Key")\n'),
    ("crypt.py", "cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)\n"),
    ("Auth.java", 'String password = System.getenv("DB_PASSWORD");\n'),
    ("ids.go", 'const ClassID = "{uuid}"\n'),
    ("app.py", 'SECRET_KEY = "dev"\n'),
    ("schema.json", '{{"properties": {{"password": {{"type": "string", "minLength": 8}}}}}}\n'),
    ("i18n.py", 'MSG = {{"token_expired": "Your session token expired"}}\n'),
    ("log.py", 'logger.info("password reset for %s", user)\n'),
    ("doc.py", '# Example: api_key = "<api-key>"\n'),
    ("test.c", 'const char *key = "{sha1}";  /* git object id */\n'),
    (
        "de.json",
        '{{"password": "Passwort", "token": "Zugangstoken", "api_key": "API-Schlüssel"}}\n',
    ),
    ("messages_fr.properties", "login.password=Mot de passe\nlogin.token=Jeton\n"),
    ("form.yaml", "fields:\n  password_label: Password\n  password: true\n  token: null\n"),
    ("README.rst", "Connect with ``mysql://user:pass@host/db`` (replace the placeholders).\n"),
    ("regex.py", 'TOKEN_RE = r"[A-Za-z0-9]{{32,}}"\n'),
    ("consts.py", 'API_KEY_HEADER = "X-API-KEY"\nSECRET_KEY_FALLBACKS = []\n'),
]


def negatives(rng: random.Random) -> list[tuple[str, str, str]]:
    pub = rsa.generate_private_key(65537, 1024).public_key()
    pubkey = pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    cert = (
        "-----BEGIN CERTIFICATE-----\n"
        + "\n".join(
            base64.b64encode(rng.randbytes(600)).decode()[i : i + 64] for i in range(0, 800, 64)
        )
        + "\n-----END CERTIFICATE-----\n"
    )
    out: list[tuple[str, str, str]] = []
    for i in range(6):
        for path, tpl in NEG_TEMPLATES:
            data = rng.randbytes(64)
            text = tpl.format(
                sha256=hashlib.sha256(data).hexdigest(),
                sha1=hashlib.sha1(data).hexdigest(),
                md5=hashlib.md5(data).hexdigest(),
                uuid=uuid.UUID(int=rng.getrandbits(128)),
                b64=base64.b64encode(rng.randbytes(48 + 16 * (i % 2))).decode(),
                b64_44=base64.b64encode(rng.randbytes(32)).decode(),
                b64_200=base64.b64encode(rng.randbytes(150)).decode(),
                b64_60=base64.b64encode(rng.randbytes(45)).decode(),
                b64_68=base64.b64encode(rng.randbytes(51)).decode(),
                b64_53=rnd(rng, AN + "./", 53),
                an40=rnd(rng, AN, 40),
                hex=rnd(rng, HEX, 64),
                hex6=rnd(rng, HEX, 6),
                hex6b=rnd(rng, HEX, 6),
                pubkey=pubkey,
                cert=cert,
            )
            out.append(("negative", path, text))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".bench/secrets-corpus"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.out.exists():
        shutil.rmtree(args.out)
    labels = {}
    for kind, cases in (("pos", positives(rng)), ("neg", negatives(rng))):
        for index, (label, path, text) in enumerate(cases):
            folder = args.out / kind / f"{index:04d}"
            folder.mkdir(parents=True)
            (folder / path).write_text(text)
            labels[f"{kind}/{index:04d}/{path}"] = {"positive": kind == "pos", "label": label}
    (args.out / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True))
    pos = sum(v["positive"] for v in labels.values())
    print(f"{pos} positives, {len(labels) - pos} negatives -> {args.out}")


if __name__ == "__main__":
    main()
