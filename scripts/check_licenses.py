"""`make licenses`: list the runtime dependencies' licences and check each is allowed.

pip-licenses reads the installed packages' metadata and enforces the allow-list kept in
pyproject.toml ([tool.pip-licenses]); this script only feeds it the packages pinned in
requirements.lock (what a deployment installs; the development tools are not distributed)
and fails when one of them is not installed, since pip-licenses skips a package it can't
find without a word.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_packages(lock: Path) -> list[str]:
    """The names pinned in a uv/pip-compile lock file."""
    return [m.group(1) for line in lock.read_text().splitlines() if (m := PIN.match(line))]


def main() -> int:
    packages = locked_packages(ROOT / "requirements.lock")
    command = [sys.executable, "-m", "piplicenses", "--packages", *packages]
    checked = subprocess.run(
        [*command, "--format=json"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if checked.returncode != 0:
        sys.stderr.write(checked.stderr)
        sys.stderr.write(
            "A runtime dependency has a licence that is not on the allow-list in "
            "pyproject.toml [tool.pip-licenses]: read it, and add it there only if it may be "
            "combined with AGPL-3.0-or-later.\n"
        )
        return 1
    found = {_normalise(row["Name"]) for row in json.loads(checked.stdout)}
    missing = sorted({_normalise(p) for p in packages} - found)
    if missing:
        sys.stderr.write(f"Not installed, so not checked: {', '.join(missing)}\n")
        return 1
    subprocess.run(command, cwd=ROOT, check=True)
    print(f"\n{len(found)} runtime dependencies, every licence compatible with AGPL-3.0-or-later.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
