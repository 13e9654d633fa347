from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from motcua.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("django_prometheus.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/", include("motcua.api.urls")),
    path("tai-khoan/nhan-thong-bao/", include("motcua.notifications.account_urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("can-bo/phan-anh-kien-nghi/", include("motcua.feedback.staff_urls")),
    path("can-bo/chi-so/", include("motcua.stats.staff_urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("phan-anh-kien-nghi/", include("motcua.feedback.urls")),
    path("thong-ke/", include("motcua.stats.urls")),
    path("thu-nghiem/thanh-toan/", include("motcua.payments.demo_urls")),  # demo bank only
    path("thanh-toan/", include("motcua.payments.urls")),
    path("thu-nghiem/", include("motcua.notifications.urls")),
    path("", include("motcua.documents.urls")),  # /tep/<id>/, /tai-khoan/kho-du-lieu/
    path("", include("motcua.results.urls")),  # /xac-thuc/
    path("", include("motcua.portal.urls")),
]

if getattr(settings, "MOTCUA_BENCH_ENDPOINTS", False):  # the benchmarks only
    from motcua.core import bench

    urlpatterns.insert(0, path("_bench/insert/", bench.insert_one_row, name="bench-insert"))
    urlpatterns.insert(0, path("_bench/read/<int:pk>/", bench.read_one_row, name="bench-read"))

handler404 = "motcua.portal.views.not_found"
handler500 = "motcua.portal.views.server_error"
