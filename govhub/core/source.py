"""The running program's source, offered to everyone who uses it (AGPL-3.0 section 13).

GovHub is licensed under the GNU AGPL: whoever runs a modified copy as a network service must
offer its users the corresponding source. Serving the archive of the code that is actually
installed makes that true of every deployment, modified or not, without anyone having to
remember to publish it; `GOVHUB_SOURCE_URL` points the footer at a public repository instead.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import govhub

# Top-level files of a checkout that belong to the corresponding source, when present (an
# installed wheel has none of them beside the packages; its licence files are in the packages).
_PROJECT_FILES = (
    "LICENSE",
    "README.md",
    "pyproject.toml",
    "requirements.lock",
    "requirements-dev.lock",
    "package.json",
    "package-lock.json",
    "Makefile",
    ".env.example",
)
_SKIPPED_DIRS = {"__pycache__", "node_modules", ".mypy_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo", ".mo", ".sqlite3"}


def _package_files(root: Path, package: Path) -> list[tuple[str, Path]]:
    files = []
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(root)
        if (
            path.is_file()
            and not _SKIPPED_DIRS.intersection(relative.parts)
            and path.suffix not in _SKIPPED_SUFFIXES
        ):
            files.append((relative.as_posix(), path))
    return files


def source_files() -> list[tuple[str, Path]]:
    """(name in the archive, file on disk) of the installed program's source, sorted."""
    # The settings package sits beside govhub; found without importing it (core does not
    # depend on the project's configuration).
    settings_spec = find_spec("config")
    packages = [Path(govhub.__file__).parent]
    if settings_spec is not None and settings_spec.origin is not None:
        packages.append(Path(settings_spec.origin).parent)
    root = packages[0].parent
    files = [(name, root / name) for name in _PROJECT_FILES if (root / name).is_file()]
    for package in packages:
        files.extend(_package_files(package.parent, package))
    return files


@lru_cache(maxsize=1)
def source_archive() -> tuple[bytes, str]:
    """A reproducible .tar.gz of the source and its SHA-256, built once per process."""
    buffer = io.BytesIO()
    # mtime 0 and fixed owners: the same source always gives the same bytes (and ETag).
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for name, path in source_files():
            info = tarfile.TarInfo(f"govhub-source/{name}")
            data = path.read_bytes()
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    content = buffer.getvalue()
    return content, hashlib.sha256(content).hexdigest()
