"""``motcua-eid bootstrap``: everything the demo provider needs, idempotently.

1. migrate the database;
2. create the RSA signing key in EID_VAR_DIR if missing;
3. seed the synthetic citizens;
4. create or update the relying party (the portal) as a confidential client.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model

from motcua_eid import keys
from motcua_eid.citizens import seed


class Command(BaseCommand):
    help = "Migrate, create the signing key, seed the synthetic citizens and register the portal."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))

        if keys.ensure_active_key(settings.VAR_DIR):
            self.stdout.write(f"Created the signing key in {settings.VAR_DIR}")
        keys.refresh(force=True)

        created, updated, removed = seed(settings.EID_WARDS_CSV)
        self.stdout.write(
            f"Synthetic citizens: {created} created, {updated} up to date, {removed} removed"
        )

        Application = get_application_model()
        app = Application.objects.filter(client_id=settings.EID_CLIENT_ID).first()
        if app is None:
            app = Application(client_id=settings.EID_CLIENT_ID)
        app.name = "Cổng dịch vụ công (motcua)"
        app.client_type = Application.CLIENT_CONFIDENTIAL
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        # Stored as given (not hashed): a demo secret that lives in the environment anyway, and
        # no password-hash cost on every token request.
        app.hash_client_secret = False
        app.client_secret = settings.EID_CLIENT_SECRET
        app.algorithm = Application.RS256_ALGORITHM
        app.skip_authorization = True
        app.redirect_uris = " ".join(settings.EID_REDIRECT_URIS)
        app.post_logout_redirect_uris = " ".join(settings.EID_POST_LOGOUT_REDIRECT_URIS)
        app.full_clean()
        app.save()
        self.stdout.write(
            f"Client {app.client_id}: redirect URIs {app.redirect_uris}; "
            f"post-logout URIs {app.post_logout_redirect_uris}"
        )
        self.stdout.write(f"Issuer {settings.EID_ISSUER}")
