"""The citizen's notification preferences, among the account pages (``/tai-khoan/``)."""

from django.urls import path

from . import views

app_name = "notifications_account"

urlpatterns = [path("", views.preferences, name="preferences")]
