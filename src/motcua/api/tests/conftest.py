"""Client systems for the API's tests: one reaching a commune People's Committee of Lâm Đồng
and the provincial centre (with sub-units), with every scope, and its credentials."""

from __future__ import annotations

import base64

import pytest

from motcua.api import services
from motcua.api.models import ClientAgency, Scope
from motcua.units.models import Agency

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.fixture
def place():
    """The commune where the birth registration is filed, and another province's committee."""
    from motcua.units.models import Commune

    here = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by("code")
    committee = here.first()
    elsewhere = (
        Agency.objects.filter(kind="commune_committee", code__endswith=".H37").order_by("code")
    ).first()
    commune = committee.commune or Commune.objects.filter(province__qcvn_code="H36").first()
    return {"here": committee, "elsewhere": elsewhere, "commune": commune}


def make_client(*agencies, scopes=tuple(Scope.values), include_subunits=True, name="Hệ thống A"):
    client = services.create_client(name=name, scopes=list(scopes))
    for agency in agencies:
        ClientAgency.objects.create(client=client, agency=agency, include_subunits=include_subunits)
    return client


@pytest.fixture
def client_system(place):
    return make_client(place["here"])


@pytest.fixture
def api_key(client_system):
    key, _row = services.issue_api_key(client_system)
    return key


@pytest.fixture
def api(client, api_key):
    """Django's test client sending the API key with every request."""
    client.defaults["HTTP_X_API_KEY"] = api_key
    return client
