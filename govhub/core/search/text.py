"""Text as the index and the query both see it: folded the same way on both databases."""

from __future__ import annotations

import re
import unicodedata

# Arabic-script vowel marks and the elongation stroke carry no meaning for search; Arabic
# yeh and kaf are written for the Persian ones in Dari text typed on Arabic keyboards.
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
PERSIAN_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
# The zero-width non-joiner sits inside Persian words; both databases treat it differently,
# so it becomes a plain word break on the way in and on the way out.
ZWNJ = "\u200c"
WORD = re.compile(r"[^\W_]+")
LATIN_END = 0x250  # Latin letters (with their extensions) lie below this code point
MAX_TERMS = 16
MAX_TERM = 64


def fold(text: str) -> str:
    """The text without NUL, Arabic vowel marks and Latin accents (Cyrillic й and ё kept)."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", "").replace(ZWNJ, " "))
    if text.isascii():
        return text
    text = ARABIC_MARKS.sub("", text).translate(PERSIAN_LETTERS)
    kept: list[str] = []
    base = 0
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if base < LATIN_END:
                continue
        else:
            base = ord(char)
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def terms(text: str) -> list[str]:
    """The words of a query, at most 16 of at most 64 characters: only letters and digits,
    so no query syntax of either database ever reaches it."""
    found = WORD.findall(fold(text[:10_000]))
    return [word[:MAX_TERM] for word in found[:MAX_TERMS]]
