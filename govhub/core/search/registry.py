"""The kinds of things people search for: each app registers its own (core imports none)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds of one object: its texts by language code, and who may find it.

    `title` outranks `body`. Texts are keyed by language code ("en", "ru", "fa-af"); under
    "" (language not known, e.g. what people typed) a text is indexed by every language's
    rules. `organisation_id` None: anyone may find it; otherwise only the
    people of that organisation (an organisation never finds another's private objects).
    """

    object_id: int
    title: Mapping[str, str]
    body: Mapping[str, str] = field(default_factory=dict)
    organisation_id: int | None = None


@dataclass(frozen=True)
class SearchKind:
    name: str  # "app.model", e.g. "organisations.organisation"
    label: str | Promise
    # Every object of the kind, for `search_reindex` (a generator over a `.iterator()`).
    documents: Callable[[], Iterable[SearchDocument]]


KINDS: dict[str, SearchKind] = {}


def search_kind_register(
    name: str, *, label: str | Promise, documents: Callable[[], Iterable[SearchDocument]]
) -> None:
    """Make a kind searchable; its app puts and deletes its objects in its own actions."""
    KINDS[name] = SearchKind(name, label, documents)


def search_kind(name: str) -> SearchKind:
    """The registered kind called `name` (KeyError if no app registered it)."""
    return KINDS[name]
