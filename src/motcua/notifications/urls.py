from django.urls import path

from . import demo_gateway, views

app_name = "notifications"

urlpatterns = [
    path("hop-thu/", views.mailbox, name="mailbox"),
    path("sms/", demo_gateway.endpoint, name="demo_sms_gateway"),
]
