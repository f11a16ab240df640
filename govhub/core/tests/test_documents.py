"""Issued documents: numbering, signing (real PAdES, real pyHanko validation), verification."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import (
    InvalidInput,
    document_issue,
    document_list,
    document_pdf,
    verify_document,
)
from govhub.core.documents.checks import check_documents
from govhub.core.documents.render import DocumentContent, document_fonts, render_pdf
from govhub.core.documents.signing import (
    check_signature,
    generate_self_signed,
    sign_pdf,
    signing_material,
)
from govhub.core.files.storage import file_storage
from govhub.core.models import AuditEntry, DocumentSeries, IssuedDocument
from govhub.core.testing import require

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_signing")]

TEXT = "The steering committee approved the programme.\n\nIt starts on 1 January."


def _issue(actor=None, **overrides) -> IssuedDocument:
    fields = {
        "actor": actor,
        "title": "Programme approval",
        "number_prefix": "GH",
        "legal_status": "Decision of the steering committee; binding on participants",
        "text": TEXT,
        "issuer_label": "Ministry of Digital Development",
        "issuer_organisation_id": 7,
        "subject_type": "programmes.programme",
        "subject_id": "42",
        **overrides,
    }
    return document_issue(**fields)


def _year() -> int:
    return timezone.localdate().year


def _verify_over_rest(client: Client, document: IssuedDocument, data: bytes) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/documents/{document.public_id}/verify", data, content_type="application/pdf"
    )
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def _changed_text(pdf: bytes) -> bytes:
    """An incremental update that adds a line of text to the first page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0]
    contents = page.raw_get("/Contents")
    added = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (VOID) Tj ET")
    )
    page["/Contents"] = generic.ArrayObject([contents, added])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def other_key(tmp_path_factory) -> tuple[Path, Path]:
    return generate_self_signed(tmp_path_factory.mktemp("other"), common_name="Not GovHub")


def test_issuing_creates_one_numbered_signed_document_and_one_audit_entry():
    # given
    actor = UserFactory(email="officer@example.org")
    # when
    document = _issue(actor)
    # then
    stored = IssuedDocument.objects.get()
    pdf = document_pdf(stored)
    assert stored.number == f"GH-{_year()}-000001"
    assert len(stored.public_id) == 22
    assert (stored.title, stored.legal_status, stored.issuer_label, stored.text) == (
        "Programme approval",
        "Decision of the steering committee; binding on participants",
        "Ministry of Digital Development",
        TEXT,
    )
    assert (stored.issuer_organisation_id, stored.subject_type, stored.subject_id) == (
        7,
        "programmes.programme",
        "42",
    )
    assert stored.created_by_id == actor.pk
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest() == document.sha256
    assert pdf.startswith(b"%PDF-")
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.actor_id, entry.organisation_id) == ("document.issue", actor.pk, 7)
    assert (entry.target_type, entry.target_id) == ("core.issueddocument", str(stored.pk))
    assert entry.changes == {
        "number": stored.number,
        "title": "Programme approval",
        "legal_status": "Decision of the steering committee; binding on participants",
        "issuer_label": "Ministry of Digital Development",
        "subject": "programmes.programme:42",
        "sha256": stored.sha256,
    }
    assert list(document_list(subject_type="programmes.programme", subject_id="42")) == [stored]


def test_numbers_are_unique_and_sequential_per_series():
    # given: the GH series of this year already reached 122
    DocumentSeries.objects.create(prefix="GH", year=_year(), last_number=122)
    # when
    numbers = [
        _issue().number,
        _issue().number,
        _issue(number_prefix="PRG").number,
        _issue().number,
    ]
    # then
    year = _year()
    assert numbers == [
        f"GH-{year}-000123",
        f"GH-{year}-000124",
        f"PRG-{year}-000001",
        f"GH-{year}-000125",
    ]
    assert IssuedDocument.objects.count() == 4
    assert DocumentSeries.objects.get(prefix="GH").last_number == 125


def test_refused_input_issues_nothing():
    # given
    DocumentSeries.objects.create(prefix="GH", year=_year(), last_number=3)
    # when
    with pytest.raises(InvalidInput) as blank:
        _issue(title="  ")
    with pytest.raises(InvalidInput) as prefix:
        _issue(number_prefix="gh-1")
    # then
    assert blank.value.details == {"field": "title"}
    assert prefix.value.details == {"field": "number_prefix"}
    assert IssuedDocument.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert DocumentSeries.objects.get(prefix="GH").last_number == 3


