from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from govhub.core.audit import audit_record, audit_verify, compute_hash
from govhub.core.audit.chain import _canonical
from govhub.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def _three_entries(user):
    for verb in ("a.one", "a.two", "a.three"):
        audit_record(actor=user, verb=verb, target=user, changes={"verb": verb})


def test_entries_chain_each_to_the_previous(user):
    # given / when
    _three_entries(user)
    # then
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].prev_hash == entries[1].entry_hash
    assert all(compute_hash(e) == e.entry_hash for e in entries)
    assert AuditHead.objects.get().last_sequence == 3


def test_entry_records_actor_target_and_change(user):
    # when
    entry = audit_record(
        actor=user, verb="thing.change", target=user, organisation_id=7, changes={"x": [1, 2]}
    )
    # then
    entry.refresh_from_db()
    assert entry.actor_id == user.pk
    assert entry.actor_label == user.email
    assert entry.organisation_id == 7
    assert entry.target_type == "accounts.user"
    assert entry.target_id == str(user.pk)
    assert entry.changes == {"x": [1, 2]}


def test_verify_accepts_an_intact_chain(user):
    _three_entries(user)
    result = audit_verify()
    assert result.ok
    assert result.checked == 3


def test_verify_names_an_edited_entry(user):
    # given
    _three_entries(user)
    AuditEntry.objects.filter(sequence=2).update(verb="a.forged")
    # when
    result = audit_verify()
    # then
    assert not result.ok
    assert result.bad_sequence == 2
    assert result.checked == 1


def test_verify_names_the_gap_of_a_deleted_entry(user):
    _three_entries(user)
    AuditEntry.objects.filter(sequence=2).delete()
    result = audit_verify()
    assert not result.ok
    assert result.bad_sequence == 2


def test_verify_detects_a_deleted_newest_entry(user):
    _three_entries(user)
    AuditEntry.objects.filter(sequence=3).delete()
    result = audit_verify()
    assert not result.ok
    assert result.bad_sequence == 3


def test_verify_detects_a_rehashed_entry_by_its_broken_link(user):
    # given: an attacker edits entry 1 and recomputes its own hash
    _three_entries(user)
    first = AuditEntry.objects.get(sequence=1)
    first.verb = "a.forged"
    first.entry_hash = compute_hash(first)
    first.save()
    # when
    result = audit_verify()
    # then: entry 2 no longer links to it
    assert not result.ok
    assert result.bad_sequence == 2


def test_audit_verify_command_exits_non_zero_naming_the_entry(user, capsys):
    # given
    _three_entries(user)
    call_command("audit", "verify")
    assert "3 entries verified" in capsys.readouterr().out
    AuditEntry.objects.filter(sequence=3).update(changes={"tampered": True})
    # when / then
    with pytest.raises(CommandError, match="broken at entry 3"):
        call_command("audit", "verify")


def test_cli_audit_verify_exit_code(user):
    # The console script exits 1 (CommandError) on a broken chain.
    from govhub.cli import main

    _three_entries(user)
    AuditEntry.objects.filter(sequence=1).update(verb="x")
    with pytest.raises(SystemExit) as exc:
        main(["audit", "verify"])
    assert exc.value.code == 1


# The keyed chain, its keys and its checkpoints (issue 8, item 8) ----------------------------

KEY_A = "a" * 40
KEY_B = "b" * 40


