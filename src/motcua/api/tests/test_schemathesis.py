"""The API against its own committed schema: schemathesis generates requests for every
operation from docs/api/openapi.yaml and sends them over HTTP to a live server, with a valid
API key of a client holding every scope (so the authenticated operations are exercised past
their authentication), and checks that no answer is a server error or strays from the schema.

The server runs in a thread of the test process on the test's own database connection (as
Django's live server does for in-memory SQLite), so that the rows the test made — the client
and a dossier to look up — are visible to it and rolled back after it, on PostgreSQL too.
Bounded: a few dozen examples per operation, about a minute in all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import close_old_connections, connections
from django.test.testcases import (
    LiveServerThread,
    QuietWSGIRequestHandler,
    _MediaFilesHandler,
    _StaticFilesHandler,
)
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from tests.fixtures.dossiers import dossier_in

from motcua.api import services
from motcua.dossiers import workflow

from .conftest import make_client

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


class _SharedConnectionServer(ThreadedWSGIServer):
    def _close_connections(self):
        """The test's connection stays open between requests (its transaction holds the
        data)."""


class _Thread(LiveServerThread):
    server_class = _SharedConnectionServer

    def run(self):
        for alias, conn in self.connections_override.items():
            connections[alias] = conn
        try:
            handler = self.static_handler(_MediaFilesHandler(WSGIHandler()))
            self.httpd = self.server_class(
                (self.host, self.port),
                QuietWSGIRequestHandler,
                allow_reuse_address=False,
                connections_override=self.connections_override,
            )
            self.port = self.httpd.server_address[1]
            self.httpd.set_app(handler)
            self.is_ready.set()
            self.httpd.serve_forever()
        except Exception as error:  # shown by the fixture
            self.error = error
            self.is_ready.set()


@pytest.fixture
def live_api(db):
    """Base URL of a live server sharing the test's database connection."""
    connection = connections["default"]
    connection.inc_thread_sharing()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    thread = _Thread("127.0.0.1", _StaticFilesHandler, {"default": connection}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


@pytest.fixture
def credentials(settings):
    from motcua.units.models import Agency

    settings.MOTCUA_API_RATE_PER_MINUTE = 100_000  # the run itself must not be throttled
    settings.MOTCUA_API_ANON_RATE_PER_MINUTE = 100_000
    here = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").first()
    client = make_client(here)
    key, _row = services.issue_api_key(client)
    dossier_in(workflow.SUPPLEMENT, here=here, owner=client.user)
    return {"X-API-Key": key}


schema = schemathesis.openapi.from_path(str(SCHEMA_FILE))


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error_or_strays_from_the_schema(case, live_api, credentials):
    # A request valid by the schema may still name a procedure or place that does not exist:
    # a 400 for it is right, so "schema-valid data must be accepted" is not asked.
    case.call_and_validate(
        base_url=live_api,
        headers=credentials,
        timeout=30,
        excluded_checks=[positive_data_acceptance],
    )
