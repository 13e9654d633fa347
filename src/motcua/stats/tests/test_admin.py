"""The indicator sets are edited by system administrators only, and each change is audited;
the classification bands say they are unconfirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.fixtures.accounts import login_staff, make_staff

from motcua.core.models import AuditEntry
from motcua.stats.models import IndicatorSet

pytestmark = pytest.mark.django_db


def test_only_system_administrators_reach_the_indicator_sets(client):
    chosen = IndicatorSet.objects.get(code="qd766", version=1)
    url = reverse("admin:stats_indicatorset_change", args=[chosen.pk])
    login_staff(client, make_staff("leader", "000.00.00.H36"))
    assert client.get(url).status_code in (302, 403)
    login_staff(client, make_staff("system_admin", None))
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "chưa được xác nhận chính thức" in text
    assert "Giải quyết hồ sơ trước hạn, đúng hạn" in text


def test_a_change_of_the_bands_is_audited(client):
    chosen = IndicatorSet.objects.get(code="qd766", version=1)
    login_staff(client, make_staff("system_admin", None))
    url = reverse("admin:stats_indicatorset_change", args=[chosen.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["bands"] = '[{"min": 85, "label": "Xuất sắc"}, {"min": 0, "label": "Chưa đạt"}]'
    data["valid_from"] = chosen.valid_from.strftime("%Y-%m-%d")
    inline = client.get(url).context["inline_admin_formsets"][0].formset
    data.update({f"{inline.prefix}-TOTAL_FORMS": "0", f"{inline.prefix}-INITIAL_FORMS": "0"})
    data.update({f"{inline.prefix}-MIN_NUM_FORMS": "0", f"{inline.prefix}-MAX_NUM_FORMS": "1000"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    chosen.refresh_from_db()
    assert chosen.bands[0]["min"] == 85
    assert AuditEntry.objects.filter(action="stats_indicator_set_saved").exists()
