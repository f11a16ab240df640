"""Content codings for cached pages: compress a body once, pick one per Accept-Encoding.

A cached anonymous page is stored as it was rendered and as gzip and brotli, so serving a hit
costs no compression at all (docs/adr/0018-compressed-page-cache-and-versions.md).
"""

from __future__ import annotations

import gzip
from functools import lru_cache

import brotli

IDENTITY = "identity"
# On equal q-values the smaller coding wins: brotli, then gzip, then the body as it is.
PREFERENCE = ("br", "gzip", IDENTITY)
# Below this a compressed body saves nothing worth a header (GZipMiddleware's own limit).
MIN_LENGTH = 200
# Brotli quality 6 compresses a 150 KB page in about 6 ms, as small as quality 9 within 1 %;
# quality 11 takes 200 ms, too long for the request that fills the cache.
BROTLI_QUALITY = 6
GZIP_LEVEL = 6
_IMPLICIT_IDENTITY_Q = 0.0001


def encodings_of(body: bytes) -> dict[str, bytes]:
    """The body under each coding a client may ask for (`identity` always; the compressed
    ones only where they are smaller)."""
    found = {IDENTITY: body}
    if len(body) < MIN_LENGTH:
        return found
    # mtime=0: the same page compresses to the same bytes on every node.
    for coding, encoded in (
        ("gzip", gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)),
        ("br", brotli.compress(body, quality=BROTLI_QUALITY)),
    ):
        if len(encoded) < len(body):
            found[coding] = encoded
    return found


@lru_cache(maxsize=256)
def _accepted(header: str) -> tuple[dict[str, float], float | None]:
    """The q-value of each coding the header names, and that of `*` (None if absent)."""
    weights: dict[str, float] = {}
    star: float | None = None
    for part in header.lower().split(","):
        name, _, params = part.partition(";")
        name = name.strip()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0  # a q-value that cannot be read accepts nothing
        if name == "*":
            star = q
        else:
            # x-gzip is gzip (RFC 9110 section 8.4.1.3).
            weights["gzip" if name == "x-gzip" else name] = q
    return weights, star


def choose_encoding(header: str, available: tuple[str, ...] = PREFERENCE) -> str:
    """The coding to send for an Accept-Encoding header (RFC 9110 section 12.5.3): the
    highest q-value among `available`, smaller codings first on a tie. Identity is acceptable
    unless refused (`identity;q=0`, or `*;q=0` without naming it); if even identity is
    refused, it is sent anyway, which the RFC allows rather than a 406."""
    if not header:
        return IDENTITY
    weights, star = _accepted(header)
    best, best_q = IDENTITY, 0.0
    for coding in PREFERENCE:
        if coding not in available:
            continue
        if coding in weights:
            q = weights[coding]
        elif star is not None:
            q = star
        else:
            # Identity not named is acceptable, but after any coding the client did name.
            q = _IMPLICIT_IDENTITY_Q if coding == IDENTITY else 0.0
        if q > best_q:
            best, best_q = coding, q
    return best
