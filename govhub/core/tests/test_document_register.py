"""Issued documents as a newcomer meets them: the QR code's address, the number as the name,
the text and the programme on the page, and the public register."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govhub.core.addresses import local_url
from govhub.core.api import document_issue
from govhub.core.documents import queries
from govhub.core.documents.search import document_index
from govhub.core.models import DocumentSeries, IssuedDocument, StoredFile
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
START = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))


def _document(n: int, *, prefix: str = "PRG", year: int = 2026, title: str = "") -> IssuedDocument:
    """A register row (not signed: the register never reads the PDF)."""
    series, _ = DocumentSeries.objects.get_or_create(prefix=prefix, year=year)
    series.last_number = max(series.last_number, n)
    series.save()
    document = IssuedDocument.objects.create(
        public_id=f"pid{prefix}{year}{n:06d}",
        number=f"{prefix}-{year}-{n:06d}",
        title=title or f"Programme {n}",
        legal_status="Decree",
        issued_at=START + dt.timedelta(days=n),
        issuer_label="Office of the President",
        subject_type="programmes.programme",
        subject_id=str(n),
        text="Text",
        sha256=hashlib.sha256(f"{prefix}-{year}-{n}".encode()).hexdigest(),
        file=StoredFile.objects.create(
            public_id=f"file{prefix}{year}{n:06d}",
            key=f"files/register/{prefix}{year}{n:06d}.pdf",
            use="core.issued_document",
            original_name=f"{prefix}-{year}-{n:06d}.pdf",
            content_type="application/pdf",
            size=0,
            sha256="0" * 64,
            created_at=START,
        ),
    )
    document_index(document)  # as document_issue does
    return document


def _numbers(html: str) -> list[str]:
    import re

    return re.findall(r'<th scope="row"><a href="/documents/[^/]+/"><span dir="ltr">([^<]+)<', html)


# The address printed on documents


def test_the_local_address_is_the_loopback_for_a_server_bound_to_every_interface():
    assert local_url("127.0.0.1", 8811) == "http://127.0.0.1:8811"
    assert local_url("0.0.0.0", 8811) == "http://127.0.0.1:8811"  # noqa: S104
    assert local_url("::1", 9000) == "http://[::1]:9000"


def test_the_public_address_follows_the_port_when_it_is_not_set():
    # given: the environment of `make run PORT=8811`, without GOVHUB_PUBLIC_URL
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_"))}
    env.update(DJANGO_DEBUG="1", PORT="8811", DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("HOST", None)
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.GOVHUB_PUBLIC_URL)"
    # when
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8811"


@pytest.mark.parametrize(
    ("configured", "expected"),
    [(None, "http://127.0.0.1:8811"), ("https://govhub.example.gov", "https://govhub.example.gov")],
)
def test_serve_points_documents_at_its_own_port_unless_the_address_is_set(
    settings, monkeypatch, configured, expected
):
    # given
    settings.GOVHUB_PUBLIC_URL = configured or "http://127.0.0.1:8000"
    if configured:
        monkeypatch.setenv("GOVHUB_PUBLIC_URL", configured)
    else:
        monkeypatch.delenv("GOVHUB_PUBLIC_URL", raising=False)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    # when
    with mock.patch("gunicorn.app.wsgiapp.WSGIApplication.run"):
        call_command("serve", "--port", "8811", "--host", "127.0.0.1", stdout=io.StringIO())
    # then
    assert expected == settings.GOVHUB_PUBLIC_URL


# The register


def test_the_register_lists_documents_by_number_newest_first():
    # given
    for n in (1, 2, 3):
        _document(n)
    # when
    response = Client().get("/documents/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _numbers(html) == ["PRG-2026-000003", "PRG-2026-000002", "PRG-2026-000001"]
    assert '<a href="/documents/pidPRG2026000003/">' in html
    assert ">pidPRG2026000003<" not in html  # the public id is an address, never a name


def test_the_register_searches_numbers_by_prefix_and_titles_by_words():
    # given
    _document(1, title="Flood early warning")
    _document(2, title="Care for an ageing society")
    _document(12, title="Connectivity for every village")
    _document(1, prefix="AUD", title="Audit checkpoint")
    client = Client()
    # when / then: the start of a number, any case
    assert _numbers(client.get("/documents/?q=prg-2026-00000").content.decode()) == [
        "PRG-2026-000002",
        "PRG-2026-000001",
    ]
    assert _numbers(client.get("/documents/?q=PRG-2026-000012").content.decode()) == [
        "PRG-2026-000012"
    ]
    # a word of the title, any case
    assert _numbers(client.get("/documents/?q=AGEING").content.decode()) == ["PRG-2026-000002"]
    # a series
    assert _numbers(client.get("/documents/?series=AUD-2026").content.decode()) == [
        "AUD-2026-000001"
    ]
    # nothing found is said so
    assert (
        "No issued document matches your search."
        in client.get("/documents/?q=nothing-like-this").content.decode()
    )


def test_the_register_pages_by_cursor_without_repeats_or_gaps(monkeypatch):
    # given
    monkeypatch.setattr(queries, "REGISTER_PAGE_SIZE", 2)
    for n in range(1, 6):
        _document(n)
    # when: following "Older documents" to the end
    seen, cursor = [], ""
    for _ in range(5):
        page = queries.document_register(cursor=cursor)
        seen += [d.number for d in page.documents]
        cursor = page.next_cursor
        if not cursor:
            break
    # then
    assert seen == [f"PRG-2026-{n:06d}" for n in (5, 4, 3, 2, 1)]
    html = Client().get("/documents/").content.decode()
    assert 'rel="next">Older documents<' in html


def test_a_malformed_cursor_or_series_shows_the_first_page():
    _document(1)
    for query in ("after=not-a-cursor", "after=99999999999999999999.1", "series=%3Cscript%3E"):
        response = Client().get(f"/documents/?{query}")
        assert response.status_code == 200
        assert _numbers(response.content.decode()) == ["PRG-2026-000001"]


def _query_count(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_register_uses_a_constant_number_of_queries():
    # given
    for n in range(1, 4):
        _document(n)
    small = _query_count("/documents/")
    for n in range(4, 40):
        _document(n)
    # when
    large = _query_count("/documents/")
    searched = _query_count("/documents/?q=PRG-2026&series=PRG-2026")
    # then: the series for the filter, one page of rows (and, with words, one look into the
    # search index)
    assert small == large == 2
    assert searched == 3


def test_the_register_order_has_an_index():
    # given
    from govhub.core.models import IssuedDocument as Model

    # then
    assert any(tuple(index.fields) == ("-issued_at", "-id") for index in Model._meta.indexes)


# A document's page, and the programme's links to it


@pytest.mark.usefixtures("document_signing")
def test_the_document_page_shows_its_text_and_links_to_its_programme():
    # given
    programme = ProgrammeFactory(current_step=9)
    document = document_issue(
        actor=None,
        title=programme.title,
        number_prefix="PRG",
        legal_status="Decree of the President",
        text="Flood early warning\n\n1. Install a siren in every district by 2028.",
        issuer_label="Office of the President",
        issuer_organisation_id=None,
        subject_type="programmes.programme",
        subject_id=str(programme.pk),
    )
    # when
    html = Client().get(f"/documents/{document.public_id}/").content.decode()
    # then
    assert f"<title>{document.number} · GovHub</title>" in html
    assert "1. Install a siren in every district by 2028." in html
    assert f'<a href="/programmes/{programme.pk}/">The programme</a>' in html
    assert '<a href="/documents/">Register of issued documents</a>' in html


def test_a_document_can_be_opened_by_its_number():
    # given
    document = _document(7)
    # when
    response = Client().get("/documents/prg-2026-000007/")
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.public_id}/"
    assert Client().get("/documents/PRG-2026-000099/").status_code == 404


def test_the_programme_and_its_step_8_link_to_the_document_by_number():
    # given
    document = _document(1)
    programme = ProgrammeFactory(current_step=9, document_id=document.public_id)
    link = f'<a href="/documents/{document.public_id}/"><span dir="ltr">PRG-2026-000001</span></a>'
    # when
    detail = Client().get(f"/programmes/{programme.pk}/").content.decode()
    step_8 = Client().get(f"/programmes/{programme.pk}/steps/8/").content.decode()
    step_7 = Client().get(f"/programmes/{programme.pk}/steps/7/").content.decode()
    # then
    assert link in detail
    assert link in step_8
    assert link not in step_7


def test_the_register_over_rest_names_documents_by_number_and_pages_by_cursor(
    settings, monkeypatch
):
    # given
    settings.GOVHUB_PUBLIC_URL = "https://govhub.example"
    monkeypatch.setattr(queries, "REGISTER_PAGE_SIZE", 2)
    for n in (1, 2, 3):
        _document(n, title=f"Flood warning {n}")
    # when
    first = Client().get("/api/v1/documents").json()
    second = Client().get("/api/v1/documents", {"after": first["next_cursor"]}).json()
    found = Client().get("/api/v1/documents", {"q": "PRG-2026-000002"}).json()
    # then
    assert [d["number"] for d in first["items"]] == ["PRG-2026-000003", "PRG-2026-000002"]
    assert first["items"][0]["url"] == "https://govhub.example/documents/pidPRG2026000003/"
    assert [d["number"] for d in second["items"]] == ["PRG-2026-000001"]
    assert second["next_cursor"] == ""
    assert [d["number"] for d in found["items"]] == ["PRG-2026-000002"]
    too_long = Client().get("/api/v1/documents", {"q": "x" * 201})
    assert (too_long.status_code, too_long.json()["error"]["code"]) == (400, "invalid_input")
