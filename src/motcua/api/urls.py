from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider.views import TokenView

from . import client_views, errors, views

urlpatterns = [
    path("v1/procedures/", views.ProcedureListView.as_view(), name="api-procedures"),
    path(
        "v1/procedures/<str:code>",
        views.ProcedureDetailView.as_view(),
        name="api-procedure-detail",
    ),
    path(
        "v1/procedures/<str:code>/form",
        client_views.ProcedureFormView.as_view(),
        name="api-procedure-form",
    ),
    path("v1/units/provinces", client_views.ProvinceListView.as_view(), name="api-provinces"),
    path(
        "v1/units/provinces/<str:code>/communes",
        client_views.CommuneListView.as_view(),
        name="api-communes",
    ),
    path("v1/dossiers", client_views.DossierSubmitView.as_view(), name="api-dossiers"),
    path("v1/dossiers/<str:code>", client_views.DossierStatusView.as_view(), name="api-dossier"),
    path(
        "v1/dossiers/<str:code>/supplements",
        client_views.SupplementView.as_view(),
        name="api-dossier-supplements",
    ),
    path("v1/webhooks", client_views.WebhookListView.as_view(), name="api-webhooks"),
    path(
        "v1/webhooks/<uuid:public_id>",
        client_views.WebhookDetailView.as_view(),
        name="api-webhook",
    ),
    path(
        "v1/webhooks/<uuid:public_id>/deliveries",
        client_views.WebhookDeliveriesView.as_view(),
        name="api-webhook-deliveries",
    ),
    # The client-credentials grant (django-oauth-toolkit; docs/adr/0004).
    path("v1/oauth/token", TokenView.as_view(), name="api-oauth-token"),
    path("v1/schema", SpectacularAPIView.as_view(), name="api-schema"),
    # Anything else under /api/ is a structured 404, not the portal's page.
    re_path(r"^.*$", errors.not_found),
]
