"""The OAuth2/OIDC validator: VNeID-like claims, and id_token_hint verification across keys."""

from __future__ import annotations

import json

from jwcrypto import jws
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from motcua_eid.models import Citizen

# Claim -> the scope that releases it (openid, profile, vneid).
CLAIM_SCOPES = {
    "sub": "openid",
    "acr": "openid",
    "level": "openid",
    "account_type": "openid",
    "name": "profile",
    "family_name": "profile",
    "middle_name": "profile",
    "given_name": "profile",
    "birthdate": "profile",
    "gender": "profile",
    "pid": "vneid",
    "old_id": "vneid",
    "tax_code": "vneid",
    "phone_number": "vneid",
    "address": "vneid",
}


class EidOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    def get_additional_claims(self, request):
        user = request.user
        citizen = Citizen.objects.filter(pid=getattr(user, "username", None)).first()
        if citizen is None:
            return {}
        return citizen.claims()

    def validate_silent_login(self, request):
        """``prompt=none``: the views decide. An anonymous browser gets ``login_required`` from
        django-oauth-toolkit's ``handle_no_permission``; only a logged-in one gets this far."""
        return True

    def validate_silent_authorization(self, request):
        """``prompt=none`` needs no consent screen for clients registered with
        ``skip_authorization`` (the portal)."""
        return bool(getattr(request.client, "skip_authorization", False))

    def get_discovery_claims(self, request):
        return list(CLAIM_SCOPES)

    def _get_key_for_token(self, token):
        """Pick the signing key by the token's ``kid`` among the active and retired keys.

        The default only knows the active key, so an id_token_hint issued before a key rotation
        would be refused at logout.
        """
        unverified = jws.JWS()
        unverified.deserialize(token)
        claims = json.loads(unverified.objects["payload"].decode("utf-8"))
        if "aud" not in claims:
            return None
        application = self._get_client_by_audience(claims["aud"])
        if application is None:
            return None
        if application.algorithm != application.RS256_ALGORITHM:
            return application.jwk_key
        kid = unverified.jose_header.get("kid")
        pems = [
            oauth2_settings.OIDC_RSA_PRIVATE_KEY,
            *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE,
        ]
        for pem in pems:
            if pem:
                key = jwk_from_pem(pem)
                if kid is None or key.thumbprint() == kid:
                    return key
        return None
