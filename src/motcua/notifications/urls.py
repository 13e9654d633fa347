from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [path("hop-thu/", views.mailbox, name="mailbox")]
