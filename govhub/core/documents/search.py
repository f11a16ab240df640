"""Issued documents in the search index: the title, and the text as the body (public)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govhub.core.models import IssuedDocument
from govhub.core.search import SearchDocument, search_put

KIND = "core.document"


def document_search_document(document: Any) -> SearchDocument:
    """What the index holds of a document (any model version with a title and text); the
    language is not recorded, so every language's rules apply."""
    return SearchDocument(
        object_id=document.pk, title={"": document.title}, body={"": document.text}
    )


def document_index(document: Any) -> None:
    """Index an issued document (never changed after issue; never deleted)."""
    search_put(KIND, document_search_document(document))


def document_search_documents(model: Any = None) -> Iterator[SearchDocument]:
    """Every issued document's entry, for a rebuild; a migration passes its historical model."""
    model = model or IssuedDocument
    for document in model.objects.only("id", "title", "text").iterator(500):
        yield document_search_document(document)
