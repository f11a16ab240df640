"""Stored files; issued documents' signed PDFs move out of their rows into stored files.

Each PDF is written to the file storage (local disk or S3, as configured) under a new key and
gets a StoredFile row (use "core.issued_document"); the document keeps its own SHA-256, so it
verifies as before. Reversible: going back reads each PDF into the row again and deletes the
stored file.
"""

import hashlib
import secrets

import django.db.models.deletion
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations, models

USE = "core.issued_document"


def pdfs_to_files(apps, schema_editor):
    IssuedDocument = apps.get_model("core", "IssuedDocument")
    StoredFile = apps.get_model("core", "StoredFile")
    storage = storages["default"]
    for document in IssuedDocument.objects.filter(file__isnull=True).iterator(chunk_size=100):
        pdf = bytes(document.pdf)
        public_id = secrets.token_urlsafe(16)
        key = storage.save(f"files/{document.issued_at:%Y/%m}/{public_id}.pdf", ContentFile(pdf))
        document.file = StoredFile.objects.create(
            public_id=public_id,
            key=key,
            use=USE,
            original_name=f"{document.number}.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            uploaded_by_id=document.created_by_id,
            organisation_id=document.issuer_organisation_id,
            created_at=document.issued_at,
        )
        document.save(update_fields=["file"])


def files_to_pdfs(apps, schema_editor):
    IssuedDocument = apps.get_model("core", "IssuedDocument")
    StoredFile = apps.get_model("core", "StoredFile")
    storage = storages["default"]
    keys = []
    for document in IssuedDocument.objects.select_related("file").iterator(chunk_size=100):
        with storage.open(document.file.key, "rb") as stream:
            document.pdf = stream.read()
        keys.append(document.file.key)
        document.file = None
        document.save(update_fields=["pdf", "file"])
    StoredFile.objects.filter(use=USE).delete()
    for key in keys:
        storage.delete(key)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_issueddocument_register_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "public_id",
                    models.CharField(
                        editable=False, max_length=32, unique=True, verbose_name="public id"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        editable=False, max_length=255, unique=True, verbose_name="storage key"
                    ),
                ),
                ("use", models.CharField(db_index=True, max_length=64, verbose_name="use")),
                ("original_name", models.CharField(max_length=255, verbose_name="name")),
                ("content_type", models.CharField(max_length=127, verbose_name="type")),
                ("size", models.PositiveBigIntegerField(verbose_name="size in bytes")),
                (
                    "sha256",
                    models.CharField(db_index=True, max_length=64, verbose_name="SHA-256"),
                ),
                (
                    "scanned_by",
                    models.CharField(blank=True, max_length=32, verbose_name="scanned by"),
                ),
                (
                    "uploaded_by_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="uploaded by id"),
                ),
                (
                    "organisation_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="organisation id"),
                ),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="stored at")),
            ],
            options={
                "verbose_name": "stored file",
                "verbose_name_plural": "stored files",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["uploaded_by_id", "-created_at"], name="core_file_uploader"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="file",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issued_document",
                to="core.storedfile",
                verbose_name="signed PDF",
            ),
        ),
        migrations.AlterField(
            model_name="issueddocument",
            name="pdf",
            field=models.BinaryField(null=True, verbose_name="signed PDF"),
        ),
        migrations.RunPython(pdfs_to_files, files_to_pdfs),
        migrations.RemoveField(model_name="issueddocument", name="pdf"),
        migrations.AlterField(
            model_name="issueddocument",
            name="file",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issued_document",
                to="core.storedfile",
                verbose_name="signed PDF",
            ),
        ),
    ]
