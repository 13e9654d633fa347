from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("linh-vuc/", views.fields, name="fields"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("ho-so/nop/<str:code>/", views.file, name="file"),
]
