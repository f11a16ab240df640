"""Every shipped UI string is translated, and the catalogues are up to date with the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from govhub.core.testing import require

GOVHUB = Path(__file__).resolve().parents[2]
LANGUAGES = ("ru", "fa_AF")


def _catalogue(directory: Path, language: str) -> polib.POFile:
    return polib.pofile(str(directory / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    catalogue = _catalogue(GOVHUB, language)
    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")
    for entry in _catalogue(GOVHUB, language):
        expected = sorted(pattern.findall(entry.msgid))
        if entry.msgid_plural:
            plural = sorted(pattern.findall(entry.msgid_plural))
            for text in entry.msgstr_plural.values():
                assert sorted(pattern.findall(text)) == plural, entry.msgid
        else:
            assert sorted(pattern.findall(entry.msgstr)) == expected, entry.msgid


def test_catalogues_hold_every_string_in_the_code(tmp_path):
    # given: a copy of the code without its catalogues
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "govhub"
    shutil.copytree(GOVHUB, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "tests"))
    for language in LANGUAGES:
        (copy / "locale" / language / "LC_MESSAGES").mkdir(parents=True)
    # when: the strings are extracted afresh
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "-l",
            "fa_AF",
            "--no-location",
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    # then: the committed catalogues have them all (run `make messages` when this fails)
    for language in LANGUAGES:
        extracted = {e.msgid for e in _catalogue(copy, language)}
        committed = {e.msgid for e in _catalogue(GOVHUB, language) if not e.obsolete}
        assert sorted(extracted - committed) == []
