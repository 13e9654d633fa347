from django.conf import settings
from django.urls import include, path, re_path
from oauth2_provider import urls as dot_urls

from motcua_eid import views

prefix = f"{settings.EID_URL_PREFIX}/" if settings.EID_URL_PREFIX else ""

oauth2_patterns = [
    # Ours first: they replace the toolkit's views of the same names.
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.EidDiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("authorize/", views.EidAuthorizationView.as_view(), name="authorize"),
    # No application-management, device-flow or dynamic-registration pages.
    *[p for p in dot_urls.base_urlpatterns if p.name in {"token", "revoke-token", "introspect"}],
    *dot_urls.oidc_urlpatterns,
]

urlpatterns = [
    path("", views.home_view, name="home"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("demo/citizens.json", views.citizens_json, name="citizens-json"),
    path("demo/businesses.json", views.businesses_json, name="businesses-json"),
    path(prefix, include((oauth2_patterns, "oauth2_provider"), namespace="oauth2_provider")),
]
