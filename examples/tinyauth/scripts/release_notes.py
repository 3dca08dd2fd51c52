"""Print the release notes of tinyauth from the changelog."""

import sys
from pathlib import Path


def notes(changelog: Path, version: str) -> str:
    lines = changelog.read_text(encoding="utf-8").splitlines()
    out, active = [], False
    for line in lines:
        if line.startswith("## "):
            active = line[3:].strip() == version
            continue
        if active:
            out.append(line)
    return "\n".join(out).strip()


if __name__ == "__main__":
    print(notes(Path(sys.argv[1]), sys.argv[2]))