def test_stored_pdf_is_a_pades_signature_that_pyhanko_validates(document_signing):
    # given
    document = _issue()
    certificate = load_cert_from_pemder(str(document_signing / "development" / "cert.pem"))
    # when
    reader = PdfFileReader(io.BytesIO(document_pdf(document)))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[certificate], allow_fetching=False)
    )
    # then
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (
        True,
        True,
        True,
        True,
    )
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok is True
    assert status.signing_cert.sha256 == certificate.sha256
    info = reader.trailer["/Info"]
    assert (str(info["/Title"]), str(info["/Subject"])) == ("Programme approval", document.number)


def test_the_stored_document_verifies_over_rest():
    # given
    document = _issue()
    # when
    response = Client().get(f"/api/v1/documents/{document.public_id}/verify")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "reason_code": "authentic",
        "reason": "The signature is intact, covers the whole file and was made with this "
        "platform's certificate.",
        "checked": "stored",
        "number": document.number,
        "title": "Programme approval",
        "legal_status": "Decision of the steering committee; binding on participants",
        "issuer": "Ministry of Digital Development",
        "issued_at": DjangoJSONEncoder().default(document.issued_at),
        "sha256": document.sha256,
        "url": f"https://govhub.example/documents/{document.public_id}/",
    }


def test_an_authentic_copy_is_accepted_over_rest_raw_and_multipart():
    # given
    document = _issue()
    pdf = document_pdf(document)
    client = Client()
    # when
    raw = _verify_over_rest(client, document, pdf)
    multipart = client.post(
        f"/api/v1/documents/{document.public_id}/verify",
        {"file": io.BytesIO(pdf)},
    )
    # then
    assert (raw["valid"], raw["reason_code"], raw["checked"]) == (True, "authentic", "copy")
    assert raw["reason"] == (
        "This copy is identical to the issued document, and its signature is valid."
    )
    assert multipart.status_code == 200
    assert multipart.json() == raw


def test_a_fingerprint_is_checked_over_rest():
    # given
    document = _issue()
    url = f"/api/v1/documents/{document.public_id}/verify"
    # when
    same = Client().get(url, {"sha256": document.sha256.upper()}).json()
    other = Client().get(url, {"sha256": "0" * 64}).json()
    malformed = Client().get(url, {"sha256": "not-a-hash"})
    # then
    assert (same["valid"], same["reason_code"], same["checked"]) == (True, "authentic", "sha256")
    assert (other["valid"], other["reason_code"]) == (False, "fingerprint_mismatch")
    assert other["reason"] == "This fingerprint is not the issued document's."
    assert malformed.status_code == 400
    assert malformed.json()["error"] == {
        "code": "invalid_fingerprint",
        "message": "A SHA-256 fingerprint is 64 hexadecimal characters.",
    }


def test_a_copy_with_one_byte_changed_is_rejected():
    # given: one character of the page content changed
    document = _issue()
    pdf = bytearray(document_pdf(document))
    position = pdf.index(b"stream", 1000) + 40
    pdf[position] ^= 0x01
    # when
    result = _verify_over_rest(Client(), document, bytes(pdf))
    # then
    assert (result["valid"], result["reason_code"]) == (False, "signature_broken")
    assert result["reason"] == (
        "The signature does not match the content: the file was altered after it was signed."
    )
    assert result["sha256"] == document.sha256


def test_a_copy_edited_after_signing_is_rejected():
    # given: text added by an incremental update, and bytes appended after the signed file
    document = _issue()
    edited = _changed_text(document_pdf(document))
    appended = document_pdf(document) + b"\n% appended\n"
    # when
    results = [_verify_over_rest(Client(), document, copy) for copy in (edited, appended)]
    # then
    reason = "The file was changed after it was signed (content was added or edited)."
    assert [(r["valid"], r["reason_code"], r["reason"]) for r in results] == [
        (False, "changed_after_signing", reason),
        (False, "changed_after_signing", reason),
    ]


def test_a_lookalike_signed_with_another_key_is_rejected(other_key):
    # given: the same content, rendered and signed by someone else's self-signed key
    document = _issue()
    lookalike = render_pdf(
        DocumentContent(
            number=document.number,
            title=document.title,
            legal_status=document.legal_status,
            issuer_label=document.issuer_label,
            issued_at=document.issued_at,
            text=document.text,
            verify_url=f"https://govhub.example/documents/{document.public_id}/",
        )
    )
    forged = _sign_with(other_key, lookalike)
    # when
    result = _verify_over_rest(Client(), document, forged)
    # then
    assert (result["valid"], result["reason_code"]) == (False, "unknown_signer")
    assert result["reason"] == "The file was not signed with this platform's certificate."


