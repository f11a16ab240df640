"""Stored files: refusals by content, size and scanner; local disk and S3 (a real S3-compatible
server, moto); a real clamd protocol peer; access-checked serving."""

from __future__ import annotations

import hashlib
import io
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhub.accounts.tests.factories import UserFactory
from govhub.core.errors import DomainError
from govhub.core.files import file_bytes, file_store, file_use_register
from govhub.core.files.checks import check_file_scanner, check_file_scanner_answers
from govhub.core.files.names import safe_name
from govhub.core.files.scanners import ClamAVScanner, ScanResult, scanner_register
from govhub.core.files.types import DOCX, ODT, XLSX, detect_type
from govhub.core.models import AuditEntry, StoredFile
from govhub.core.storage_url import StorageUrlError, storage_from_url
from govhub.core.testing import free_port

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 124
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
USE = "tests.attachment"

file_use_register(USE, types=["application/pdf", "image/png"], max_bytes=1024)


@pytest.fixture
def local_files(tmp_path: Path, settings: Any) -> Path:
    """Stored files go to a fresh directory, so a test can see every object written."""
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url("", tmp_path)}
    return tmp_path


def _objects(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _assert_nothing_written(root: Path) -> None:
    assert StoredFile.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert _objects(root) == []


def _refusal(**fields: Any) -> DomainError:
    with pytest.raises(DomainError) as refused:
        file_store(**{"actor": UserFactory(), "use": USE, "name": "report.pdf", **fields})
    return refused.value


# Refusals: nothing is stored, no row, no audit entry


def test_a_program_named_like_a_pdf_is_refused_by_its_content(local_files):
    # when
    refused = _refusal(content=EXE, name="report.pdf")
    # then
    assert (refused.code, refused.status) == ("file_type_not_allowed", 400)
    assert refused.details == {
        "detected": "application/vnd.microsoft.portable-executable",
        "allowed": ["application/pdf", "image/png"],
    }
    _assert_nothing_written(local_files)


def test_html_named_like_an_image_is_refused(local_files):
    # when
    refused = _refusal(content=b"<!DOCTYPE html><script>alert(1)</script>", name="photo.png")
    # then
    assert refused.code == "file_type_not_allowed"
    assert refused.details["detected"] == "text/html"
    _assert_nothing_written(local_files)


def test_a_file_over_the_uses_limit_is_refused(local_files):
    # when: one byte over the use's 1024
    refused = _refusal(content=PDF + b"%" * (1025 - len(PDF)))
    # then
    assert (refused.code, refused.status) == ("file_too_large", 413)
    assert refused.message == "The file is too large. The largest allowed size is 1.0\xa0KB."
    _assert_nothing_written(local_files)


def test_an_uploaded_file_over_the_limit_is_refused_without_trusting_its_declared_size(
    local_files,
):
    # given: an upload that claims to be small
    upload = SimpleUploadedFile("report.pdf", PDF + b"%" * 2000, "application/pdf")
    upload.size = 10
    # when
    refused = _refusal(content=upload)
    # then
    assert refused.code == "file_too_large"
    _assert_nothing_written(local_files)


def test_an_empty_file_is_refused(local_files):
    # when
    refused = _refusal(content=b"")
    # then
    assert (refused.code, refused.status) == ("file_empty", 400)
    _assert_nothing_written(local_files)


class _Flags:
    name = "flags-eicar"

    def scan(self, stream: Any) -> ScanResult:
        found = EICAR in stream.read()
        return ScanResult(clean=not found, signature="Eicar-Test-Signature" if found else "")

    def configuration_errors(self) -> list[str]:
        return []


def test_a_file_the_scanner_flags_is_refused(local_files, settings):
    # given
    scanner_register("flags-eicar", _Flags)
    settings.GOVHUB_FILE_SCANNER = "flags-eicar"
    # when
    refused = _refusal(content=PDF + EICAR)
    # then
    assert (refused.code, refused.status) == ("file_infected", 422)
    assert refused.message == (
        "The file was refused: the virus scanner found Eicar-Test-Signature in it."
    )
    _assert_nothing_written(local_files)


def test_an_anonymous_upload_is_refused(local_files):
    # when
    with pytest.raises(DomainError) as refused:
        file_store(actor=None, use=USE, content=PDF, name="report.pdf")
    # then
    assert (refused.value.code, refused.value.status) == ("permission_denied", 403)
    _assert_nothing_written(local_files)


def test_a_failed_row_write_removes_the_stored_object(local_files, monkeypatch):
    # given: the audit entry cannot be written
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr("govhub.core.files.actions.audit_record", broken)
    # when
    with pytest.raises(RuntimeError):
        file_store(actor=UserFactory(), use=USE, content=PDF, name="report.pdf")
    # then
    _assert_nothing_written(local_files)


# Storing


def test_a_pdf_is_stored_under_a_key_of_its_own_with_its_checksum(local_files):
    # given
    person = UserFactory(email="clerk@example.org")
    # when
    stored = file_store(
        actor=person, use=USE, content=PDF, name="../../etc/Report\u202e.pdf", organisation_id=9
    )
    # then
    row = StoredFile.objects.get()
    assert row == stored
    assert (row.use, row.original_name, row.content_type, row.size) == (
        USE,
        "Report.pdf",
        "application/pdf",
        len(PDF),
    )
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (row.uploaded_by_id, row.organisation_id, row.scanned_by) == (person.pk, 9, "none")
    assert row.key.startswith("files/")
    assert row.key.endswith(f"/{row.public_id}.pdf")
    assert _objects(local_files) == [row.key]
    assert file_bytes(row) == PDF
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.actor_id, entry.organisation_id) == ("file.store", person.pk, 9)
    assert entry.changes == {
        "use": USE,
        "name": "Report.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": row.sha256,
    }


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("report.pdf", "application/pdf", "report.pdf"),
        ("C:\\Users\\me\\Budget 2026.PDF", "application/pdf", "Budget 2026.PDF"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("invoice\u202efdp.exe", "application/pdf", "invoicefdp.exe.pdf"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ('a<b>:"c"|d?*.png', "image/png", "a_b___c__d__.png"),
        ("  ...  ", "application/pdf", "file.pdf"),
        (".pdf", "application/pdf", "pdf.pdf"),
        ("отчёт\x00 2026.pdf", "application/pdf", "отчёт 2026.pdf"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_are_made_safe_to_show_and_send(name, content_type, safe):
    assert safe_name(name, content_type) == safe


def _zip(*names: str, mimetype: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "image/jpeg"),
        (_zip("[Content_Types].xml", "word/document.xml"), DOCX),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), XLSX),
        (_zip("content.xml", mimetype=ODT), ODT),
        (_zip("notes.txt"), "application/zip"),
        (b"name;unit\nroads;km\nschools;count\n", "text/csv"),
        ("Отчёт за 2026 год.\n".encode(), "text/plain"),
        (EXE, "application/vnd.microsoft.portable-executable"),
        (b"\x00\x01\x02binary", "application/octet-stream"),
    ],
)
def test_types_are_told_from_the_content(content, mime):
    assert detect_type(io.BytesIO(content)) == mime


