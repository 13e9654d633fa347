"""Every form that changes something carries Django's CSRF token, and CSRF is enforced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def test_every_post_form_in_the_templates_has_a_csrf_token():
    forms = []
    for path in TEMPLATES.rglob("*.html"):
        for form in FORM.findall(path.read_text(encoding="utf-8")):
            if re.search(r'method="post"', form, re.I):
                forms.append((path.relative_to(TEMPLATES), form))
    assert len(forms) > 20  # the scan found the site's forms
    missing = [str(path) for path, form in forms if "{% csrf_token %}" not in form]
    assert not missing, missing


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/tai-khoan/dang-nhap/", "/tai-khoan/dang-ky/", "/can-bo/dang-nhap/", "/tai-khoan/thay-mat/"],
)
def test_a_post_without_the_token_is_refused(path):
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"username": "x", "password": "y"})
    assert response.status_code == 403
