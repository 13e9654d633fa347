"""Account pages, mounted at ``/tai-khoan/``."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("vneid/dang-nhap/", views.eid_login, name="eid_login"),
    path("vneid/ve/", views.eid_callback, name="eid_callback"),
    path("vneid/cap-nhat/", views.eid_refresh, name="eid_refresh"),
    path("ho-so/", views.profile, name="profile"),
    path("dang-xuat/", views.logout, name="logout"),
]
