"""Routes of the documents app, mounted at the site's root: downloads under ``/tep/``, the
citizen's document store among the account pages (``/tai-khoan/kho-du-lieu/``)."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("tep/<uuid:public_id>/", views.download, name="download"),
    path("tai-khoan/kho-du-lieu/", views.store, name="store"),
    path("tai-khoan/kho-du-lieu/them/", views.store_add, name="store_add"),
    path("tai-khoan/kho-du-lieu/<uuid:public_id>/xoa/", views.store_remove, name="store_remove"),
]
