from django.urls import path

from .views import dashboard, data

app_name = "stats_staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("chi-tiet/", dashboard.drilldown, name="drilldown"),
    path("du-lieu/tong-hop/", data.scorecard, name="data_scorecard"),
    path("du-lieu/xu-huong/", data.trend, name="data_trend"),
    path("du-lieu/xep-hang/", data.ranking, name="data_ranking"),
]
