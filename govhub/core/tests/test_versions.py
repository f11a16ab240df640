from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from govhub.core.versions import versions_bump, versions_read

pytestmark = pytest.mark.django_db


def test_names_never_bumped_read_as_zero_in_one_query():
    with CaptureQueriesContext(connection) as queries:
        assert versions_read("a", "b") == "0,0"
    assert len(queries.captured_queries) == 1


def test_a_bump_counts_up_each_name_once(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        versions_bump("a")
    # when: a write bumps two names, one of them twice
    with django_capture_on_commit_callbacks(execute=True):
        versions_bump("a", "b", "a")
    # then
    assert versions_read("a", "b", "c") == "2,1,0"


def test_a_bump_waits_for_the_commit_and_is_dropped_on_rollback(
    django_capture_on_commit_callbacks,
):
    # given: a bump inside a transaction that rolls back
    def write_that_fails() -> None:
        with transaction.atomic():
            versions_bump("a")
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        write_that_fails()
    # then: nothing changed
    assert versions_read("a") == "0"
    # when: one inside a transaction that commits
    with django_capture_on_commit_callbacks(execute=False) as pending:
        versions_bump("a")
        assert versions_read("a") == "0"  # not before the commit
    for callback in pending:
        callback()
    # then
    assert versions_read("a") == "1"
