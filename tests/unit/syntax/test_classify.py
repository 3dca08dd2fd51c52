"""Sensitive-code classification: recall on real names, precision on look-alikes."""

from __future__ import annotations

import pytest

from integrity.syntax.analyze import analyze
from integrity.syntax.classify import classify, classify_name, classify_path, glob_regex, word_parts
from integrity.syntax.languages import Grammars


@pytest.mark.parametrize(
    ("name", "tags"),
    [
        ("check_password", ("auth",)),
        ("sshpam_auth_passwd", ("auth",)),
        ("userLogin", ("auth",)),
        ("verifyHostKey", ("auth",)),
        ("checkpasswd", ("auth",)),
        ("isAuthorized", ("auth",)),
        ("HMACSha256", ("crypto",)),
        ("aes_encrypt_block", ("crypto",)),
        ("ecdsa_sign", ("crypto",)),
        ("gen_nonce", ("crypto",)),
        ("ssh_sandbox_child", ("sandbox",)),
        ("install_seccomp_filter", ("sandbox",)),
        ("landlock_restrict_self", ("sandbox",)),
        ("do_setuid", ("sandbox",)),
        ("drop_capabilities", ("sandbox",)),
        ("Crypto.Signer.verify", ("auth", "crypto")),
    ],
)
def test_sensitive_names(name: str, tags: tuple[str, ...]) -> None:
    assert classify_name(name) == tags


@pytest.mark.parametrize(
    "name",
    [
        "design",
        "assign_value",
        "redesignLayout",
        "author",
        "get_authors",
        "signal_handler",
        "sigaction",
        "is_signed",
        "significant_bits",
        "shadow_dom_root",
        "palette",
        "parse_tokens",
        "keyboard",
        "Author.name",
    ],
)
def test_look_alikes_are_not_sensitive(name: str) -> None:
    assert classify_name(name) == ()


def test_word_parts() -> None:
    assert word_parts("getAESKey_v2") == ("get", "aes", "key", "v2")
    assert word_parts("HMACSha256Update") == ("hmac", "sha256", "update")
    assert word_parts("ns::Foo.bar-baz") == ("ns", "foo", "bar", "baz")


def test_paths_and_globs() -> None:
    assert classify_path("src/auth/session.c") == ("auth",)
    assert classify_path("crypto/aes/aes_core.c") == ("crypto",)
    assert classify_path("sandbox-seccomp-filter.c") == ("sandbox",)
    assert classify_path("AUTHORS") == ()
    assert classify_path("docs/design.md") == ()
    assert classify_path("configure.ac") == ("build-check",)
    assert classify_path("m4/ax_check_compile_flag.m4") == ("build-check",)
    assert classify_path("CMakeLists.txt") == ("build-check",)
    assert classify_path("lib/util.c", ("lib/**",)) == ("policy",)
    assert classify_path("lib/util.c", ("*.h",)) == ()
    assert classify("src/net.c", "verify_signature", ("src/net.c",)) == ("auth", "crypto", "policy")


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("src/auth/", "src/auth/login.c", True),
        ("src/auth/**", "src/auth/x/y.c", True),
        ("*.pem", "a/b/key.pem", True),
        ("keys/*.pem", "other/keys/a.pem", False),
        ("**/secret?.txt", "a/b/secret1.txt", True),
        ("lib/[ab].c", "lib/c.c", False),
    ],
)
def test_glob_regex(glob: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(glob).match(path)) is matches


def test_symbols_carry_name_path_and_policy_tags() -> None:
    source = b"def verify_password(p):\n    return p\n\ndef render(x):\n    return x\n"
    result = analyze(
        "app/views.py", "python", source, Grammars(), sensitive_globs=("app/views.py",)
    )
    assert [(s.name, s.sensitive) for s in result.symbols] == [
        ("verify_password", ("auth", "policy")),
        ("render", ("policy",)),
    ]
