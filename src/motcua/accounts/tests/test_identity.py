"""People and identity numbers: validation, history of re-issued numbers, conflicts, communes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from motcua.accounts import services
from motcua.accounts.eid.base import EidError, EidIdentity
from motcua.accounts.eid.registry import check_config
from motcua.accounts.models import IdentityDocument, Person, is_valid_old_id, is_valid_pid
from motcua.accounts.selectors import describe_source
from motcua.units.models import Commune, CommuneSuccession

ASCII_DIGITS = "0123456789"


def identity(**overrides) -> EidIdentity:
    values = {
        "subject": "sub-1",
        "level": 2,
        "pid": "079086001234",
        "old_id": "025123456",
        "tax_code": "079086001234",
        "full_name": "Nguyễn Văn An",
        "birth_date": date(1986, 4, 17),
        "sex": "male",
        "phone": "0901234567",
        "address_text": "Số 1, đường Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh",
        "commune_code": "",
    }
    values.update(overrides)
    return EidIdentity(**values)


# --- Number validation (property tests) ------------------------------------------------------


@given(st.text(alphabet=ASCII_DIGITS, min_size=12, max_size=12))
def test_any_twelve_digits_are_a_valid_personal_number(number):
    assert is_valid_pid(number)
    IdentityDocument(kind="pid", number=number).clean()


@given(st.text())
def test_anything_else_is_not_a_personal_number(text):
    if re.fullmatch(r"[0-9]{12}", text, flags=re.ASCII):
        return
    assert not is_valid_pid(text)
    with pytest.raises(ValidationError):
        IdentityDocument(kind="pid", number=text).clean()


@given(
    st.one_of(
        st.text(alphabet=ASCII_DIGITS, min_size=0, max_size=11),
        st.text(alphabet=ASCII_DIGITS, min_size=13, max_size=20),
        st.text(alphabet=ASCII_DIGITS, min_size=12, max_size=12).map(lambda s: s + "\n"),
        st.text(alphabet=ASCII_DIGITS, min_size=12, max_size=12).map(lambda s: " " + s),
        # Digits of other scripts are digits to \d, but not a personal number.
        st.text(alphabet="٠١٢٣٤٥٦٧٨٩০১২৩৪৫৬৭৮৯０１２３４５６７８９", min_size=12, max_size=12),
    )
)
def test_near_misses_are_refused(text):
    assert not is_valid_pid(text)


@given(st.text(alphabet=ASCII_DIGITS, min_size=9, max_size=9))
def test_nine_digits_are_an_old_id_and_not_a_personal_number(number):
    assert is_valid_old_id(number)
    assert not is_valid_pid(number)
    IdentityDocument(kind="old_id", number=number).clean()


# --- Services --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_login_creates_a_person_with_provenance():
    user = services.login_with_eid(identity())
    person = user.person
    assert person.full_name == "Nguyễn Văn An"
    assert person.assurance_level == 2
    for attribute in ("full_name", "birth_date", "sex", "phone", "tax_code", "pid", "old_id"):
        assert person.provenance[attribute]["source"] == "vneid"
        assert person.provenance[attribute]["level"] == 2
    kinds = sorted(person.documents.values_list("kind", "number"))
    assert kinds == [("old_id", "025123456"), ("pid", "079086001234")]
    assert describe_source(person.provenance["full_name"]).startswith(
        "Đã xác thực qua VNeID mức 2, lúc "
    )


@pytest.mark.django_db
def test_a_new_number_for_the_same_subject_keeps_the_old_one_in_history():
    services.login_with_eid(identity())
    user = services.login_with_eid(identity(pid="079086009999"))
    documents = IdentityDocument.objects.filter(person=user.person, kind="pid")
    assert documents.count() == 2
    active = documents.get(is_active=True)
    old = documents.get(is_active=False)
    assert active.number == "079086009999"
    assert old.number == "079086001234"
    assert old.valid_to is not None
    assert old.valid_to >= old.valid_from
    # The old number, now free, may be issued to someone else.
    other = services.login_with_eid(identity(subject="sub-2", pid="079086001234", old_id=None))
    assert other.person.active_pid.number == "079086001234"
    assert IdentityDocument.objects.filter(number="079086001234").count() == 2


@pytest.mark.django_db
def test_an_active_number_of_another_subject_is_refused():
    services.login_with_eid(identity())
    with pytest.raises(EidError) as caught:
        services.login_with_eid(identity(subject="sub-2", full_name="Người khác"))
    assert caught.value.code == "identity_conflict"
    assert Person.objects.count() == 1
    assert Person.objects.get().full_name == "Nguyễn Văn An"


@pytest.mark.django_db
def test_the_database_allows_one_active_number_only():
    person = services.login_with_eid(identity()).person
    other = services.login_with_eid(identity(subject="sub-2", pid="001090000001", old_id=None))
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentityDocument.objects.create(
            person=other.person, kind="pid", number="079086001234", is_active=True
        )
    # Inactive copies of the number (history) are allowed.
    IdentityDocument.objects.create(
        person=person,
        kind="pid",
        number="079086001234",
        is_active=False,
        valid_to=person.created_at,
    )


@pytest.mark.django_db
def test_a_person_known_without_e_id_is_linked_on_first_login(django_user_model):
    user = django_user_model.objects.create(username="desk-1")
    person = Person.objects.create(user=user, full_name="Nguyễn Văn An")
    IdentityDocument.objects.create(person=person, kind="pid", number="079086001234")
    logged = services.login_with_eid(identity())
    assert logged == user
    assert Person.objects.get().eid_subject == "sub-1"


@pytest.mark.django_db
def test_a_missing_attribute_keeps_its_previous_value():
    services.login_with_eid(identity())
    person = services.login_with_eid(identity(phone="", level=1)).person
    assert person.phone == "0901234567"
    assert person.provenance["phone"]["level"] == 2
    assert person.provenance["full_name"]["level"] == 1
    assert person.assurance_level == 1


@pytest.mark.django_db
def test_refresh_refuses_another_subject():
    person = services.login_with_eid(identity()).person
    with pytest.raises(EidError, match="wrong_account"):
        services.refresh_verified_attributes(person, identity(subject="sub-2"))


@pytest.mark.django_db
def test_a_current_commune_code_is_used_as_is():
    commune = Commune.objects.order_by("code").first()
    person = services.login_with_eid(identity(commune_code=commune.code)).person
    assert person.commune == commune
    assert "mapped_from" not in person.provenance["commune"]


@pytest.mark.django_db
def test_a_pre_2025_commune_code_is_mapped_to_its_successor():
    current = Commune.objects.values_list("code", flat=True)
    succession = (
        CommuneSuccession.objects.filter(is_default=True)
        .exclude(legacy__code__in=current)
        .select_related("legacy", "commune")
        .first()
    )
    assert succession is not None, "the units import should provide the pre-2025 mapping"
    person = services.login_with_eid(identity(commune_code=succession.legacy.code)).person
    assert person.commune == succession.commune
    assert person.provenance["commune"]["mapped_from"] == succession.legacy.code
    assert "đã chuyển sang đơn vị hành chính mới" in describe_source(person.provenance["commune"])


@pytest.mark.django_db
def test_an_unknown_commune_code_is_left_empty():
    person = services.login_with_eid(identity(commune_code="99999")).person
    assert person.commune is None
    assert "commune" not in person.provenance


# --- Configuration ---------------------------------------------------------------------------


def test_check_config_reports_a_missing_discovery_url(settings):
    settings.MOTCUA_EID_DISCOVERY_URL = ""
    problems = check_config()
    assert any("MOTCUA_EID_DISCOVERY_URL" in problem for problem in problems)


def test_check_config_is_clean_by_default_and_strict_in_production(settings):
    assert check_config() == []
    settings.MOTCUA_ENV = "production"
    problems = " ".join(check_config())
    assert "https" in problems
    assert "development secret" in problems


def test_check_config_reports_an_unknown_provider_and_bad_levels(settings):
    settings.MOTCUA_EID_ACR_LEVELS = {"urn:x": 3}
    assert any("ACR_LEVELS" in p for p in check_config())
    settings.MOTCUA_EID_PROVIDER = "nope"
    assert check_config() == [
        "MOTCUA_EID_PROVIDER='nope' is not a known provider (oidc)",
    ]


def test_system_check_shows_e_id_problems(settings):
    from django.core import checks

    settings.MOTCUA_EID_DISCOVERY_URL = ""
    messages = [m for m in checks.run_checks() if m.id == "motcua.accounts.W001"]
    assert messages
    assert "MOTCUA_EID_DISCOVERY_URL" in messages[0].msg


def test_identity_repr_keeps_personal_data_out_of_logs():
    text = repr(identity())
    assert "079086001234" not in text
    assert "Nguyễn" not in text


@pytest.mark.django_db
def test_system_admins_see_people_in_the_admin_with_masked_numbers(client):
    from tests.fixtures.accounts import login_staff, make_staff

    login_staff(client, make_staff("system_admin", None))
    admin_client = client
    person = services.login_with_eid(identity()).person
    listing = admin_client.get("/quan-tri/accounts/person/")
    assert listing.status_code == 200
    page = admin_client.get(f"/quan-tri/accounts/person/{person.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "••••••••1234" in html
    assert "079086001234" not in html
