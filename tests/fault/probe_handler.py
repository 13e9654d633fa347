"""The outbox subscriber of the fault-injection tests: posts each ``probe.*`` event to the
probe receiver (``MOTCUA_PROBE_URL``) with the event id as idempotency key."""

from __future__ import annotations

import os

import requests

from motcua.core.outbox import handler


@handler("probe.*", name="probe")
def post_to_probe(event) -> None:
    response = requests.post(
        os.environ["MOTCUA_PROBE_URL"],
        json={"aggregate": event.aggregate_id, "n": event.payload["n"]},
        headers={"Idempotency-Key": str(event.id)},
        timeout=90,
    )
    response.raise_for_status()