@pytest.fixture
def checkpoint_path(settings, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    settings.GOVHUB_AUDIT_CHECKPOINT_FILE = path
    return path


def test_an_entry_is_an_hmac_under_the_configured_key_and_names_it(user, settings):
    # given
    settings.GOVHUB_AUDIT_KEY, settings.GOVHUB_AUDIT_KEY_ID = KEY_A, "2026a"
    # when
    entry = audit_record(actor=user, verb="thing.change", target=user)
    # then
    entry.refresh_from_db()
    assert entry.key_id == "2026a"
    assert entry.entry_hash == hmac.new(KEY_A.encode(), _canonical(entry), "sha256").hexdigest()
    assert entry.entry_hash != hashlib.sha256(_canonical(entry)).hexdigest()


def test_after_a_key_rotation_older_entries_verify_with_the_previous_key(user, settings):
    # given: two entries under key A, then the key is rotated to B
    settings.GOVHUB_AUDIT_KEY, settings.GOVHUB_AUDIT_KEY_ID = KEY_A, "a"
    _three_entries(user)
    settings.GOVHUB_AUDIT_KEY, settings.GOVHUB_AUDIT_KEY_ID = KEY_B, "b"
    settings.GOVHUB_AUDIT_PREVIOUS_KEYS = [f"a:{KEY_A}"]
    # when
    _three_entries(user)
    # then
    keys = list(AuditEntry.objects.order_by("sequence").values_list("key_id", flat=True))
    assert keys == ["a", "a", "a", "b", "b", "b"]
    assert (audit_verify().ok, audit_verify().checked) == (True, 6)


def test_an_entry_made_with_a_key_no_longer_configured_is_named(user, settings):
    settings.GOVHUB_AUDIT_KEY, settings.GOVHUB_AUDIT_KEY_ID = KEY_A, "a"
    _three_entries(user)
    settings.GOVHUB_AUDIT_KEY, settings.GOVHUB_AUDIT_KEY_ID = KEY_B, "b"
    result = audit_verify()
    assert (result.ok, result.bad_sequence) == (False, 1)
    assert result.reason == (
        "it was made with the audit key 'a', which is not configured "
        "(keep retired keys in GOVHUB_AUDIT_PREVIOUS_KEYS)"
    )


def test_unkeyed_entries_from_before_the_upgrade_verify_at_the_chains_start(user):
    # given: two entries as the log held them before it was keyed (plain SHA-256)...
    audit_record(actor=user, verb="old.one", target=user)
    audit_record(actor=user, verb="old.two", target=user)
    prev_hash = "0" * 64
    for entry in AuditEntry.objects.order_by("sequence"):
        entry.key_id, entry.prev_hash = "", prev_hash
        entry.entry_hash = hashlib.sha256(_canonical(entry)).hexdigest()
        entry.save()
        prev_hash = entry.entry_hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev_hash)
    # ...then keyed entries after the upgrade
    _three_entries(user)
    # when
    result = audit_verify()
    # then
    assert (result.ok, result.checked, result.unkeyed) == (True, 5, 2)


@pytest.mark.parametrize(
    ("key", "key_id", "previous", "message"),
    [
        ("", "1", [], "GOVHUB_AUDIT_KEY must be set when DJANGO_DEBUG is off"),
        ("short", "1", [], "GOVHUB_AUDIT_KEY: an audit key has at least 32 characters"),
        (KEY_A, "a b", [], "GOVHUB_AUDIT_KEY_ID: an audit key id is 1-32 letters"),
        (KEY_A, "1", [KEY_B], "GOVHUB_AUDIT_PREVIOUS_KEYS is a comma-separated list of id:key"),
        (KEY_A, "1", [f"1:{KEY_B}"], "The audit key id '1' is given twice"),
    ],
)
def test_an_unusable_key_writes_nothing(user, settings, key, key_id, previous, message):
    # given
    settings.GOVHUB_AUDIT_KEY, settings.GOVHUB_AUDIT_KEY_ID = key, key_id
    settings.GOVHUB_AUDIT_PREVIOUS_KEYS = previous
    # when / then
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        audit_record(actor=user, verb="thing.change", target=user)
    assert (AuditEntry.objects.count(), AuditHead.objects.count()) == (0, 0)


def test_serve_refuses_to_start_without_an_audit_key(settings):
    settings.GOVHUB_AUDIT_KEY = ""
    with pytest.raises(CommandError, match="GOVHUB_AUDIT_KEY must be set"):
        call_command("serve", "--port", "1")


def test_the_deploy_check_reports_a_missing_audit_key(settings):
    from govhub.core.audit.checks import check_audit_key

    assert check_audit_key() == []
    settings.GOVHUB_AUDIT_KEY = ""
    assert [message.id for message in check_audit_key()] == ["core.E003"]


