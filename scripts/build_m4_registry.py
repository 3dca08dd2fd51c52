#!/usr/bin/env python3
"""Build signatures/registry/m4-macros.json: digests of known upstream autotools macro files.

Inputs are Debian packages that ship macro files: autoconf, automake, libtool, gettext (its m4
files and the older versions kept in autopoint's archive.dir.tar.xz), autoconf-archive and
gnulib. By default the .debs are fetched with `apt-get download` into .bench/m4debs/ and
unpacked with `dpkg-deb -x` into .bench/m4extract/ (trusted inputs from the Debian archive;
nothing from a scanned tree is ever extracted).

Each *.m4 is normalised (line endings to LF), hashed with sha256 (truncated to 16 hex digits:
64 bits, ample to tell copies apart and keeps the registry small) and recorded as
(macro file name, serial, digest, origin).

    python scripts/build_m4_registry.py [--download] [--debs DIR ...] [--sources DIR ...]
                                        [--out FILE]

The registry shipped was built with:
    apt-get download autoconf automake libtool gettext autopoint autoconf-archive gnulib
        (bookworm into .bench/m4debs, trixie into .bench/m4debs-trixie)
    apt-get source --download-only libtool automake-1.16 autoconf   (bookworm and trixie,
        into .bench/m4src)
    python scripts/build_m4_registry.py --debs .bench/m4debs --debs .bench/m4debs-trixie
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrity.gitflow.m4registry import m4_digest, m4_serial  # noqa: E402

PACKAGES = ("autoconf", "automake", "libtool", "gettext", "autopoint", "autoconf-archive", "gnulib")
_DEB = re.compile(r"(?P<name>[^_]+)_(?P<version>[^_]+)_[^_]+\.deb$")
_ARCHIVE_VERSION = re.compile(r"gettext-(\d[\w.]*)")
_ORIG = re.compile(r"(?P<name>[^_]+)_(?P<version>[^_]+)\.orig\.tar\.")


def download(into: Path) -> None:
    """apt-get download the packages (needs the Debian archive configured)."""
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=into, check=True)


def unpack(deb: Path, work: Path) -> Path:
    """dpkg-deb -x into work/<deb stem>."""
    target = work / deb.stem
    if not target.is_dir():
        target.mkdir(parents=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
    return target


class Collector:
    """(name -> {(serial, digest): origin index}) with the list of origins."""

    def __init__(self) -> None:
        self.origins: list[str] = []
        self.macros: dict[str, dict[tuple[str, str], int]] = {}

    def origin(self, label: str) -> int:
        if label not in self.origins:
            self.origins.append(label)
        return self.origins.index(label)

    def add(self, name: str, data: bytes, origin: int) -> None:
        key = (m4_serial(data) or "", m4_digest(data))
        self.macros.setdefault(name, {}).setdefault(key, origin)

    def document(self) -> dict[str, object]:
        macros = {
            name: sorted([serial, digest, origin] for (serial, digest), origin in rows.items())
            for name, rows in sorted(self.macros.items())
        }
        return {
            "format": 1,
            "digest": "sha256 of the LF-normalised file, first 16 hex digits",
            "origins": self.origins,
            "macros": macros,
        }


def collect_tree(tree: Path, label: str, into: Collector) -> None:
    origin = into.origin(label)
    for path in sorted(tree.rglob("*.m4")):
        if path.is_file() and not path.is_symlink():
            into.add(path.name, path.read_bytes(), origin)
    for archive in sorted(tree.rglob("archive.dir.tar*")):
        collect_gettext_archive(archive, label, into)


def collect_gettext_archive(archive: Path, label: str, into: Collector) -> None:
    """autopoint's archive of every older gettext release's m4 files (read in memory)."""
    with tarfile.open(fileobj=io.BytesIO(archive.read_bytes())) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".m4"):
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            found = _ARCHIVE_VERSION.search(member.name)
            version = f"gettext {found.group(1)}" if found else f"{label} (archive)"
            into.add(Path(member.name).name, handle.read(), into.origin(version))


def collect_orig_tarball(tarball: Path, into: Collector) -> None:
    """The *.m4 members of an upstream tarball from `apt-get source` (read in memory).

    Debian patches some binary packages' macros (libtool.m4, ltversion.m4), so the pristine
    upstream copies come from the .orig tarballs of the source packages.
    """
    found = _ORIG.search(tarball.name)
    label = f"{found.group('name')} {found.group('version')} upstream" if found else tarball.name
    origin = into.origin(label)
    with tarfile.open(tarball) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".m4"):
                handle = tar.extractfile(member)
                if handle is not None:
                    into.add(Path(member.name).name, handle.read(), origin)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--debs",
        type=Path,
        action="append",
        help="folder of .deb files (repeatable; default .bench/m4debs)",
    )
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "m4extract")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "signatures" / "registry" / "m4-macros.json"
    )
    parser.add_argument(
        "--sources",
        type=Path,
        action="append",
        help="folder of *.orig.tar.* from `apt-get source --download-only` (repeatable; "
        "default .bench/m4src when present)",
    )
    parser.add_argument("--download", action="store_true", help="apt-get download first")
    args = parser.parse_args(argv)
    folders = args.debs or [ROOT / ".bench" / "m4debs"]
    if args.download:
        download(folders[0])
    debs = sorted(deb for folder in folders for deb in folder.glob("*.deb"))
    if not debs:
        parser.error(f"no .deb files in {', '.join(map(str, folders))} (use --download)")
    collector = Collector()
    for deb in debs:
        found = _DEB.search(deb.name)
        label = f"{found.group('name')} {found.group('version')}" if found else deb.stem
        label = label.replace("%3a", ":")
        collect_tree(unpack(deb, args.work), label, collector)
    default_sources = ROOT / ".bench" / "m4src"
    sources = args.sources or ([default_sources] if default_sources.is_dir() else [])
    for folder in sources:
        for tarball in sorted(folder.glob("*.orig.tar.*")):
            if not tarball.name.endswith(".asc"):
                collect_orig_tarball(tarball, collector)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collector.document(), sort_keys=True, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    count = sum(len(rows) for rows in collector.macros.values())
    print(f"{args.out}: {len(collector.macros)} macro files, {count} copies, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
