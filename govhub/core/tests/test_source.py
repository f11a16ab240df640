"""Every user of the service is offered its source (AGPL-3.0 section 13)."""

from __future__ import annotations

import hashlib
import io
import tarfile

from django.test import Client, override_settings


def test_source_archive_holds_the_running_code_and_the_licence():
    # when
    response = Client().get("/source/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        names = set(archive.getnames())
        licence = archive.extractfile("govhub-source/LICENSE")
        assert licence is not None
        assert b"GNU AFFERO GENERAL PUBLIC LICENSE" in licence.read()
    assert "govhub-source/govhub/core/source.py" in names
    assert "govhub-source/config/settings.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_source_archive_is_reproducible_and_revalidates():
    # given
    first = Client().get("/source/")
    # when
    again = Client().get("/source/", headers={"If-None-Match": first["ETag"]})
    # then
    assert first["ETag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert again.status_code == 304


def test_footer_offers_the_source_here_by_default(db):
    # when
    page = Client().get("/").content.decode()
    # then
    assert 'href="/source/"' in page
    assert "GNU Affero General Public License" in page


@override_settings(GOVHUB_SOURCE_URL="https://code.example.gov/govhub")
def test_footer_offers_a_configured_public_repository(db):
    # when
    page = Client().get("/", headers={"Accept-Language": "ru"}).content.decode()
    # then
    assert 'href="https://code.example.gov/govhub"' in page
