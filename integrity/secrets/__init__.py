"""Hardcoded-credential detection: provider formats and generic credentials in context.

`SecretEngine` compiles every secret rule into one hyperscan database and confirms each hit
with `re` on a small window; the detector in `integrity.detectors.secrets` wraps it.
"""

from integrity.secrets.engine import SecretEngine, SecretHit
from integrity.secrets.redact import redact, secret_sha256

__all__ = ["SecretEngine", "SecretHit", "redact", "secret_sha256"]
