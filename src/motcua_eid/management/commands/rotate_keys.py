"""``motcua-eid rotate_keys``: retire the active signing key and create a new one.

The retired key stays in the JWKS (tokens it signed remain verifiable); new id_tokens are signed
with the new key. A running server picks the change up on its next request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua_eid import keys


class Command(BaseCommand):
    help = "Rotate the id_token signing key (the old key stays published in the JWKS)."

    def handle(self, *args, **options):
        retired, active = keys.rotate(settings.VAR_DIR)
        old_kid = keys.kid_of(retired.read_text())
        new_kid = keys.kid_of(active.read_text())
        self.stdout.write(f"Retired key {old_kid} ({retired.name}); active key {new_kid}")
