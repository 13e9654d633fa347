"""Staff feedback pages, mounted at ``/can-bo/phan-anh-kien-nghi/``."""

from django.urls import path

from . import staff_views

app_name = "feedback_staff"

urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("theo-doi-danh-gia/", staff_views.followups, name="followups"),
    path("theo-doi-danh-gia/<int:pk>/", staff_views.followup_page, name="followup"),
    path("<uuid:public_id>/", staff_views.item_page, name="item"),
    path("<uuid:public_id>/<slug:action>/", staff_views.item_action, name="action"),
]
