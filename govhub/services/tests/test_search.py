from typing import Any

from govhub.core.api import search
from govhub.services import actions
from govhub.services.search import KIND


def _found(text: str, viewer: Any = None) -> list[int]:
    return [hit.object_id for hit in search(text, kinds=[KIND], viewer=viewer).hits]


def test_a_draft_is_found_only_by_its_agency(
    draft: Any, official: Any, other_official: Any
) -> None:
    # given a draft
    # when people search for it / then only its agency's people find it
    assert _found("birth", official) == [draft.pk]
    assert _found("birth", other_official) == []
    assert _found("birth") == []


def test_a_published_service_is_found_by_anyone_in_each_language(published: Any) -> None:
    assert _found("birth") == [published.pk]
    assert _found("рождении") == [published.pk]
    assert _found("تصدیق") == [published.pk]
    assert _found("certified copy") == [published.pk]


def test_a_withdrawn_service_leaves_the_index(published: Any, official: Any) -> None:
    # when the service is withdrawn
    actions.service_withdraw(actor=official, service_id=published.pk, reason="Gone")
    # then nobody finds it, its agency included
    assert _found("birth", official) == []