# Serving: only through the access check


def test_a_file_is_served_to_its_uploader_only(local_files):
    # given
    owner, outsider = UserFactory(), UserFactory()
    stored = file_store(actor=owner, use=USE, content=PNG, name="Фото двора.png")
    url = f"/files/{stored.public_id}/"
    anonymous_client, outsider_client, owner_client = Client(), Client(), Client()
    outsider_client.force_login(outsider)
    owner_client.force_login(owner)
    # when
    anonymous = anonymous_client.get(url)
    other = outsider_client.get(url)
    own = owner_client.get(url)
    unknown = owner_client.get("/files/no-such-file/")
    # then
    assert (anonymous.status_code, other.status_code, unknown.status_code) == (404, 404, 404)
    assert own.status_code == 200
    assert own.getvalue() == PNG
    assert own["Content-Type"] == "image/png"
    assert own["Content-Length"] == str(len(PNG))
    assert own["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%A4%D0%BE%D1%82%D0%BE%20%D0%B4%D0%B2%D0%BE%D1%80%D0%B0.png"
    )
    assert own["Cache-Control"] == "private, no-store"
    assert own["X-Content-Type-Options"] == "nosniff"


def test_a_use_may_let_others_see_its_files(local_files):
    # given: a use whose files every signed-in person may see
    file_use_register(
        "tests.shared",
        types=["application/pdf"],
        can_view=lambda user, file: user.is_authenticated,
    )
    stored = file_store(actor=UserFactory(), use="tests.shared", content=PDF, name="a.pdf")
    colleague = Client()
    colleague.force_login(UserFactory())
    # when
    seen = colleague.get(f"/files/{stored.public_id}/")
    anonymous = Client().get(f"/files/{stored.public_id}/")
    # then
    assert (seen.status_code, anonymous.status_code) == (200, 404)


