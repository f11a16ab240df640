"""The shared test helpers: `assert_nothing_written` catches every kind of write."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from govhub.core.testing import assert_nothing_written

pytestmark = pytest.mark.django_db


def test_nothing_written_passes_when_the_block_only_reads():
    # given
    Group.objects.create(name="readers")
    # when / then: no AssertionError
    with assert_nothing_written():
        assert Group.objects.count() == 1
    with assert_nothing_written(Group):
        assert Group.objects.get().name == "readers"


def test_nothing_written_over_every_table_catches_a_new_row():
    # when
    with pytest.raises(AssertionError) as caught, assert_nothing_written():
        Group.objects.create(name="added")
    # then
    assert "auth.Group" in str(caught.value)


def test_nothing_written_catches_a_deleted_row():
    # given
    group = Group.objects.create(name="gone")
    # when
    with pytest.raises(AssertionError) as caught, assert_nothing_written():
        group.delete()
    # then
    assert "auth.Group" in str(caught.value)


def test_nothing_written_to_named_tables_catches_a_changed_row():
    # given: a change that keeps the row count
    group = Group.objects.create(name="before")
    # when
    with pytest.raises(AssertionError) as caught, assert_nothing_written(Group):
        Group.objects.filter(pk=group.pk).update(name="after")
    # then
    assert str(caught.value).startswith("written to auth.Group ")
