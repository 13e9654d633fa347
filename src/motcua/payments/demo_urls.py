"""The demo bank's addresses (``MOTCUA_PAYMENT_DEMO`` only; see ``payments.demo``)."""

from django.urls import path

from . import demo

app_name = "payments_demo"

urlpatterns = [
    path("quoc-gia/init", demo.national_init, name="national_init"),
    path("quoc-gia/thanh-toan/", demo.national_pay, name="national_pay"),
    path("quoc-gia/query", demo.national_query, name="national_query"),
    path("quoc-gia/bill", demo.national_bill, name="national_bill"),
    path("cong/", demo.gateway_pay, name="gateway_pay"),
    path("cong/querydr", demo.gateway_query, name="gateway_query"),
    path("<slug:provider>/sao-ke/<str:day>.csv", demo.statement_file, name="statement"),
]
