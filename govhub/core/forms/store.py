"""Stored definitions: reading them (queries), saving drafts and publishing (actions), and
loading the definitions apps ship as YAML files in their `forms/` directory."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.audit import audit_record
from govhub.core.errors import Conflict, Forbidden, NotFound
from govhub.core.forms.definition import Definition, FormDefinitionError, parse
from govhub.core.forms.models import FormDefinition, FormStatus

LIVE = (FormStatus.PUBLISHED, FormStatus.RETIRED)


def can_change_forms(user: Any) -> bool:
    """Platform staff may draft and publish form definitions; nobody else."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def definition_file_read(path: Path) -> dict[str, Any]:
    """The definition document in a YAML (or JSON) file, checked; errors name the file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        parse(document)
    except (yaml.YAMLError, FormDefinitionError, TypeError) as exc:
        raise FormDefinitionError(f"{path}: {exc}") from exc
    return document  # type: ignore[no-any-return]


def shipped_files() -> list[Path]:
    """Every `forms/*.yaml` of an installed app, in app order."""
    found: list[Path] = []
    for config in apps.get_app_configs():
        directory = Path(config.path) / "forms"
        if directory.is_dir():
            found.extend(sorted(directory.glob("*.yaml")))
    return found


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((str(path), definition_file_read(path)) for path in shipped_files())


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def forms_load(files: list[Path] | None = None) -> list[FormDefinition]:
    """Store shipped definitions as published versions; refuse one that changes a published
    version (a change to a shipped form must bump its `version`)."""
    entries = (
        _shipped() if files is None else tuple((str(p), definition_file_read(p)) for p in files)
    )
    stored = {
        (row.key, row.version): row
        for row in FormDefinition.objects.filter(key__in={d["key"] for _p, d in entries})
    }
    rows = []
    for path, document in entries:
        row = stored.get((document["key"], document["version"]))
        if row is not None:
            if row.status in LIVE and not _same(row.document, document):
                raise FormDefinitionError(
                    f"{path}: {row.key} version {row.version} is published and differs from "
                    "this file; give the changed form a new version"
                )
            rows.append(row)
            continue
        try:
            with transaction.atomic():
                row = FormDefinition.objects.create(
                    key=document["key"],
                    version=document["version"],
                    status=FormStatus.PUBLISHED,
                    document=document,
                    source=path[-300:],
                    published_at=timezone.now(),
                )
        except IntegrityError:  # loaded by a concurrent request
            row = FormDefinition.objects.get(key=document["key"], version=document["version"])
        rows.append(row)
    return rows


def form_definition_list() -> list[FormDefinition]:
    """Every published (or retired) version, shipped ones included, by key and version."""
    forms_load()
    return list(FormDefinition.objects.filter(status__in=LIVE).order_by("key", "version"))


@lru_cache(maxsize=512)
def _parsed(key: str, version: int, document: str) -> Definition:
    return parse(json.loads(document))


def form_definition_get(key: str, version: int | None = None) -> Definition:
    """A published version of a form (the newest when `version` is None), or NotFound."""
    rows = FormDefinition.objects.filter(key=key, status__in=LIVE)
    if version is not None:
        rows = rows.filter(version=version)
    row = rows.order_by("-version").first()
    if row is None and any(d["key"] == key for _p, d in _shipped()):
        forms_load()
        row = rows.order_by("-version").first()
    if row is None:
        raise NotFound(_("There is no such form."), code="form_not_found")
    return _parsed(row.key, row.version, json.dumps(row.document, sort_keys=True))


def form_definitions_get(wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Definition]:
    """Many published versions in one query, e.g. of every artefact on a page; missing ones
    are left out."""
    pairs = set(wanted)
    if not pairs:
        return {}
    keys = {k for k, _v in pairs}
    rows = list(FormDefinition.objects.filter(key__in=keys, status__in=LIVE))
    if pairs - {(r.key, r.version) for r in rows}:  # perhaps shipped and not yet stored
        forms_load()
        rows = list(FormDefinition.objects.filter(key__in=keys, status__in=LIVE))
    return {
        (r.key, r.version): _parsed(r.key, r.version, json.dumps(r.document, sort_keys=True))
        for r in rows
        if (r.key, r.version) in pairs
    }


def form_definition_save(*, actor: Any, document: dict[str, Any]) -> FormDefinition:
    """Save a draft version of a form; a published version is never changed (409)."""
    if not can_change_forms(actor):
        raise Forbidden(_("You may not change form definitions."))
    parse(document)
    with transaction.atomic():
        row = (
            FormDefinition.objects.select_for_update()
            .filter(key=document["key"], version=document["version"])
            .first()
        )
        if row is not None and row.status != FormStatus.DRAFT:
            raise Conflict(
                _("This version of the form is published and cannot change; save a new version."),
                code="form_published",
            )
        if row is None:
            row = FormDefinition.objects.create(
                key=document["key"], version=document["version"], document=document
            )
        else:
            FormDefinition.objects.filter(pk=row.pk, status=FormStatus.DRAFT).update(
                document=document
            )
            row.document = document
        audit_record(actor=actor, verb="form_definition_save", target=row)
    return row


def form_definition_publish(*, actor: Any, key: str, version: int) -> FormDefinition:
    """Publish a draft version: from now on its document is frozen."""
    if not can_change_forms(actor):
        raise Forbidden(_("You may not publish form definitions."))
    with transaction.atomic():
        updated = FormDefinition.objects.filter(
            key=key, version=version, status=FormStatus.DRAFT
        ).update(status=FormStatus.PUBLISHED, published_at=timezone.now())
        row = FormDefinition.objects.filter(key=key, version=version).first()
        if row is None:
            raise NotFound(_("There is no such form."), code="form_not_found")
        if not updated:
            raise Conflict(
                _("This version of the form is already published."), code="form_published"
            )
        audit_record(actor=actor, verb="form_definition_publish", target=row)
    return row
