"""An uploaded file's name, made safe to show and to send back (never used as a path)."""

from __future__ import annotations

import re
import unicodedata

from govhub.core.files.types import KNOWN_TYPES

NAME_LIMIT = 200
_RESERVED = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")


def safe_name(name: str, content_type: str) -> str:
    """`name` without directories, control, format or reserved characters, at most 200
    characters, ending with an extension of `content_type` (appended if it ends otherwise).

    "..\\..\\etc/passwd" becomes "passwd.pdf" for a PDF; "invoice.pdf\u202eexe" loses the
    reading-direction override; an empty result is "file".
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    # Cc: control characters; Cf: format characters (bidirectional overrides, zero-width).
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"})
    name = _SPACES.sub(" ", _RESERVED.sub("_", name)).strip(" .")
    known = KNOWN_TYPES.get(content_type)
    if known is not None:
        stem, dot, ext = name.rpartition(".")
        if not dot or f".{ext.lower()}" not in (known.extension, *known.extensions):
            name = f"{name or 'file'}{known.extension}"
        elif not stem.strip(" ."):
            name = f"file{known.extension}"
    name = name or "file"
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: NAME_LIMIT - len(keep) - 1].rstrip(" .") + ("." + keep if keep else "")
    return name