# ClamAV: clamd's INSTREAM protocol against a small clamd on loopback


class _FakeClamd(socketserver.BaseRequestHandler):
    """Speaks clamd's z-commands: PING, and INSTREAM (length-prefixed chunks, zero ends)."""

    def handle(self) -> None:
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            command += stream.read(1)
        if command == b"zPING\0":
            self.request.sendall(b"PONG\0")
            return
        data = b""
        while (size := struct.unpack("!L", stream.read(4))[0]) != 0:
            data += stream.read(size)
        self.server.received.append(data)  # type: ignore[attr-defined]
        verdict = b"Eicar-Test-Signature FOUND" if EICAR in data else b"OK"
        self.request.sendall(b"stream: " + verdict + b"\0")


@pytest.fixture
def clamd(settings: Any) -> Iterator[list[bytes]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _FakeClamd)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GOVHUB_FILE_SCANNER = "clamav"
    settings.GOVHUB_CLAMAV_URL = f"tcp://127.0.0.1:{server.server_address[1]}"
    settings.GOVHUB_CLAMAV_TIMEOUT = 5.0
    yield server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def test_clamav_scans_the_whole_file_and_lets_a_clean_one_through(local_files, clamd):
    # given: more than one chunk of content
    content = PDF + b"%" * 150_000
    file_use_register("tests.big", types=["application/pdf"])
    # when
    stored = file_store(actor=UserFactory(), use="tests.big", content=content, name="a.pdf")
    # then
    assert clamd == [content]
    assert stored.scanned_by == "clamav"
    assert file_bytes(stored) == content


def test_clamav_refuses_an_infected_file(local_files, clamd):
    # when
    refused = _refusal(content=PDF + EICAR)
    # then
    assert (refused.code, refused.status) == ("file_infected", 422)
    assert clamd == [PDF + EICAR]
    _assert_nothing_written(local_files)


def test_an_unreachable_clamd_refuses_the_file_rather_than_letting_it_through(
    local_files, settings
):
    # given: nothing listens on the port
    settings.GOVHUB_FILE_SCANNER = "clamav"
    settings.GOVHUB_CLAMAV_URL = f"tcp://127.0.0.1:{free_port()}"
    # when
    refused = _refusal(content=PDF)
    # then
    assert (refused.code, refused.status) == ("scanner_unavailable", 503)
    _assert_nothing_written(local_files)


def test_start_up_checks_name_a_bad_scanner_configuration(settings, clamd):
    # given
    answering = check_file_scanner(), check_file_scanner_answers()
    settings.GOVHUB_CLAMAV_URL = f"tcp://127.0.0.1:{free_port()}"
    silent = check_file_scanner_answers()
    settings.GOVHUB_CLAMAV_URL = ""
    no_url = check_file_scanner()
    settings.GOVHUB_CLAMAV_URL = "http://clamd:3310"
    wrong_scheme = check_file_scanner()
    settings.GOVHUB_FILE_SCANNER = "clamd"
    unknown = check_file_scanner()
    # then
    assert answering == ([], [])
    assert [m.id for m in silent] == ["files.W001"]
    assert [(m.id, m.msg) for m in no_url] == [
        ("files.E002", "GOVHUB_FILE_SCANNER is clamav but GOVHUB_CLAMAV_URL is not set.")
    ]
    assert [(m.id, m.msg) for m in wrong_scheme] == [
        (
            "files.E002",
            "GOVHUB_CLAMAV_URL 'http://clamd:3310' must be tcp://host:port or "
            "unix:///path/to/socket.",
        )
    ]
    assert [m.id for m in unknown] == ["files.E001"]
    assert "clamd" in unknown[0].msg
    assert "clamav, " in (unknown[0].hint or "")


