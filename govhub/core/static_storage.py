"""Static files: WhiteNoise's hashed, precompressed storage, with brotli at a quality that
keeps `govhub serve` quick to start.

WhiteNoise compresses every static file with brotli at its highest quality (11) whenever the
`brotli` package is installed, which it is since the page cache stores brotli bodies (ADR
0020): collecting the static files at start-up went from 3 s to 24 s (43 s of CPU, most of
it on the API docs' 1.5 MB bundles and their source maps), past what a node's start and the
server test allow. At quality 9 a file is a few per cent larger and compresses many times
faster; source maps, which only a developer's tools ask for, are not compressed at all.
"""

from __future__ import annotations

from typing import Any

import brotli
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

BROTLI_QUALITY = 9
SKIP_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


# WhiteNoise is untyped, hence the ignores.
class QuickCompressor(Compressor):  # type: ignore[misc]
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def create_compressor(self, **kwargs: Any) -> Compressor:
        kwargs["extensions"] = SKIP_EXTENSIONS
        return QuickCompressor(**kwargs)
