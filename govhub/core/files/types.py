"""What a file is, from its content (never its name): magic numbers via puremagic, ZIP
containers opened to tell office formats apart, and a plain-text sniff for text and CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 64 * 1024
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # the canonical one, with its dot
    label: str | Promise  # what people are told ("PDF document")
    extensions: tuple[str, ...] = ()  # others a name may end with for this type


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

# The types a use may allow. HTML, SVG and executables are deliberately absent: served back,
# they could run in the site's origin or on a person's computer.
KNOWN_TYPES: dict[str, FileType] = {
    t.mime: t
    for t in (
        FileType(PDF, ".pdf", _("PDF document")),
        FileType("image/png", ".png", _("PNG image")),
        FileType("image/jpeg", ".jpg", _("JPEG image"), (".jpeg", ".jpe", ".jfif")),
        FileType("image/gif", ".gif", _("GIF image")),
        FileType("image/webp", ".webp", _("WebP image")),
        FileType(DOCX, ".docx", _("Word document")),
        FileType(XLSX, ".xlsx", _("Excel spreadsheet")),
        FileType(PPTX, ".pptx", _("PowerPoint presentation")),
        FileType(ODT, ".odt", _("OpenDocument text")),
        FileType(ODS, ".ods", _("OpenDocument spreadsheet")),
        FileType("text/csv", ".csv", _("CSV table")),
        FileType("text/plain", ".txt", _("plain text")),
    )
}

_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_TYPES = {ODT, ODS}


def detect_type(stream: IO[bytes]) -> str:
    """The MIME type of the content (the stream is read from the start and rewound)."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        return OCTET_STREAM
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(stream)
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    if matches:
        return str(matches[0].mime_type or OCTET_STREAM)
    return _text_type(head)


def _zip_type(stream: IO[bytes]) -> str:
    """Office Open XML and OpenDocument files are ZIP archives: look at what is inside."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in _ODF_TYPES else "application/zip"
            if "[Content_Types].xml" in names:
                for prefix, mime in _OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return mime
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return OCTET_STREAM
    finally:
        stream.seek(0)
    return "application/zip"


def _text_type(head: bytes) -> str:
    """UTF-8 text without control characters is text; CSV if its lines split alike."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may end inside a multi-byte character; anything earlier is not text.
        if exc.start < len(head) - 3:
            return OCTET_STREAM
        text = head[: exc.start].decode("utf-8")
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text) or "\x7f" in text:
        return OCTET_STREAM
    return "text/csv" if _looks_like_csv(text) else "text/plain"


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for delimiter in ",;\t":
        widths = {
            len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
        }
        if len(widths) == 1 and widths.pop() > 1:
            return True
    return False


def type_label(mime: str) -> str:
    """What people call the type ("PDF document"), or the MIME type itself."""
    known = KNOWN_TYPES.get(mime)
    return str(known.label) if known else mime
