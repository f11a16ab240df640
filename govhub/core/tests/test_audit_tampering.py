"""An attacker who holds the database (but not GOVHUB_AUDIT_KEY, nor the checkpoint file)
tries to rewrite the audit log; each attempt is detected (issue 8, item 8)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from govhub.core.audit import audit_record, audit_verify, compute_hash
from govhub.core.audit.chain import _canonical
from govhub.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_path(settings, tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    settings.GOVHUB_AUDIT_CHECKPOINT_FILE = path
    return path


def _record(user, count: int) -> None:
    for number in range(count):
        audit_record(actor=user, verb="thing.change", target=user, changes={"n": number})


def _checkpoint() -> None:
    call_command("audit", "checkpoint")


def _rewrite_from(sequence: int, hasher: Callable[[AuditEntry], str], *, key_id: str) -> None:
    """What a database-only attacker can do: edit entries from `sequence` on, relink each to
    the one before and recompute every hash (with `hasher`), then move the head."""
    previous = AuditEntry.objects.filter(sequence=sequence - 1).first()
    prev_hash = previous.entry_hash if previous else "0" * 64
    for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        entry.prev_hash = prev_hash
        entry.key_id = key_id
        entry.entry_hash = hasher(entry)
        entry.save()
        prev_hash = entry.entry_hash
    last = AuditEntry.objects.order_by("-sequence").first()
    AuditHead.objects.filter(pk=1).update(
        last_sequence=last.sequence if last else 0, last_hash=last.entry_hash if last else ""
    )


def _guessed_key_hmac(entry: AuditEntry) -> str:
    return hmac.new(b"a key the attacker guessed" * 2, _canonical(entry), "sha256").hexdigest()


def _plain_sha256(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _verify_fails(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("audit", "verify")


def test_a_deleted_tail_with_a_rewound_head_is_detected_against_the_checkpoint(user):
    # given: five entries anchored by a checkpoint
    _record(user, 5)
    _checkpoint()
    # when: the attacker deletes the last two entries and rewinds the head to entry 3
    AuditEntry.objects.filter(sequence__gt=3).delete()
    third = AuditEntry.objects.get(sequence=3)
    AuditHead.objects.filter(pk=1).update(last_sequence=3, last_hash=third.entry_hash)
    # then: the chain alone still holds together, the checkpoint does not
    assert audit_verify().ok
    _verify_fails(r"does not match its checkpoints: the chain ends at entry 3 but .* entry 5")


def test_a_rewritten_entry_with_every_hash_recomputed_without_the_key_is_detected(user):
    # given
    _record(user, 4)
    # when: entry 2 is edited and every hash from it on recomputed with a guessed key
    AuditEntry.objects.filter(sequence=2).update(verb="thing.forged")
    _rewrite_from(2, _guessed_key_hmac, key_id="dev")
    # then: the HMAC of entry 2 gives it away
    result = audit_verify()
    assert (result.ok, result.bad_sequence, result.checked) == (False, 2, 1)
    assert result.reason == "its content does not match its hash"
    _verify_fails("broken at entry 2: its content does not match its hash")


def test_a_rewritten_tail_recomputed_as_unkeyed_legacy_entries_is_detected(user):
    # given
    _record(user, 4)
    # when: entry 2 is edited and entries 2-4 passed off as made before the log was keyed
    AuditEntry.objects.filter(sequence=2).update(verb="thing.forged")
    _rewrite_from(2, _plain_sha256, key_id="")
    # then: an unkeyed entry after a keyed one is refused
    result = audit_verify()
    assert (result.ok, result.bad_sequence) == (False, 2)
    assert "follows keyed entries" in result.reason


def test_a_whole_chain_recomputed_as_legacy_entries_is_detected_against_the_checkpoint(user):
    # given
    _record(user, 3)
    _checkpoint()
    # when: every entry is edited and recomputed as an unkeyed (pre-key) entry
    AuditEntry.objects.update(verb="thing.forged")
    _rewrite_from(1, _plain_sha256, key_id="")
    # then: a chain of legacy entries holds together, but entry 3 is not the anchored one
    assert audit_verify().ok
    _verify_fails("does not match its checkpoints: entry 3 differs from the checkpoint")


def test_deleting_every_entry_is_detected_against_the_checkpoint(user):
    # given
    _record(user, 3)
    _checkpoint()
    # when
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    # then
    assert audit_verify().ok
    _verify_fails(r"the chain ends at entry 0 but the checkpoint .* records entry 3")


def test_a_forged_checkpoint_line_is_reported(user, checkpoint_path):
    # given: an intact, anchored log
    _record(user, 3)
    _checkpoint()
    # when: someone appends a line claiming another hash (with the genuine line's MAC)
    genuine = json.loads(checkpoint_path.read_text().splitlines()[0])
    forged = {**genuine, "hash": "f" * 64}
    with checkpoint_path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    # then
    _verify_fails(r"checkpoint .*line 2 .* is forged or altered: its MAC does not match")


def test_a_damaged_checkpoint_line_is_reported(user, checkpoint_path):
    _record(user, 1)
    _checkpoint()
    with checkpoint_path.open("a") as handle:
        handle.write('{"sequence": 1}\n')
    _verify_fails(r"checkpoint .*line 2 .* cannot be read \(not a checkpoint")


def test_a_clean_chain_with_its_checkpoints_verifies(user, checkpoint_path, capsys):
    # given: entries and checkpoints interleaved
    _record(user, 3)
    _checkpoint()
    _record(user, 2)
    _checkpoint()
    _record(user, 1)
    capsys.readouterr()
    # when
    call_command("audit", "verify")
    # then
    assert capsys.readouterr().out.strip() == (
        f"audit log intact: 6 entries verified; 2 checkpoints from {checkpoint_path} and "
        "0 published checkpoints match"
    )
    assert [json.loads(line)["sequence"] for line in checkpoint_path.read_text().splitlines()] == [
        3,
        5,
    ]


def test_the_checkpoint_records_the_heads_hash_under_the_key(user, checkpoint_path):
    _record(user, 2)
    _checkpoint()
    line = json.loads(checkpoint_path.read_text())
    assert (line["sequence"], line["hash"], line["key_id"]) == (
        2,
        AuditEntry.objects.get(sequence=2).entry_hash,
        "dev",
    )
    assert compute_hash(AuditEntry.objects.get(sequence=2)) == line["hash"]
