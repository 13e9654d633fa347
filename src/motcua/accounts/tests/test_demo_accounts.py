"""Demo staff accounts of the embedded installation."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model

from motcua.core.demo import DEMO_ACCOUNTS, ROLES, create_demo_accounts

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_created_once_with_their_role_and_can_log_in():
    create_demo_accounts()
    create_demo_accounts()
    users = get_user_model().objects.filter(username__in=[u for u, _, _ in DEMO_ACCOUNTS])
    assert users.count() == len(DEMO_ACCOUNTS)
    clerk = users.get(username="motcua.lamdong")
    assert list(clerk.groups.values_list("name", flat=True)) == [ROLES["clerk"]]
    assert not clerk.is_superuser
    assert authenticate(username="motcua.lamdong", password="motcua-demo") == clerk
    assert users.get(username="quantri").is_superuser
