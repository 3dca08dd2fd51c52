"""atheris target: the archive reader (tar, tar.gz, zip members read in place, with caps).

    python fuzz/fuzz_archive.py -max_total_time=60 -rss_limit_mb=2048 [CORPUS_DIR]

Each input is written to a temporary .tar, .tar.gz, .zip, .tar.bz2 or .tar.xz (picked by its
first byte) and every member is read with the engine's `read_blob`, as `integrity scan ARCHIVE`
does: SourceError (exit 3) for a corrupt archive is the documented refusal; anything else raised
is a crash.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from integrity.baseline.build import read_blob
    from integrity.sources import SourceLimits
    from integrity.sources.archive import ArchiveSource

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _harness import documented

SUFFIXES = (".tar", ".tar.gz", ".zip", ".tar.bz2", ".tar.xz")
LIMITS = SourceLimits(
    max_member_size=1 << 20, max_total_size=4 << 20, max_members=2000, max_ratio=100
)
WORK = Path(tempfile.mkdtemp(prefix="fuzz-archive-"))


def _one(data: bytes) -> None:
    if not data:
        return
    path = WORK / ("input" + SUFFIXES[data[0] % len(SUFFIXES)])
    path.write_bytes(data[1:])
    try:
        for blob in ArchiveSource(path, LIMITS).iter_files():
            if blob.open is not None and blob.problem is None:
                read_blob(blob, 1 << 20)  # as the engine reads it (unreadable -> a value)
    finally:
        os.unlink(path)


def main() -> None:
    atheris.Setup(sys.argv, documented(_one))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
