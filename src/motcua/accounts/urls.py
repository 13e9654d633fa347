"""Account pages, mounted at ``/tai-khoan/``."""

from django.urls import path

from .views import eid, local, organisations

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", local.login, name="login"),
    path("dang-nhap/ma/", local.login_code, name="login_code"),
    path("dang-nhap/ma/gui-lai/", local.login_code_resend, name="login_code_resend"),
    path("dang-ky/", local.register, name="register"),
    path("dang-ky/ma/", local.register_code, name="register_code"),
    path("dang-ky/ma/gui-lai/", local.register_code_resend, name="register_code_resend"),
    path("quen-mat-khau/", local.password_reset, name="password_reset"),
    path("quen-mat-khau/dat-lai/", local.password_reset_confirm, name="password_reset_confirm"),
    path("vneid/dang-nhap/", eid.eid_login, name="eid_login"),
    path("vneid/ve/", eid.eid_callback, name="eid_callback"),
    path("vneid/cap-nhat/", eid.eid_refresh, name="eid_refresh"),
    path("vneid/lien-ket/", eid.eid_link, name="eid_link"),
    path("ho-so/", eid.profile, name="profile"),
    path("dang-xuat/", eid.logout, name="logout"),
    path("to-chuc/", organisations.organisations, name="organisations"),
    path("to-chuc/dang-ky/", organisations.organisation_register, name="organisation_register"),
    path("to-chuc/<uuid:public_id>/", organisations.organisation, name="organisation"),
    path("to-chuc/<uuid:public_id>/thanh-vien/", organisations.member_add, name="member_add"),
    path(
        "to-chuc/<uuid:public_id>/thanh-vien/<uuid:member_id>/",
        organisations.member_change,
        name="member_change",
    ),
    path("uy-quyen/", organisations.delegations, name="delegations"),
    path("uy-quyen/tao/", organisations.delegation_new, name="delegation_new"),
    path("uy-quyen/<uuid:public_id>/", organisations.delegation, name="delegation"),
    path(
        "uy-quyen/<uuid:public_id>/thu-hoi/",
        organisations.delegation_revoke,
        name="delegation_revoke",
    ),
    path(
        "uy-quyen/<uuid:public_id>/tu-choi/",
        organisations.delegation_renounce,
        name="delegation_renounce",
    ),
    path("thay-mat/", organisations.acting_choose, name="acting"),
]
