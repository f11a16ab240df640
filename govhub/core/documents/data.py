"""What verifying a document answers (plain data, for other apps and the interfaces)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentVerification:
    """Whether what was checked is the authentic document, and why (`reason_code` is stable).

    `checked` says what was checked: "stored" (the copy GovHub keeps), "copy" (an uploaded
    file) or "sha256" (a fingerprint). `sha256` is always the issued document's own.
    """

    valid: bool
    reason_code: str
    reason: str
    checked: str
    public_id: str
    number: str
    title: str
    legal_status: str
    issuer_label: str
    issued_at: datetime.datetime
    sha256: str
