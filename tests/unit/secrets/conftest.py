"""Fixtures for the secrets tests: the shipped secret rules (through the loader) and builders of
planted provider values. Every value is built at run time from a seeded RNG, never committed.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
from collections.abc import Callable

import pytest

from integrity.rules.load import load_rules
from integrity.rules.schema import Rule
from integrity.secrets.engine import SecretEngine

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
        crc, rest = divmod(crc, 62)
        digits = B62[rest] + digits
    return prefix + body + digits.rjust(6, "0")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pypi_token(rng: random.Random) -> str:
    ident = json.dumps({"version": 1, "permissions": "user", "uid": rnd(rng, HEX, 32)})
    raw = b"\x02\x01\x08pypi.org\x02" + bytes([len(ident)]) + ident.encode() + b"\x00\x00\x06 "
    return "pypi-" + b64url(raw + rng.randbytes(32))


def jwt_token(rng: random.Random) -> str:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps({"sub": str(rng.getrandbits(40)), "iat": 1700000000}).encode())
    return f"{head}.{body}.{b64url(rng.randbytes(32))}"


SHAPES: dict[str, list[Seg]] = {
    "aws-access-key-id": ["AKIA", (string.ascii_uppercase + "234567", 16)],
    "gcp-api-key": ["AIza", (URL, 35)],
    "gcp-oauth-client-secret": ["GOCSPX-", (URL, 28)],
    "gcp-oauth-access-token": ["ya29.", (URL, 120)],
    "azure-ad-client-secret": [(AN, 3), (DIG, 1), "Q~", (URL, 34)],
    "github-fine-grained-pat": ["github_pat_", (AN, 22), "_", (AN, 59)],
    "gitlab-pat": ["glpat-", (URL, 20)],
    "gitlab-pipeline-trigger-token": ["glptt-", (HEX, 40)],
    "gitlab-runner-token": ["glrt-", (URL, 20)],
    "gitlab-runner-registration-token": ["GR1348941", (URL, 20)],
    "gitlab-deploy-token": ["gldt-", (URL, 20)],
    "bitbucket-app-password": ["ATBB", (AN, 32)],
    "atlassian-api-token": ["ATATT3", (URL, 186)],
    "slack-bot-token": ["xoxb-", (DIG, 11), "-", (DIG, 12), "-", (AN, 24)],
    "slack-user-token": ["xoxp-", (DIG, 11), "-", (DIG, 12), "-", (DIG, 12), "-", (HEX, 32)],
    "slack-app-token": ["xapp-1-A", (UP, 10), "-", (DIG, 13), "-", (HEX, 64)],
    "slack-legacy-token": ["xoxs-", (DIG, 11), "-", (AN, 40)],
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
    "teams-webhook-url": [
        "https://acme.webhook.office.com/webhookb2/",
        (HEX, 36),
        "@",
        (HEX, 36),
        "/IncomingWebhook/",
        (HEX, 32),
        "/",
        (HEX, 36),
    ],
    "stripe-live-secret-key": ["sk_live_", (AN, 99)],
    "stripe-test-secret-key": ["sk_test_", (AN, 24)],
    "stripe-webhook-secret": ["whsec_", (AN, 32)],
    "square-access-token": ["EAAA", (URL, 60)],
    "square-oauth-secret": ["sq0csp-", (URL, 43)],
    "braintree-access-token": ["access_token$production$", (LOW, 16), "$", (HEX, 32)],
    "shopify-token": ["shpat_", (HEX, 32)],
    "shippo-token": ["shippo_live_", (HEX, 40)],
    "easypost-api-key": ["EZAK", (AN, 54)],
    "twilio-api-key": ["SK", (HEX, 32)],
    "sendgrid-api-key": ["SG.", (URL, 22), ".", (URL, 43)],
    "mailgun-api-key": ["key-", (HEX, 32)],
    "mailchimp-api-key": [(HEX, 32), "-us12"],
    "rubygems-api-key": ["rubygems_", (HEX, 48)],
    "nuget-api-key": ["oy2", (LOW, 43)],
    "dockerhub-pat": ["dckr_pat_", (URL, 27)],
    "clojars-token": ["CLOJARS_", (LOW, 60)],
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
    "anthropic-api-key": ["sk-ant-api03-", (URL, 93), "AA"],
    "huggingface-token": ["hf_", (string.ascii_letters, 34)],
    "newrelic-key": ["NRAK-", (UP, 27)],
    "sentry-token": ["sntryu_", (HEX, 64)],
    "grafana-token": ["glsa_", (AN, 32), "_", (HEX, 8)],
    "dynatrace-token": ["dt0c01.", (UP, 24), ".", (UP, 64)],
    "linear-api-key": ["lin_api_", (AN, 40)],
    "postman-api-key": ["PMAK-", (HEX, 24), "-", (HEX, 34)],
    "airtable-pat": ["pat", (AN, 14), ".", (HEX, 64)],
    "mapbox-secret-token": ["sk.eyJ", (URL, 60), ".", (URL, 22)],
    "twitter-bearer-token": ["AAAAAAAAAAAAAAAAAAAAA", (AN, 80)],
    "age-secret-key": ["AGE-SECRET-KEY-1", ("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)],
    "azure-storage-account-key": [(B64, 86), "=="],
    "azure-sas-token": [(AN, 43), "%3D"],
    "npmrc-auth-token": [(URL, 36)],
    "gcp-service-account-key": ["-----BEGIN PRIVATE KEY-----\\n", (B64, 64), "\\n"],
    "putty-private-key": ["PuTTY-User-Key-File-3: ssh-ed25519"],
}
# rule id -> (name the value sits next to, shape)
CONTEXT: dict[str, tuple[str, list[Seg]]] = {
    "aws-secret-access-key": ("aws_secret_access_key", [(B64, 40)]),
    "aws-session-token": ("AWS_SESSION_TOKEN", ["FwoGZXIvYXdzE", (B64, 300)]),
    "twilio-auth-token": ("TWILIO_AUTH_TOKEN", [(HEX, 32)]),
    "datadog-api-key": ("DD_API_KEY", [(HEX, 32)]),
    "algolia-api-key": ("ALGOLIA_ADMIN_KEY", [(HEX, 32)]),
    "okta-api-token": ("OKTA_API_TOKEN", ["00", (URL, 40)]),
    "auth0-client-secret": ("AUTH0_CLIENT_SECRET", [(URL, 64)]),
    "fastly-api-token": ("FASTLY_API_TOKEN", [(URL, 32)]),
    "cloudflare-api-token": ("CLOUDFLARE_API_TOKEN", [(URL, 40)]),
    "pagerduty-api-key": ("PAGERDUTY_API_KEY", ["u+", (URL, 18)]),
    "heroku-legacy-api-key": (
        "HEROKU_API_KEY",
        [(HEX, 8), "-", (HEX, 4), "-4", (HEX, 3), "-a", (HEX, 3), "-", (HEX, 12)],
    ),
    "postmark-server-token": (
        "POSTMARK_SERVER_TOKEN",
        [(HEX, 8), "-", (HEX, 4), "-4", (HEX, 3), "-a", (HEX, 3), "-", (HEX, 12)],
    ),
    "azure-devops-pat": ("AZURE_DEVOPS_PAT", [("abcdefghijklmnopqrstuvwxyz234567", 52)]),
    "vault-legacy-token": ("VAULT_TOKEN", ["s.", (AN, 24)]),
}
SPECIAL: dict[str, Callable[[random.Random], str]] = {
    "github-pat": lambda r: crc_token(r, "ghp_"),
    "github-oauth": lambda r: crc_token(r, "gho_"),
    "github-user-to-server": lambda r: crc_token(r, "ghu_"),
    "github-app-token": lambda r: crc_token(r, "ghs_"),
    "github-refresh-token": lambda r: crc_token(r, "ghr_"),
    "npm-access-token": lambda r: crc_token(r, "npm_"),
    "pypi-upload-token": pypi_token,
    "jwt": jwt_token,
}
# rule id -> (path, template with {v}); default is `token = "{v}"` in config.py
TEMPLATES: dict[str, tuple[str, str]] = {
    "azure-storage-account-key": (
        "app.py",
        'CONN = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={v};"\n',
    ),
    "azure-sas-token": (
        "app.py",
        'URL = "https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig={v}"\n',
    ),
    "npmrc-auth-token": (".npmrc", "//registry.npmjs.org/:_authToken={v}\n"),
    "gcp-service-account-key": ("sa.json", '{{"type": "service_account", "private_key": "{v}"}}\n'),
    "putty-private-key": ("id.ppk", "{v}\nEncryption: none\n"),
}


def shape(rng: random.Random, segs: list[Seg]) -> str:
    return "".join(s if isinstance(s, str) else rnd(rng, s[0], s[1]) for s in segs)


def covered() -> frozenset[str]:
    """Every rule id this module can build a planted value for."""
    return frozenset(SHAPES) | frozenset(CONTEXT) | frozenset(SPECIAL)


def build(rule_id: str, rng: random.Random) -> tuple[str, str, str]:
    """(path, code, secret) with one planted credential of the given rule's format."""
    if rule_id in CONTEXT:
        name, segs = CONTEXT[rule_id]
        value = shape(rng, segs)
        return "config.py", f'{name} = "{value}"\n', value
    value = SPECIAL[rule_id](rng) if rule_id in SPECIAL else shape(rng, SHAPES[rule_id])
    path, template = TEMPLATES.get(rule_id, ("config.py", 'token = "{v}"\n'))
    return path, template.format(v=value), value


@pytest.fixture(scope="session")
def secret_rules() -> tuple[Rule, ...]:
    return tuple(rule for rule in load_rules().rules if rule.kind == "secret")


@pytest.fixture(scope="session")
def engine(secret_rules: tuple[Rule, ...]) -> SecretEngine:
    return SecretEngine(secret_rules)


@pytest.fixture(scope="session")
def planted() -> Callable[[str, random.Random], tuple[str, str, str]]:
    """`planted(rule_id, rng)` -> (path, code, secret) for one provider format."""
    return build


@pytest.fixture(scope="session")
def pinned_ids() -> frozenset[str]:
    """Every rule id the planted builder covers."""
    return covered()


@pytest.fixture(scope="session")
def crc() -> Callable[[random.Random, str], str]:
    """`crc(rng, prefix)`: a GitHub/npm-style token with a valid CRC32 suffix."""
    return crc_token
