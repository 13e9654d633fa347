"""How the OpenAPI schema describes the two ways to authenticate (drf-spectacular)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "motcua.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "Khóa API do quản trị hệ thống cấp / an API key from the "
            "system administrators (also accepted as `Authorization: ApiKey <key>`).",
        }


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "motcua.api.auth.BearerAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "OAuth2 client credentials: POST /api/v1/oauth/token.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token",
                    "scopes": {
                        "procedures:read": "Đọc danh mục thủ tục / read the catalogue",
                        "dossiers:read": "Tra cứu hồ sơ / look up dossiers",
                        "dossiers:write": "Nộp hồ sơ / file dossiers",
                        "supplements:write": "Gửi bổ sung / send supplements",
                        "webhooks:manage": "Quản lý webhook / manage webhooks",
                    },
                }
            },
        }


class ClientAutoSchema(AutoSchema):
    """Each operation's security: the scope its method needs, or none (public)."""

    def get_auth(self):
        needed = getattr(self.view, "required_scopes", {}).get(self.method)
        if needed is None:
            return [{"apiKey": []}, {"oauth2": []}, {}]
        return [{"apiKey": []}, {"oauth2": [str(needed)]}]
