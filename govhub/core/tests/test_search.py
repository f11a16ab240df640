"""Search: one index, the same answers on SQLite (FTS5) and PostgreSQL (tsvector, GIN)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from govhub.core.search import (
    SearchDocument,
    query,
    search,
    search_delete,
    search_filter,
    search_index_bulk,
    search_put,
    search_reindex,
)
from govhub.core.search.models import SearchEntry
from govhub.core.search.text import fold, terms
from govhub.organisations.models import Organisation
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
KIND = "tests.thing"
ON_POSTGRES = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="stemming is PostgreSQL's"
)
HOSTILE = [
    '"',
    "'",
    "''''",
    'NEAR("a" "b")',
    "NEAR(",
    "a OR b NOT c AND",
    "title : x",
    "^start*",
    "a:*B & !c | (d",
    "\\x\\",
    "'; DROP TABLE core_searchentry; --",
    "Min\x00istry",
    "\x00",
    "x" * 10_000,
    "word " * 2_000,
    "ab" * 5_000 + " " + "🙂" * 50,
    "%_%",
    "\u200c\u064b",
]


def put(object_id: int, title: str, body: str = "", *, language: str = "", org=None) -> None:
    body_texts = {language: body} if body else {}
    search_put(KIND, SearchDocument(object_id, {language: title}, body_texts, org))


def found(text: str, **kwargs) -> list[int]:
    return [hit.object_id for hit in search(text, kinds=[KIND], **kwargs).hits]


def test_a_title_match_outranks_a_body_match():
    # given
    put(1, "Rural clinics plan", "Care in villages")
    put(2, "Village care plan", "Rural clinics in every district")
    # when / then
    assert found("clinics") == [1, 2]
    assert found("village") == [2, 1]


def test_every_word_must_match_and_the_last_is_a_prefix():
    # given
    put(1, "Ministry of Public Health")
    put(2, "Ministry of Finance")
    put(3, "Public Broadcasting Board")
    # when / then
    assert sorted(found("minist")) == [1, 2]
    assert found("public minis") == [1]
    assert found("ministry healt") == [1]
    assert found("health ministryx") == []


def test_any_language_of_an_object_matches():
    # given: a name in English, Russian and Dari
    search_put(
        KIND,
        SearchDocument(
            7,
            {"": "Ministry of Education", "ru": "Министерство образования", "fa-af": "وزارت معارف"},
        ),
    )
    # when / then
    assert found("education") == [7]
    assert found("образования") == [7]
    assert found("معارف") == [7]  # Dari, by the exact word
    assert found("وزارت") == [7]


def test_dari_text_is_found_by_exact_word_with_arabic_letters_and_vowel_marks():
    # given: Persian yeh and kaf in the index
    put(1, "ریاست کار و امور اجتماعی", language="fa-af")
    # when / then: typed with Arabic yeh and kaf, or with a vowel mark
    assert found("كار") == [1]
    assert found("اجتماعي") == [1]
    assert found("کَار") == [1]
    assert found("ریاست امور") == [1]


@ON_POSTGRES
def test_russian_words_are_found_in_other_forms_on_postgresql():
    # given
    put(1, "Министерство здравоохранения", language="ru")
    # when / then: the genitive finds the nominative, by Russian stemming
    assert found("министерства") == [1]
    assert found("здравоохранению") == [1]


@ON_POSTGRES
def test_english_words_are_found_in_other_forms_on_postgresql():
    put(1, "Ministries of the interior", language="en")
    assert found("ministry") == [1]


def test_latin_accents_are_ignored():
    put(1, "Café São Paulo")
    assert found("cafe sao") == [1]
    assert found("CAFÉ") == [1]


def test_private_objects_are_found_only_by_their_organisation():
    # given
    own, other = OrganisationFactory(), OrganisationFactory()
    member = MembershipFactory(organisation=own).user
    outsider = MembershipFactory(organisation=other).user
    put(1, "Budget draft", org=own.pk)
    put(2, "Budget summary")
    # when / then
    assert found("budget", viewer=member) == [1, 2]
    assert found("budget", viewer=outsider) == [2]
    assert found("budget") == [2]


def test_the_index_follows_a_rename_and_a_delete():
    # given
    put(1, "Old name")
    # when
    put(1, "New name")
    # then
    assert found("old") == []
    assert found("new") == [1]
    assert SearchEntry.objects.filter(kind=KIND).count() == 1
    # when
    search_delete(KIND, 1)
    # then
    assert found("new") == []
    assert SearchEntry.objects.count() == 0


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_fails(text):
    # given
    put(1, "Ministry of Health")
    org = OrganisationFactory(name="Ministry of Health")
    organisations = Organisation.objects.all()
    # when
    page = search(text, kinds=[KIND], snippets=True, cursor=text)
    kind = "organisations.organisation"
    filtered = list(search_filter(organisations, text, kind=kind, titles_only=True))
    # then: only letters and digits are searched
    expected = terms(text) == ["Ministry"]
    assert [h.object_id for h in page.hits] == ([1] if expected else [])
    assert filtered == ([org] if expected else [])


@pytest.mark.parametrize("few", [1000, 1])
def test_a_list_filter_keeps_its_own_order_with_few_or_many_matches(monkeypatch, few):
    # given: more matches than `few` takes the subquery path
    monkeypatch.setattr(query, "FEW", few)
    for name in ("Water Board", "Clean Water Union", "Water Users Association", "Roads Office"):
        OrganisationFactory(name=name)
    organisations = Organisation.objects.order_by("name")
    # when
    filtered = search_filter(organisations, "wat", kind="organisations.organisation")
    # then
    assert [o.name for o in filtered] == [
        "Clean Water Union",
        "Water Board",
        "Water Users Association",
    ]


def test_a_nul_inside_a_word_is_dropped():
    put(1, "Ministry of Health")
    assert found("Mini\x00stry") == [1]


def test_pages_follow_the_cursor_without_repeats_or_gaps():
    # given: equal ranks, so the order falls back to the entry
    search_index_bulk(KIND, (SearchDocument(n, {"": f"Plan {n}"}) for n in range(1, 8)))
    # when
    seen, cursor = [], ""
    for _ in range(5):
        page = search("plan", kinds=[KIND], limit=3, cursor=cursor)
        seen += [h.object_id for h in page.hits]
        cursor = page.next_cursor
        if not cursor:
            break
    # then
    assert sorted(seen) == list(range(1, 8))
    assert len(seen) == 7


@pytest.mark.parametrize("cursor", ["junk", "0x1p+0_99999999999999999999", "0xzz_1", "inf_1"])
def test_a_malformed_cursor_gives_the_first_page(cursor):
    put(1, "Plan")
    assert found("plan", cursor=cursor) == [1]


def test_snippets_mark_the_matched_words_and_escape_the_rest():
    # given
    put(1, "Roads <b>&</b> bridges", "Repair of rural roads")
    # when
    hit = search("bridges", kinds=[KIND], snippets=True).hits[0]
    # then
    assert "<mark>bridges</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html


def test_only_the_asked_kinds_are_searched():
    put(1, "Water plan")
    search_put("tests.other", SearchDocument(1, {"": "Water board"}))
    assert [(h.kind, h.object_id) for h in search("water", kinds=["tests.other"]).hits] == [
        ("tests.other", 1)
    ]
    assert search("water", kinds=[]).hits == []


def test_reindex_rebuilds_a_kind_from_its_objects():
    # given: an organisation, and a stale entry of its kind
    org = OrganisationFactory(name="Harbour Authority", indexed=False)
    search_put("organisations.organisation", SearchDocument(10**9, {"": "Stale"}))
    # when
    counts = search_reindex("organisations.organisation")
    # then
    assert counts == {"organisations.organisation": 1}
    hits = search("harbour", kinds=["organisations.organisation"]).hits
    assert [h.object_id for h in hits] == [org.pk]
    assert search("stale", kinds=["organisations.organisation"]).hits == []


def test_the_reindex_command_names_what_it_did_and_refuses_an_unknown_kind():
    OrganisationFactory(name="Harbour Authority", indexed=False)
    out = io.StringIO()
    call_command("search", "reindex", "--kind", "organisations.organisation", stdout=out)
    assert out.getvalue() == "organisations.organisation: 1 indexed\n"
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("search", "reindex", "--kind", "nothing.here")


def test_folding_keeps_cyrillic_letters_and_splits_at_the_zero_width_non_joiner():
    assert fold("Ёлка й") == "Ёлка й"
    assert fold("naïve\x00") == "naive"
    assert terms("می\u200cشود") == ["می", "شود"]
    assert terms("a_b-c") == ["a", "b", "c"]
    assert len(terms("w " * 100)) == 16


def test_the_full_text_part_exists_for_this_database():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            assert "core_search_fts" in tables
        else:
            columns = connection.introspection.get_table_description(cursor, "core_searchentry")
            assert "vector" in {c.name for c in columns}
