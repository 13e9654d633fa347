from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<uuid:public_id>/bat-dau/", views.start, name="start"),
    path("ve/<slug:provider>/", views.provider_return, name="return"),
    path("thong-bao/<slug:provider>/", views.notify, name="notify"),
    path("<uuid:public_id>/kiem-tra/", views.check, name="check"),
    path("<uuid:public_id>/bien-lai.pdf", views.receipt, name="receipt"),
    path("<uuid:public_id>/hoan-tien/", views.refund, name="refund"),
]
