"""atheris target: the baseline reader (JSON parse, schema, records, signature member).

python fuzz/fuzz_baseline.py -max_total_time=60 -rss_limit_mb=2048 [CORPUS_DIR]
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from integrity.baseline.store import load_baseline_bytes

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _harness import documented

SEED = (
    b'{"files":[{"executable":false,"path":"a.py","sha256":"00","size":1,"type":"file",'
    b'"symbols":[{"digest":"d","kind":"function","lines":[1,2],"name":"f"}]}],'
    b'"header":{"created":"x","rules_digest":"sha256:0","source":{"kind":"directory",'
    b'"location":"."},"tool_version":"0"},"schema_version":1}'
)


def _one(data: bytes) -> None:
    load_baseline_bytes(data, "fuzz", None)


def main() -> None:
    atheris.Setup(sys.argv, documented(_one))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
