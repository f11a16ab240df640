"""Test helpers shared by every app's tests (imported only by tests)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model


def in_ci() -> bool:
    """`.ci/run` sets GOVHUB_CI=1: there, a missing browser or tool is a failure, not a skip."""
    return os.environ.get("GOVHUB_CI", "") == "1"


def require(available: bool, what: str) -> None:
    """Skip the test locally when `what` is missing (with a clear message); fail in CI."""
    if available:
        return
    message = f"{what} is not available"
    if in_ci():
        pytest.fail(f"{message}; CI must run this test (see .ci/run)")
    pytest.skip(f"{message}; install it to run this test (CI installs it)")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A development signing key and certificate, made once per test session."""
    from govhub.core.documents.signing import development_key_files

    directory = tmp_path_factory.mktemp("signing")
    development_key_files(directory)
    return directory


@pytest.fixture
def document_signing(signing_dir: Path, settings: Any) -> Path:
    """Issue and verify documents with the session's development key (not var/signing/)."""
    settings.GOVHUB_SIGNING_DEV_DIR = signing_dir
    settings.GOVHUB_SIGNING_KEY_FILE = ""
    settings.GOVHUB_SIGNING_CERT_FILE = ""
    settings.GOVHUB_SIGNING_PREVIOUS_CERT_FILES = []
    settings.GOVHUB_PUBLIC_URL = "https://govhub.example"
    return signing_dir


def issue_test_document(**overrides: Any) -> Any:
    """An issued document (use with the `document_signing` fixture), fields overridable."""
    from govhub.core.api import document_issue

    fields: dict[str, Any] = {
        "actor": None,
        "title": "Programme approval",
        "number_prefix": "GH",
        "legal_status": "Decision of the steering committee",
        "text": "Approved.",
        "issuer_label": "Ministry of Digital Development",
        "issuer_organisation_id": 7,
        "subject_type": "programmes.programme",
        "subject_id": "42",
        **overrides,
    }
    return document_issue(**fields)


def _tables(models: tuple[type[Model], ...]) -> list[type[Model]]:
    if models:
        return list(models)
    return [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _snapshot(models: list[type[Model]], *, rows: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model in models:
        queryset = model._base_manager.order_by("pk")
        out[model._meta.label] = list(queryset.values_list()) if rows else queryset.count()
    return out


@contextmanager
def assert_nothing_written(*models: type[Model]) -> Iterator[None]:
    """Fail if the block writes: with `models`, any of their rows added, changed or removed;
    without, any table's row count changed (so a refused action's audit entry, notification
    or half-written record is caught, wherever it went).

    Put it outside `pytest.raises`, so that it checks after the refusal:
    `with assert_nothing_written(), pytest.raises(Forbidden) as refused: ...`.
    """
    chosen = _tables(models)
    before = _snapshot(chosen, rows=bool(models))
    yield
    after = _snapshot(chosen, rows=bool(models))
    written = sorted(label for label in before if before[label] != after[label])
    assert written == [], f"written to {', '.join(written)} (nothing should have been)"


def task_queue_run(worker_id: str = "test") -> None:
    """Run every task waiting in the database queue and return (django-tasks-db's own worker,
    as `govhub db_worker --batch` runs it, without the heartbeat thread)."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()