def test_clamav_speaks_over_a_unix_socket_too(tmp_path):
    # given
    path = str(tmp_path / "clamd.sock")
    server = socketserver.ThreadingUnixStreamServer(path, _FakeClamd)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scanner = ClamAVScanner(f"unix://{path}", timeout=5)
    try:
        # when
        pong = scanner.ping()
        clean = scanner.scan(io.BytesIO(b"hello"))
        infected = scanner.scan(io.BytesIO(EICAR))
    finally:
        server.shutdown()
        server.server_close()
    # then
    assert pong is True
    assert clean == ScanResult(clean=True)
    assert infected == ScanResult(clean=False, signature="Eicar-Test-Signature")


# S3-compatible object storage: moto's server, a real S3 HTTP API on loopback


def test_storage_urls_are_read_strictly():
    # when
    s3 = storage_from_url(
        "s3://govhub-files/prod?endpoint_url=https://s3.example.org&region_name=eu-1", "/m"
    )
    # then
    assert s3 == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "govhub-files",
            "location": "prod",
            "endpoint_url": "https://s3.example.org",
            "region_name": "eu-1",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
    assert storage_from_url("", "/m")["OPTIONS"]["location"] == "/m"
    for bad in ("s3://key:secret@bucket", "s3://bucket?acl=public-read", "ftp://host/x"):
        with pytest.raises(StorageUrlError):
            storage_from_url(bad, "/m")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3_files(s3_endpoint: str, settings: Any, monkeypatch: Any) -> Any:
    import boto3  # type: ignore[import-untyped]

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    bucket = f"govhub-{free_port()}"
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(
            f"s3://{bucket}/govhub?endpoint_url={s3_endpoint}&region_name=us-east-1", "/unused"
        ),
    }
    return client, bucket


def test_files_are_stored_in_and_served_from_s3(s3_files):
    # given
    client, bucket = s3_files
    owner = UserFactory()
    browser = Client()
    browser.force_login(owner)
    # when
    stored = file_store(actor=owner, use=USE, content=PDF, name="report.pdf")
    served = browser.get(f"/files/{stored.public_id}/")
    # then
    obj = client.get_object(Bucket=bucket, Key=f"govhub/{stored.key}")
    body = obj["Body"].read()
    assert hashlib.sha256(body).hexdigest() == stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert file_bytes(stored) == PDF
    assert served.status_code == 200
    assert served.getvalue() == PDF
    grants = client.get_object_acl(Bucket=bucket, Key=f"govhub/{stored.key}")["Grants"]
    assert [g["Grantee"].get("URI") for g in grants] == [None]  # the owner only, no AllUsers


def test_an_issued_document_on_s3_verifies(s3_files, document_signing):
    # given
    from govhub.core.api import verify_document
    from govhub.core.testing import issue_test_document

    client, bucket = s3_files
    # when
    document = issue_test_document()
    # then
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"govhub/{document.file.key}"]
    assert verify_document(document.public_id).valid is True
    pdf = Client().get(f"/documents/{document.public_id}/pdf")
    assert hashlib.sha256(pdf.getvalue()).hexdigest() == document.sha256


def test_a_refused_file_leaves_no_object_in_s3(s3_files):
    # given
    client, bucket = s3_files
    # when
    refused = _refusal(content=EXE)
    # then
    assert refused.code == "file_type_not_allowed"
    assert StoredFile.objects.count() == 0
    assert client.list_objects_v2(Bucket=bucket).get("Contents", []) == []