def _sign_with(key_files: tuple[Path, Path], pdf: bytes) -> bytes:
    from django.test import override_settings

    key, cert = key_files
    with override_settings(GOVHUB_SIGNING_KEY_FILE=str(key), GOVHUB_SIGNING_CERT_FILE=str(cert)):
        return sign_pdf(pdf, signing_material(), reason="forged")


def test_other_files_are_rejected_with_their_reason():
    # given
    first, second = _issue(), _issue()
    unsigned = render_pdf(
        DocumentContent(
            number=first.number,
            title=first.title,
            legal_status=first.legal_status,
            issuer_label=first.issuer_label,
            issued_at=first.issued_at,
            text=first.text,
            verify_url="https://govhub.example/",
        )
    )
    # when
    results = {
        name: verify_document(first.public_id, data)
        for name, data in {
            "another document": document_pdf(second),
            "unsigned": unsigned,
            "not a pdf": b"hello",
        }.items()
    }
    # then
    assert {name: (r.valid, r.reason_code) for name, r in results.items()} == {
        "another document": (False, "different_document"),
        "unsigned": (False, "no_signature"),
        "not a pdf": (False, "not_a_pdf"),
    }


def test_copy_uploads_that_are_not_a_pdf_body_are_refused():
    # given
    document = _issue()
    url = f"/api/v1/documents/{document.public_id}/verify"
    # when
    wrong_type = Client().post(url, "{}", content_type="application/json")
    empty = Client().post(url, {"file": SimpleUploadedFile("copy.pdf", b"")})
    no_file = Client().post(url, {"other": "x"})
    # then
    assert (wrong_type.status_code, wrong_type.json()["error"]["code"]) == (
        415,
        "unsupported_media_type",
    )
    assert (empty.status_code, empty.json()["error"]["code"]) == (400, "invalid_input")
    assert (no_file.status_code, no_file.json()["error"]["code"]) == (400, "invalid_input")


def test_a_damaged_stored_file_is_reported():
    # given: the stored PDF no longer matches its recorded fingerprint
    document = _issue()
    damaged = document_pdf(document) + b"x"
    storage = file_storage()
    storage.delete(document.file.key)
    assert storage.save(document.file.key, ContentFile(damaged)) == document.file.key
    # when
    result = verify_document(document.public_id)
    # then
    assert (result.valid, result.reason_code) == (False, "stored_copy_damaged")


def test_a_missing_stored_file_is_reported_not_a_500():
    # given: the stored object is gone (a storage restored from an older backup)
    document = _issue()
    file_storage().delete(document.file.key)
    # when
    result = verify_document(document.public_id)
    page = Client().get(f"/documents/{document.public_id}/")
    # then
    assert (result.valid, result.reason_code) == (False, "stored_copy_damaged")
    assert page.status_code == 200


def test_documents_stay_valid_after_a_key_change_while_the_old_certificate_is_listed(
    other_key, document_signing, settings
):
    # given: a document signed with the development key, then the deployment moves to a new key
    document = _issue()
    key, cert = other_key
    settings.GOVHUB_SIGNING_KEY_FILE = str(key)
    settings.GOVHUB_SIGNING_CERT_FILE = str(cert)
    # when
    forgotten = verify_document(document.public_id)
    settings.GOVHUB_SIGNING_PREVIOUS_CERT_FILES = [
        str(document_signing / "development" / "cert.pem")
    ]
    listed = verify_document(document.public_id)
    newer = _issue()
    # then
    assert (forgotten.valid, forgotten.reason_code) == (False, "unknown_signer")
    assert (listed.valid, listed.reason_code) == (True, "authentic")
    assert verify_document(newer.public_id).valid is True


def test_the_verification_page_shows_the_document_and_checks_copies():
    # given
    document = _issue()
    url = f"/documents/{document.public_id}/"
    pdf = document_pdf(document)
    client = Client()
    # when
    page = client.get(url)
    authentic = client.post(url, {"file": io.BytesIO(pdf)})
    altered = client.post(url, {"file": io.BytesIO(pdf + b"\n% appended\n")})
    fingerprint = client.post(url, {"sha256": "0" * 64})
    neither = client.post(url, {})
    # then
    body = page.content.decode()
    assert page.status_code == 200
    assert "<h1><bdi>Programme approval</bdi></h1>" in body
    assert f'<dt>Number</dt><dd><span dir="ltr">{document.number}</span></dd>' in body
    assert (
        "<dt>Legal status</dt><dd><bdi>Decision of the steering committee; binding on "
        "participants</bdi></dd>"
    ) in body
    assert "<dt>Issued by</dt><dd><bdi>Ministry of Digital Development</bdi></dd>" in body
    assert '<strong class="verdict verdict-ok">Valid</strong>' in body
    assert f'href="/documents/{document.public_id}/pdf"' in body
    assert 'enctype="multipart/form-data"' in body
    assert (
        '<p class="message message-success"><strong>Authentic.</strong> This copy is identical '
        "to the issued document, and its signature is valid.</p>"
    ) in authentic.content.decode()
    assert (
        '<p class="message message-error"><strong>Not authentic:</strong> The file was changed '
        "after it was signed (content was added or edited).</p>"
    ) in altered.content.decode()
    assert (
        "<strong>Not authentic:</strong> This fingerprint is not the issued document&#x27;s."
    ) in fingerprint.content.decode()
    assert "Choose a file or enter a fingerprint to check." in neither.content.decode()


