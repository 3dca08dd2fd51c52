"""Every provider format is pinned by one planted value built at test time."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from integrity.detectors.base import FileView
from integrity.detectors.secrets import hit_to_finding
from integrity.model import Confidence, Finding, Severity
from integrity.rules.schema import Rule
from integrity.secrets.engine import SecretEngine
from integrity.syntax.languages import Grammars, guess_language

Planted = Callable[[str, random.Random], tuple[str, str, str]]

# format rules that are not one provider's token (tested in test_secret_context.py and below)
NOT_PROVIDERS = {
    "private-key",
    "encrypted-private-key",
    "http-authorization-header",
    "docker-config-auth",
    "cipher-hardcoded-key",
}
FORMAT_RULES = [
    "aws-access-key-id",
    "aws-secret-access-key",
    "aws-session-token",
    "gcp-api-key",
    "gcp-service-account-key",
    "gcp-oauth-client-secret",
    "gcp-oauth-access-token",
    "azure-storage-account-key",
    "azure-sas-token",
    "azure-ad-client-secret",
    "azure-devops-pat",
    "github-pat",
    "github-oauth",
    "github-user-to-server",
    "github-app-token",
    "github-refresh-token",
    "github-fine-grained-pat",
    "gitlab-pat",
    "gitlab-pipeline-trigger-token",
    "gitlab-runner-token",
    "gitlab-runner-registration-token",
    "gitlab-deploy-token",
    "bitbucket-app-password",
    "atlassian-api-token",
    "slack-bot-token",
    "slack-user-token",
    "slack-app-token",
    "slack-legacy-token",
    "slack-webhook-url",
    "discord-bot-token",
    "discord-webhook-url",
    "telegram-bot-token",
    "teams-webhook-url",
    "stripe-live-secret-key",
    "stripe-test-secret-key",
    "stripe-webhook-secret",
    "square-access-token",
    "square-oauth-secret",
    "braintree-access-token",
    "shopify-token",
    "shippo-token",
    "easypost-api-key",
    "twilio-api-key",
    "twilio-auth-token",
    "sendgrid-api-key",
    "mailgun-api-key",
    "mailchimp-api-key",
    "postmark-server-token",
    "npm-access-token",
    "npmrc-auth-token",
    "pypi-upload-token",
    "rubygems-api-key",
    "nuget-api-key",
    "dockerhub-pat",
    "clojars-token",
    "heroku-api-key",
    "heroku-legacy-api-key",
    "digitalocean-token",
    "alibaba-access-key-id",
    "fly-io-token",
    "supabase-service-key",
    "planetscale-token",
    "pulumi-access-token",
    "doppler-token",
    "tailscale-key",
    "databricks-token",
    "vault-token",
    "vault-legacy-token",
    "terraform-cloud-token",
    "cloudflare-origin-ca-key",
    "cloudflare-api-token",
    "fastly-api-token",
    "algolia-api-key",
    "firebase-cloud-messaging-key",
    "openai-api-key",
    "anthropic-api-key",
    "huggingface-token",
    "datadog-api-key",
    "newrelic-key",
    "sentry-token",
    "pagerduty-api-key",
    "okta-api-token",
    "auth0-client-secret",
    "grafana-token",
    "dynatrace-token",
    "linear-api-key",
    "postman-api-key",
    "airtable-pat",
    "mapbox-secret-token",
    "twitter-bearer-token",
    "age-secret-key",
    "jwt",
    "putty-private-key",
]


def scan(engine: SecretEngine, path: str, code: str) -> list[tuple[str, int, str]]:
    data = code.encode()
    language = guess_language(path, data)
    tree = Grammars().parse(language, data) if language else None
    return [(h.rule.id, h.start_line, h.secret) for h in engine.scan(path, data, tree)]


def test_every_format_rule_is_pinned(
    secret_rules: tuple[Rule, ...], pinned_ids: frozenset[str]
) -> None:
    contextual = ("(?P<name>", "(?P<user>")
    shipped = {r.id for r in secret_rules if not any(g in (r.pattern or "") for g in contextual)}
    assert shipped - NOT_PROVIDERS == set(FORMAT_RULES)
    assert set(FORMAT_RULES) <= pinned_ids
    assert len(FORMAT_RULES) >= 60


@pytest.mark.parametrize("rule_id", FORMAT_RULES)
def test_planted_value_is_found_by_its_rule(
    engine: SecretEngine, planted: Planted, rule_id: str
) -> None:
    path, code, secret = planted(rule_id, random.Random(rule_id))
    assert scan(engine, path, code) == [(rule_id, 1, secret)]


@pytest.mark.parametrize("prefix", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"])
def test_crc32_checksum_raises_confidence_and_a_bad_one_lowers_it(
    engine: SecretEngine, crc: Callable[[random.Random, str], str], prefix: str
) -> None:
    good = crc(random.Random(prefix), prefix)
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    (hit,) = engine.scan("a.py", f'TOKEN = "{good}"\n'.encode())
    assert (hit.validated, hit.confidence) == (True, Confidence.HIGH)
    assert hit.severity is Severity.CRITICAL
    (weak,) = engine.scan("a.py", f'TOKEN = "{bad}"\n'.encode())
    assert (weak.validated, weak.confidence, weak.severity) == (False, Confidence.LOW, Severity.LOW)


def test_pypi_macaroon_and_jwt_are_decoded(engine: SecretEngine, planted: Planted) -> None:
    _, code, _ = planted("pypi-upload-token", random.Random(1))
    (hit,) = engine.scan("a.py", code.encode())
    assert hit.validated is True
    not_json = "eyJ" + "a" * 20 + ".eyJ" + "b" * 20 + "." + "c" * 20
    assert engine.scan("a.py", f'TOKEN = "{not_json}"\n'.encode()) == ()


def _keys() -> list[tuple[str, bytes]]:
    rsa_key = rsa.generate_private_key(65537, 1024)
    keys: list[tuple[str, bytes]] = []
    for key in (
        rsa_key,
        ec.generate_private_key(ec.SECP256R1()),
        ed25519.Ed25519PrivateKey.generate(),
    ):
        keys.append(
            (
                "pkcs8",
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ),
            )
        )
        keys.append(
            (
                "openssh",
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.OpenSSH,
                    serialization.NoEncryption(),
                ),
            )
        )
    keys.append(
        (
            "traditional",
            rsa_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ),
        )
    )
    return keys


def test_private_keys_of_every_kind(engine: SecretEngine) -> None:
    for label, pem in _keys():
        data = b"# key\n" + pem
        hits = engine.scan("deploy/key.pem", data)
        assert [(h.rule.id, h.start_line) for h in hits] == [("private-key", 2)], label
        assert hits[0].end_line == data.count(b"\n"), label
        assert hits[0].severity is Severity.CRITICAL


def test_encrypted_private_key_is_reported_at_medium(engine: SecretEngine) -> None:
    key = rsa.generate_private_key(65537, 1024)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw-for-test"),
    )
    (hit,) = engine.scan("deploy/key.pem", pem)
    assert (hit.rule.id, hit.severity) == ("encrypted-private-key", Severity.MEDIUM)


def test_pgp_private_key_block(engine: SecretEngine) -> None:
    body = "\n".join(
        "".join(random.Random(i).choice("ABCDEFabcdef0123456789+/") for _ in range(64))
        for i in range(4)
    )
    block = (
        f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{body}\n-----END PGP PRIVATE KEY BLOCK-----\n"
    )
    (hit,) = engine.scan("keys/signing.asc", block.encode())
    assert (hit.rule.id, hit.start_line, hit.end_line) == ("private-key", 1, 7)


def test_no_finding_field_holds_any_part_of_a_planted_secret(
    engine: SecretEngine, planted: Planted
) -> None:
    for rule_id in FORMAT_RULES:
        path, code, secret = planted(rule_id, random.Random("redact-" + rule_id))
        view = FileView(path=path, language=None, after=code.encode(), change="added")
        (hit,) = engine.scan(path, code.encode())
        finding = hit_to_finding(hit, view)
        dumped = repr(finding) + "".join(
            str(getattr(finding, field.name)) for field in dataclasses.fields(Finding)
        )
        pieces = {secret[i : i + 8] for i in range(4, len(secret) - 7)}
        leaked = [piece for piece in pieces if piece in dumped]
        assert not leaked, (rule_id, finding.snippet)
        assert finding.snippet.startswith(secret[: min(4, len(secret) // 4)] + "…")
