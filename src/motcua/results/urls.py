"""Public routes of the results app, mounted at the site's root."""

from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("xac-thuc/", views.verify, name="verify"),
    path("xac-thuc/<str:code>/", views.verify_code, name="verify_code"),
]