def test_the_signed_pdf_downloads():
    # given
    document = _issue()
    # when
    response = Client().get(f"/documents/{document.public_id}/pdf")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.number}.pdf"'
    assert response.getvalue() == document_pdf(document)


def test_an_unknown_document_is_404_everywhere():
    # given
    client = Client()
    # when
    page = client.get("/documents/no-such-document/")
    pdf = client.get("/documents/no-such-document/pdf")
    api = client.get("/api/v1/documents/no-such-document/verify")
    api_copy = client.post(
        "/api/v1/documents/no-such-document/verify", b"%PDF-", content_type="application/pdf"
    )
    # then
    assert (page.status_code, pdf.status_code) == (404, 404)
    assert api.status_code == api_copy.status_code == 404
    assert (
        api.json()
        == api_copy.json()
        == {"error": {"code": "not_found", "message": "No document has this address."}}
    )


def test_russian_and_dari_text_is_set_in_an_embedded_unicode_font():
    # given
    require(document_fonts() is not None, "a Unicode font (Debian: fonts-dejavu-core)")
    # when
    document = _issue(
        title="Решение о программе",  # noqa: RUF001
        text="Программа утверждена.\nاین برنامه تصویب شد.",  # noqa: RUF001
        issuer_label="Министерство цифрового развития",
    )
    # then
    pdf = document_pdf(document)
    assert b"/FontFile2" in pdf
    assert verify_document(document.public_id).valid is True


def test_deploy_checks_ask_for_a_real_certificate_and_a_public_address(other_key, settings):
    # given: the development defaults
    settings.GOVHUB_PUBLIC_URL = "http://127.0.0.1:8000"
    # when
    development = sorted(str(m.id) for m in check_documents() if m.id != "core.W003")
    key, cert = other_key
    settings.GOVHUB_SIGNING_KEY_FILE = str(key)
    settings.GOVHUB_SIGNING_CERT_FILE = str(cert)
    settings.GOVHUB_PUBLIC_URL = "https://govhub.example.gov"
    configured = [m.id for m in check_documents() if m.id != "core.W003"]
    settings.GOVHUB_SIGNING_KEY_FILE = str(cert)  # not a key
    broken = [m.id for m in check_documents() if m.id != "core.W003"]
    # then
    assert development == ["core.W001", "core.W002"]
    assert configured == []
    assert broken == ["core.E001"]
    with pytest.raises(ImproperlyConfigured):
        signing_material()


def test_signing_and_validation_also_work_inside_a_running_event_loop():
    # given: pyHanko's synchronous calls wrap asyncio.run (an async view, Playwright's sync API)
    material = signing_material()
    issued_at = timezone.now()
    pdf = render_pdf(
        DocumentContent(
            number="GH-2026-000001",
            title="Programme approval",
            legal_status="Decision",
            issuer_label="Ministry",
            issued_at=issued_at,
            text=TEXT,
            verify_url="https://govhub.example/",
        )
    )

    async def inside_a_loop() -> str:
        signed = sign_pdf(pdf, material, reason="GH-2026-000001")
        return check_signature(signed, material, at=issued_at).code

    # when
    code = asyncio.run(inside_a_loop())
    # then
    assert code == "valid"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_distinct_consecutive_numbers():
    # given: three issuers starting at once, before the series exists
    from django.db import connection

    if connection.vendor != "postgresql":
        # The test database on SQLite is in memory, where threads get "table is locked"
        # instead of waiting; a file database serialises writers (IMMEDIATE transactions).
        pytest.skip("row locking is exercised on PostgreSQL (CI runs the suite there too)")
    barrier = threading.Barrier(3)
    numbers: list[str] = []

    def issue() -> None:
        try:
            barrier.wait()
            numbers.append(_issue().number)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=issue) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    year = _year()
    assert sorted(numbers) == [f"GH-{year}-00000{n}" for n in (1, 2, 3)]
    assert AuditEntry.objects.count() == 3
