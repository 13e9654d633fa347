"""Public feedback pages, mounted at ``/phan-anh-kien-nghi/``."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("gui/", views.send, name="send"),
    path("theo-doi/<str:token>/", views.follow, name="follow"),
    path("theo-doi/<str:token>/<slug:action>/", views.follow_action, name="follow_action"),
    path("danh-gia/ho-so/<uuid:public_id>/", views.rate_dossier, name="rate_dossier"),
    path("danh-gia/<str:token>/", views.rate_by_link, name="rate_by_link"),
    path("hoi-dap/<str:code>/", views.public_detail, name="public_detail"),
]
