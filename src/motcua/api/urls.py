from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("v1/procedures/", views.ProcedureListView.as_view(), name="api-procedures"),
    path(
        "v1/procedures/<str:code>",
        views.ProcedureDetailView.as_view(),
        name="api-procedure-detail",
    ),
    path("v1/schema", SpectacularAPIView.as_view(), name="api-schema"),
]
