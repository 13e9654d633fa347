from django.contrib import admin
from django.urls import include, path

from motcua.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("django_prometheus.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/", include("motcua.api.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("thu-nghiem/", include("motcua.notifications.urls")),
    path("", include("motcua.portal.urls")),
]

handler404 = "motcua.portal.views.not_found"
handler500 = "motcua.portal.views.server_error"
