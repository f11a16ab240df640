"""Is this the authentic document? The stored copy, an uploaded copy, or a fingerprint."""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.utils.translation import gettext as _

from govhub.core.documents.data import DocumentVerification
from govhub.core.documents.queries import document_get, document_pdf
from govhub.core.errors import InvalidInput
from govhub.core.models import IssuedDocument

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A stored document's signature cannot change; its check is cached (keyed by the file and the
# trusted certificates), so the public page and API stay cheap under load.
CACHE_SECONDS = 24 * 3600


def _reasons() -> dict[str, str]:
    return {
        "not_a_pdf": _("The file is not a readable PDF."),
        "no_signature": _("The file carries no electronic signature."),
        "signature_broken": _(
            "The signature does not match the content: the file was altered after it was signed."
        ),
        "changed_after_signing": _(
            "The file was changed after it was signed (content was added or edited)."
        ),
        "unknown_signer": _("The file was not signed with this platform's certificate."),
        "different_document": _(
            "The file is signed by this platform, but it is not the document issued under "
            "this number."
        ),
        "fingerprint_mismatch": _("This fingerprint is not the issued document's."),
        "stored_copy_damaged": _(
            "The stored document does not match its recorded fingerprint; contact the issuer."
        ),
    }


def _authentic(checked: str) -> str:
    return {
        "stored": _(
            "The signature is intact, covers the whole file and was made with this "
            "platform's certificate."
        ),
        "copy": _("This copy is identical to the issued document, and its signature is valid."),
        "sha256": _("This fingerprint is the issued document's, and its signature is valid."),
    }[checked]


def verify_document(
    public_id: str, pdf_bytes: bytes | None = None, *, sha256: str | None = None
) -> DocumentVerification:
    """Check the stored document, or a copy of it (its bytes, or their SHA-256 in hex).

    A copy is authentic only if it is byte for byte the issued file and that file's signature
    validates. Unknown ids raise NotFound; a malformed fingerprint raises InvalidInput.
    """
    from govhub.core.documents.signing import check_signature, signing_material  # slow import

    document = document_get(public_id)
    if pdf_bytes is not None:
        check = check_signature(pdf_bytes, signing_material(), at=document.issued_at)
        if hashlib.sha256(pdf_bytes).hexdigest() == document.sha256:
            return _result(document, "copy", check.code)
        return _result(document, "copy", "different_document" if check.ok else check.code)
    if sha256 is not None:
        fingerprint = sha256.strip().lower()
        if not SHA256.match(fingerprint):
            raise InvalidInput(
                _("A SHA-256 fingerprint is 64 hexadecimal characters."),
                code="invalid_fingerprint",
            )
        if fingerprint != document.sha256:
            return _result(document, "sha256", "fingerprint_mismatch")
        return _result(document, "sha256", _stored_check(document))
    return _result(document, "stored", _stored_check(document))


def _stored_check(document: IssuedDocument) -> str:
    """The validator's verdict on the stored PDF ("valid" or a reason code)."""
    from govhub.core.documents.signing import check_signature, signing_material  # slow import

    try:
        pdf = document_pdf(document)
    except OSError:  # the stored object is missing or unreadable
        return "stored_copy_damaged"
    actual = hashlib.sha256(pdf).hexdigest()
    if actual != document.sha256:
        return "stored_copy_damaged"
    material = signing_material()
    trusted = ",".join(sorted(material.fingerprints))
    key = (
        "govhub:document-signature:"
        + hashlib.sha256(
            f"{actual}|{trusted}|{document.issued_at.isoformat()}".encode()
        ).hexdigest()
    )
    code: str | None = cache.get(key)
    if code is None:
        code = check_signature(pdf, material, at=document.issued_at).code
        cache.set(key, code, CACHE_SECONDS)
    return code


def _result(document: IssuedDocument, checked: str, code: str) -> DocumentVerification:
    valid = code == "valid"
    return DocumentVerification(
        valid=valid,
        reason_code="authentic" if valid else code,
        reason=_authentic(checked) if valid else _reasons()[code],
        checked=checked,
        public_id=document.public_id,
        number=document.number,
        title=document.title,
        legal_status=document.legal_status,
        issuer_label=document.issuer_label,
        issued_at=document.issued_at,
        sha256=document.sha256,
    )
