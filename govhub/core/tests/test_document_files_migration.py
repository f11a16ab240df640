"""Migration core 0006: issued documents' PDFs move from their rows into stored files, and back."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from govhub.core.api import document_pdf, verify_document
from govhub.core.files.storage import file_storage
from govhub.core.models import IssuedDocument, StoredFile
from govhub.core.testing import issue_test_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("document_signing")]

BEFORE = [("core", "0005_issueddocument_register_index")]
AFTER = [("core", "0006_stored_files_issued_document_pdf")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    """Migrate core to `target`; the historical apps at that state."""
    call_command("migrate", *target[0], verbosity=0)
    return MigrationExecutor(connection).loader.project_state(target).apps


def test_a_document_issued_before_the_migration_verifies_after_it():
    # given: a signed document whose PDF sits in its row, as before 0006
    issued = issue_test_document()
    pdf, key = document_pdf(issued), issued.file.key
    old = _migrate(BEFORE)
    old_document = old.get_model("core", "IssuedDocument").objects.get()
    assert bytes(old_document.pdf) == pdf  # going back put the PDF into the row again
    assert not file_storage().exists(key)
    try:
        # when
        _migrate(AFTER)
    finally:
        call_command("migrate", verbosity=0)  # the schema of every other test
    # then
    document = IssuedDocument.objects.select_related("file").get()
    stored = StoredFile.objects.get()
    assert document.file == stored
    assert (stored.use, stored.original_name, stored.content_type, stored.size) == (
        "core.issued_document",
        f"{document.number}.pdf",
        "application/pdf",
        len(pdf),
    )
    assert stored.sha256 == document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (stored.created_at, stored.organisation_id) == (document.issued_at, 7)
    assert document_pdf(document) == pdf
    result = verify_document(document.public_id)
    assert (result.valid, result.reason_code) == (True, "authentic")
    download = Client().get(f"/documents/{document.public_id}/pdf")
    assert download.getvalue() == pdf
