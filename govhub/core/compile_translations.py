"""Compile the .po catalogues under govhub/locale to .mo, without GNU gettext.

Run by `make install` (`python -m govhub.core.compile_translations`), so a machine with only
Python can build the translations; `.mo` files are build outputs and are not committed.
`--normalise` (run by `make messages` after makemessages) first rewrites each catalogue in
the committed layout (no line wrapping), so re-extracting changes only what changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR, *, normalise: bool = False) -> int:
    count = 0
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path), wrapwidth=0)
        if normalise:
            catalogue.save(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    return count


if __name__ == "__main__":
    compiled = compile_all(normalise="--normalise" in sys.argv[1:])
    sys.stdout.write(f"compiled {compiled} translation catalogues\n")
