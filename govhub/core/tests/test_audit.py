from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from govhub.core.audit import audit_record, audit_verify, compute_hash
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
