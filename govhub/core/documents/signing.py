"""The deployment's signing key: loading it, making a development one, signing, validating.

Signatures are PAdES (ETSI EN 319 142) certification signatures made and checked with
pyHanko. A document is authentic when its one signature is intact, covers the whole file,
forbids any later change, and was made with this platform's certificate (the configured
one, or one of the previous certificates kept for documents issued before a key change).
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)
T = TypeVar("T")

SIGNATURE_FIELD = "GovHubSignature"
DEVELOPMENT_NAME = "GovHub development signing certificate (not for production)"
# A document-signing certificate carries one of these key usages.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})


@dataclass(frozen=True)
class SigningMaterial:
    """The signer (key and certificate chain) and the certificates documents may carry."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    trusted: tuple[asn1_x509.Certificate, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(cert.sha256.hex() for cert in self.trusted)


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator found; `code` is "valid" or why the file is not authentic."""

    code: str
    signer_fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return self.code == "valid"


def signing_configured() -> bool:
    """Whether the deployment configured its own key and certificate (not the development one)."""
    return bool(settings.GOVHUB_SIGNING_KEY_FILE or settings.GOVHUB_SIGNING_CERT_FILE)


def signing_material() -> SigningMaterial:
    """The configured key and certificate, or the development pair under var/signing/."""
    key_file: str = settings.GOVHUB_SIGNING_KEY_FILE
    cert_file: str = settings.GOVHUB_SIGNING_CERT_FILE
    if bool(key_file) != bool(cert_file):
        raise ImproperlyConfigured(
            "Set both GOVHUB_SIGNING_KEY_FILE and GOVHUB_SIGNING_CERT_FILE, or neither."
        )
    passphrase: str = settings.GOVHUB_SIGNING_KEY_PASSPHRASE
    if key_file:
        key_path, cert_path = Path(key_file), Path(cert_file)
    else:
        key_path, cert_path = development_key_files(Path(settings.GOVHUB_SIGNING_DEV_DIR))
        passphrase = ""
    previous = tuple(Path(p) for p in settings.GOVHUB_SIGNING_PREVIOUS_CERT_FILES)
    stamp = tuple(_modified(p) for p in (key_path, cert_path, *previous))
    return _load(key_path, cert_path, passphrase, previous, stamp)


def _modified(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read the signing file {path}: {exc}") from exc


@functools.lru_cache(maxsize=8)
def _load(
    key_path: Path,
    cert_path: Path,
    passphrase: str,
    previous: tuple[Path, ...],
    stamp: tuple[int, ...],  # the files' modification times: a replaced file is read again
) -> SigningMaterial:
    try:
        key = load_private_key_from_pemder(str(key_path), passphrase.encode() or None)
        chain = list(load_certs_from_pemder([str(cert_path)]))  # type: ignore[no-untyped-call]
        older = [
            *load_certs_from_pemder([str(p) for p in previous])  # type: ignore[no-untyped-call]
        ]
    except (OSError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"Cannot load the signing key or certificate: {exc}") from exc
    if not chain:
        raise ImproperlyConfigured(f"No certificate in {cert_path}.")
    certificate = chain[0]
    public = serialization.load_der_private_key(key.dump(), password=None).public_key()
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if spki != certificate.public_key.dump():
        raise ImproperlyConfigured(
            f"The signing key {key_path} does not belong to the certificate {cert_path}."
        )
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )
    return SigningMaterial(signer, certificate, (certificate, *older))


def development_key_files(directory: Path) -> tuple[Path, Path]:
    """The development key and self-signed certificate, made once (safe if workers race)."""
    target = directory / "development"
    key, cert = target / "key.pem", target / "cert.pem"
    if key.is_file() and cert.is_file():
        return key, cert
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=directory))
    generate_self_signed(staging, common_name=DEVELOPMENT_NAME)
    try:
        staging.rename(target)  # atomic: the first process to get here wins
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (key.is_file() and cert.is_file()):
            raise
    else:
        logger.warning(
            "Made a self-signed development signing certificate in %s. Production must set "
            "GOVHUB_SIGNING_KEY_FILE and GOVHUB_SIGNING_CERT_FILE.",
            target,
        )
    return key, cert


def generate_self_signed(
    directory: Path, *, common_name: str, days: int = 3650
) -> tuple[Path, Path]:
    """Write a new key (`key.pem`, owner-only) and a self-signed certificate (`cert.pem`).

    ECDSA P-256: as strong as RSA-3072, made and used in a millisecond (pyHanko re-reads an
    RSA key, with its costly consistency check, at every signature).
    """
    private_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "GovHub"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(private_key, hashes.SHA256())
    )
    key_path, cert_path = directory / "key.pem", directory / "cert.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(
            private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sign_pdf(pdf: bytes, material: SigningMaterial, *, reason: str) -> bytes:
    """Certify the PDF (PAdES baseline B, SHA-256); the signature forbids any later change."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=reason,
    )
    signed = _outside_event_loop(lambda: signers.sign_pdf(writer, metadata, signer=material.signer))
    return bytes(signed.getvalue())


def check_signature(
    pdf: bytes, material: SigningMaterial, *, at: datetime.datetime
) -> SignatureCheck:
    """Validate the file's signature as of `at` (the moment of issue); never raises."""
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 - untrusted input: any parser failure means "unreadable"
        return SignatureCheck("not_a_pdf")
    if not signatures:
        return SignatureCheck("no_signature")
    context = ValidationContext(trust_roots=list(material.trusted), allow_fetching=False, moment=at)
    try:
        status = _outside_event_loop(
            lambda: validate_pdf_signature(signatures[0], context, key_usage_settings=KEY_USAGE)
        )
    except Exception:  # noqa: BLE001 - a malformed signature is a broken one
        return SignatureCheck("signature_broken")
    fingerprint = status.signing_cert.sha256.hex()
    if not (status.intact and status.valid):
        return SignatureCheck("signature_broken", fingerprint)
    # Anything after the signed bytes (an incremental update, a second signature, appended
    # bytes) means the file is not the one that was signed, even if the update is "allowed".
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not whole_file or not status.docmdp_ok or len(signatures) != 1:
        return SignatureCheck("changed_after_signing", fingerprint)
    if not status.trusted or fingerprint not in material.fingerprints:
        return SignatureCheck("unknown_signer", fingerprint)
    return SignatureCheck("valid", fingerprint)


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Run a pyHanko call; on a worker thread if this one runs an event loop.

    pyHanko's synchronous API wraps `asyncio.run`, which refuses to start inside a running
    loop (an async view, Playwright's synchronous API in a test).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()