def test_production_settings_have_no_development_audit_key(tmp_path):
    # given: debug off, not testing, a secret key but no audit key
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_", "SECURE_"))
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "s" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    # when
    result = subprocess.run(
        [sys.executable, "-m", "govhub.cli", "audit", "verify"],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then
    assert result.returncode == 1
    assert "GOVHUB_AUDIT_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_checkpoint_prints_and_appends_the_heads_checkpoint_once(user, checkpoint_path, capsys):
    # given
    _three_entries(user)
    # when: two checkpoints with nothing written between them
    call_command("audit", "checkpoint")
    first = capsys.readouterr()
    call_command("audit", "checkpoint")
    second = capsys.readouterr()
    # then
    lines = checkpoint_path.read_text().splitlines()
    assert len(lines) == 1
    assert first.out.strip() == second.out.strip() == lines[0]
    assert json.loads(lines[0])["sequence"] == 3
    assert f"checkpoint of entry 3 appended to {checkpoint_path}" in first.err
    assert "no new entries since the last checkpoint (entry 3)" in second.err


def test_checkpoint_refuses_to_anchor_a_log_altered_since_the_last_one(user, checkpoint_path):
    # given: a checkpoint at entry 3, then two entries, the first of them altered
    _three_entries(user)
    call_command("audit", "checkpoint")
    _three_entries(user)
    AuditEntry.objects.filter(sequence=4).update(verb="a.forged")
    # when / then
    with pytest.raises(CommandError, match=r"no checkpoint written: .*entry 4: its content"):
        call_command("audit", "checkpoint")
    assert len(checkpoint_path.read_text().splitlines()) == 1


def test_checkpoint_refuses_a_log_rewound_below_the_last_checkpoint(user, checkpoint_path):
    _three_entries(user)
    call_command("audit", "checkpoint")
    AuditEntry.objects.filter(sequence=3).delete()
    with pytest.raises(CommandError, match="entry 3: it is missing, but the checkpoint"):
        call_command("audit", "checkpoint")


def test_checkpoint_every_keeps_anchoring_new_entries(user, checkpoint_path, monkeypatch):
    # given: an entry is written while the command sleeps between rounds
    _three_entries(user)
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        audit_record(actor=user, verb="a.more", target=user)

    monkeypatch.setattr("govhub.core.management.commands.audit.time.sleep", sleep)
    # when
    call_command("audit", "checkpoint", "--every", "300", "--rounds", "3")
    # then
    sequences = [json.loads(line)["sequence"] for line in checkpoint_path.read_text().splitlines()]
    assert (pauses, sequences) == ([300, 300], [3, 4, 5])


@pytest.mark.usefixtures("document_signing")
def test_a_published_checkpoint_is_a_signed_document_that_verify_compares(user, checkpoint_path):
    from govhub.core.api import verify_document
    from govhub.core.models import IssuedDocument

    # given: a checkpoint published as a document of the AUD series
    _three_entries(user)
    call_command("audit", "checkpoint", "--publish")
    document = IssuedDocument.objects.get()
    line = checkpoint_path.read_text().strip()
    # then: a numbered, signed document carrying the checkpoint (its issue is entry 4)
    assert document.number == f"AUD-{timezone.localdate(document.issued_at).year}-000001"
    assert document.title == "Audit log checkpoint at entry 3"
    assert verify_document(document.public_id).valid
    assert document.text.splitlines()[-1] == line
    assert AuditEntry.objects.get(sequence=4).verb == "document.issue"
    # when: the attacker deletes entries 3 and 4, rewinds the head, and the file is lost
    AuditEntry.objects.filter(sequence__gte=3).delete()
    second = AuditEntry.objects.get(sequence=2)
    AuditHead.objects.filter(pk=1).update(last_sequence=2, last_hash=second.entry_hash)
    checkpoint_path.unlink()
    # then: the published checkpoint still shows it
    with pytest.raises(CommandError, match=r"the checkpoint document AUD-.* records entry 3"):
        call_command("audit", "verify")


@pytest.mark.usefixtures("document_signing")
def test_publish_every_publishes_only_when_the_last_publication_is_old(user, checkpoint_path):
    from govhub.core.models import IssuedDocument

    _three_entries(user)
    call_command("audit", "checkpoint", "--publish-every", "86400")
    call_command("audit", "checkpoint", "--publish-every", "86400")
    assert IssuedDocument.objects.count() == 1
    IssuedDocument.objects.update(issued_at=timezone.now() - datetime.timedelta(days=2))
    call_command("audit", "checkpoint", "--publish-every", "86400")
    assert IssuedDocument.objects.count() == 2


def test_an_unusable_checkpoint_file_is_a_clear_error(user, settings, tmp_path):
    # given: the checkpoint file's path is a directory
    settings.GOVHUB_AUDIT_CHECKPOINT_FILE = tmp_path
    _three_entries(user)
    # when / then
    with pytest.raises(CommandError, match=r"^checkpoint file: .*Is a directory"):
        call_command("audit", "checkpoint")
    with pytest.raises(CommandError, match=r"^checkpoint file: .*Is a directory"):
        call_command("audit", "verify")


def test_checkpoint_every_reports_a_tampered_log_each_round_and_keeps_running(
    user, checkpoint_path, monkeypatch, capsys
):
    # given: an anchored log whose entry 4 is then altered
    _three_entries(user)
    call_command("audit", "checkpoint")
    _three_entries(user)
    AuditEntry.objects.filter(sequence=4).update(verb="a.forged")
    monkeypatch.setattr("govhub.core.management.commands.audit.time.sleep", lambda seconds: None)
    capsys.readouterr()
    # when
    call_command("audit", "checkpoint", "--every", "60", "--rounds", "2")
    # then
    assert capsys.readouterr().err.count("no checkpoint written: the audit log is not intact") == 2
    assert len(checkpoint_path.read_text().splitlines()) == 1
