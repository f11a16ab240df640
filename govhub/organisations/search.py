"""Organisations in the search index: every name (in each language) and the description."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govhub.core.api import SearchDocument, search_delete, search_put
from govhub.organisations.models import Organisation

KIND = "organisations.organisation"


def organisation_search_document(organisation: Any) -> SearchDocument:
    """What the index holds of an organisation (any model version with its profile fields).

    The main name's language is not recorded, so it is indexed by every language's rules;
    the translations by their own. Organisations are public: anyone may find them.
    """
    names = {"": organisation.name, **(organisation.name_translations or {})}
    return SearchDocument(
        object_id=organisation.pk, title=names, body={"": organisation.description or ""}
    )


def organisation_index(organisation: Any) -> None:
    """Keep the index in step with a written organisation (inactive ones are not found)."""
    if organisation.is_active:
        search_put(KIND, organisation_search_document(organisation))
    else:
        search_delete(KIND, organisation.pk)


def organisation_search_documents(model: Any = None) -> Iterator[SearchDocument]:
    """Every active organisation's document, for a rebuild (`govhub search reindex`); a
    migration passes its historical model."""
    model = model or Organisation
    fields = ("id", "name", "name_translations", "description")
    for organisation in model.objects.filter(is_active=True).only(*fields).iterator(2000):
        yield organisation_search_document(organisation)
