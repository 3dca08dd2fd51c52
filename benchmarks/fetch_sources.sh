#!/bin/sh
# Fetch the real C trees the benchmarks use (Debian source packages) into .bench/src, and the
# peer tools into .bench/peers-venv. Idempotent. Needs root for apt-get (as on the project machines).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/.bench/src"
if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
  done
  apt-get update -qq
fi
cd "$root/.bench/src"
for pkg in openssh sudo curl xz-utils; do
  ls -d "$pkg"-*/ >/dev/null 2>&1 || apt-get source -qq "$pkg" >/dev/null
done
if [ ! -x "$root/.bench/peers-venv/bin/detect-secrets" ]; then
  python3 -m venv "$root/.bench/peers-venv"
  "$root/.bench/peers-venv/bin/pip" install -q 'detect-secrets==1.5.*' credsweeper
fi
echo "sources: $(ls -d "$root"/.bench/src/*/ | tr '\n' ' ')"
