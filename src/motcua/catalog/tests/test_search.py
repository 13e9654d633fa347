"""Search behaviour on the real catalogue, the same on PostgreSQL and SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog.search import search_procedures
from motcua.catalog.search.query import Vocabulary, analyse, damerau_levenshtein
from motcua.catalog.selectors import Filters, list_entries
from motcua.core.text import fold

GOLDEN = Path(__file__).parent / "data" / "ranking_golden.json"

pytestmark = pytest.mark.django_db


def top_codes(query: str, n: int = 5) -> list[str]:
    from motcua.catalog.models import Procedure

    ids = search_procedures(query).procedure_ids[:n]
    codes = dict(Procedure.objects.filter(id__in=ids).values_list("id", "code"))
    return [codes[i] for i in ids]


def test_unaccented_query_finds_the_accented_procedure():
    assert top_codes("dang ky khai sinh")[0] == "1.001193"


def test_accented_and_unaccented_queries_agree_on_the_best_answer():
    assert top_codes("đăng ký kết hôn")[0] == top_codes("dang ky ket hon")[0] == "1.000894"


def test_the_plain_procedure_ranks_before_its_longer_variants():
    from motcua.catalog.models import Procedure

    codes = top_codes("đăng ký khai sinh", 5)
    assert codes[0] == "1.001193"
    names = Procedure.objects.filter(code__in=codes[1:]).values_list("name", flat=True)
    assert all("khai sinh" in name.lower() for name in names)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dang kys ket hon", "1.000894"),
        ("dang ky khai snh", "1.001193"),
        ("dangky khai sinh", "1.001193"),
        ("cấp lạu thẻ căn cươc", "1.014064"),
    ],
)
def test_typing_mistakes_are_forgiven(typed, expected):
    assert expected in top_codes(typed, 5)


def test_question_wording_is_understood():
    codes = top_codes("tôi muốn làm lại căn cước thì cần giấy tờ gì")
    assert set(codes[:4]) & {"1.014064", "2.001194", "1.000757"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("làm lại CCCD", {"1.014064", "2.001194", "1.000757"}),
        ("cap lai bang lai xe", {"3.000348"}),
        ("đổi bằng lái", {"3.000347"}),
    ],
)
def test_common_synonyms_find_the_official_name(typed, expected):
    assert set(top_codes(typed, 5)) & expected


def test_a_national_code_finds_its_procedure_and_its_listings():
    page = list_entries("1.001193", Filters(), 10, 0)
    assert {e.procedure.code for e in page.entries} == {"1.001193"}
    assert {e.code for e in page.entries} >= {"1.001193", "1.001193.000.00.00.H36"}


def test_a_local_code_puts_its_own_listing_first():
    page = list_entries("thủ tục 1.001193.000.00.00.H37", Filters(), 10, 0)
    assert page.entries[0].code == "1.001193.000.00.00.H37"


def test_an_empty_query_lists_the_whole_catalogue_in_name_order():
    page = list_entries("", Filters(), 20, 0)
    assert page.count >= 5500
    keys = [e.sort_key for e in page.entries]
    assert keys == sorted(keys)


def test_the_province_filter_keeps_that_provinces_listings_and_national_local_procedures():
    page = list_entries("đăng ký khai sinh", Filters(province="H36"), 50, 0)
    provinces = {e.province.qcvn_code for e in page.entries if e.province}
    assert provinces == {"H36"}
    assert page.entries[0].code.endswith(".H36")


def test_the_fully_online_filter_keeps_only_fully_online_listings():
    page = list_entries("", Filters(online_only=True), 50, 0)
    assert page.count > 0
    assert {e.online_level for e in page.entries} == {"full"}


def test_pages_do_not_overlap_and_add_up_to_the_count():
    first = list_entries("giấy phép", Filters(), 20, 0)
    second = list_entries("giấy phép", Filters(), 20, 20)
    assert first.count == second.count > 40
    assert not {e.id for e in first.entries} & {e.id for e in second.entries}


def test_a_query_of_nothing_but_noise_returns_nothing_rather_than_everything():
    assert list_entries("zzzzqqq xxxyyy", Filters(), 10, 0).count == 0


def test_ranking_is_the_same_on_every_database():
    """The recorded order was produced on SQLite; PostgreSQL must give the same one."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    differences = {
        query: (expected, actual)
        for query, expected in golden.items()
        if (actual := top_codes(query, 5)) != expected
    }
    assert not differences, f"{connection.vendor}: {differences}"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_unaccent_folds_like_python():
    letters = (
        "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
    )
    text = letters + " " + letters.upper()
    with connection.cursor() as cursor:
        cursor.execute("SELECT motcua_unaccent(%s)", [text])
        assert cursor.fetchone()[0] == fold(text)


def test_stop_words_are_kept_when_they_are_part_of_a_phrase():
    vocabulary = Vocabulary(["cap lai the can cuoc", "dang ky khai sinh"])
    groups = [g.typed for g in analyse("can cuoc", vocabulary=vocabulary).groups]
    assert groups == ["can", "cuoc"]
    groups = [g.typed for g in analyse("tôi cần đăng ký khai sinh", vocabulary=vocabulary).groups]
    assert groups == ["đăng", "ký", "khai", "sinh"]


def test_codes_are_recognised_in_a_query():
    assert analyse("thủ tục 1.004222 ở đâu").codes == ["1.004222"]
    assert analyse("1.003695.000.00.00.h36").codes == ["1.003695.000.00.00.H36"]


@given(st.text(max_size=120))
@settings(max_examples=200, deadline=None)
def test_query_analysis_never_fails_and_only_emits_index_words(text):
    query = analyse(text, vocabulary=Vocabulary(["dang ky khai sinh"]))
    for token in query.tokens():
        assert token.isascii()
        assert token.isalnum()


@given(st.text(alphabet="abcdeghiklmnopqrstuvxy", min_size=1, max_size=12), st.data())
@settings(max_examples=200, deadline=None)
def test_edit_distance_of_one_change_is_at_most_one(word, data):
    index = data.draw(st.integers(min_value=0, max_value=len(word) - 1))
    changed = word[:index] + word[index + 1 :]
    assert damerau_levenshtein(word, changed) <= 1
    assert damerau_levenshtein(word, word) == 0
