"""Uses of files: what each kind of upload may be (types, size), whether it is scanned and who
besides the uploader may see it. Apps register theirs; core registers issued documents'."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govhub.core.files.types import KNOWN_TYPES

if TYPE_CHECKING:
    from govhub.core.models import StoredFile

ViewRule = Callable[[Any, "StoredFile"], bool]
StoreRule = Callable[[Any], bool]


def signed_in_person(actor: Any) -> bool:
    """Anyone signed in (the calling app checks anything more before storing)."""
    return bool(getattr(actor, "is_authenticated", False))


def calling_action(actor: Any) -> bool:
    """Whoever the calling action already allowed (a system actor, None, included)."""
    return True


def nobody_else(user: Any, file: StoredFile) -> bool:
    """Only the uploader may see the file."""
    return False


def anyone(user: Any, file: StoredFile) -> bool:
    """Anyone may see the file (published documents)."""
    return True


@dataclass(frozen=True)
class FileUse:
    name: str
    types: frozenset[str]  # MIME types, detected from the content
    max_bytes: int | None  # None: GOVHUB_MAX_UPLOAD_BYTES
    scan: bool
    can_view: ViewRule
    can_store: StoreRule


_USES: dict[str, FileUse] = {}


def file_use_register(
    name: str,
    *,
    types: Iterable[str],
    max_bytes: int | None = None,
    scan: bool = True,
    can_view: ViewRule = nobody_else,
    can_store: StoreRule = signed_in_person,
) -> FileUse:
    """Declare a use of files ("app.purpose"): its allowed types, size limit and viewers."""
    allowed = frozenset(types)
    unknown = sorted(allowed - set(KNOWN_TYPES))
    if unknown or not allowed:
        raise ValueError(f"File use {name!r}: unknown or no types {unknown}")
    use = FileUse(name, allowed, max_bytes, scan, can_view, can_store)
    _USES[name] = use
    return use


def file_use(name: str) -> FileUse:
    """The registered use, or LookupError (a programming error of the calling app)."""
    try:
        return _USES[name]
    except KeyError:
        raise LookupError(f"No file use {name!r} is registered.") from None


ISSUED_DOCUMENT = "core.issued_document"
# Signed PDFs GovHub made itself: public (the register lists them), not scanned.
file_use_register(
    ISSUED_DOCUMENT,
    types=["application/pdf"],
    max_bytes=50 * 1024 * 1024,
    scan=False,
    can_view=anyone,
    can_store=calling_action,
)
