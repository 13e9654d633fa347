"""The demo e-ID provider fixture (``eid_provider``), shared with the relying-party tests."""

from tests.fixtures.eid import *  # noqa: F403
