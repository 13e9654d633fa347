"""Staff pages, mounted at ``/can-bo/``."""

from django.urls import path

from .views import auth, desk, dossiers, eforms, home, processes, register, staff

app_name = "backoffice"

urlpatterns = [
    path("", home.home, name="home"),
    path("dang-nhap/", auth.login, name="login"),
    path("dang-nhap/ma-xac-thuc/", auth.second_factor, name="second_factor"),
    path("dang-nhap/cai-dat-xac-thuc/", auth.enrol, name="enrol"),
    path("ma-du-phong/", auth.recovery_codes, name="recovery_codes"),
    path("kich-hoat/<str:uidb64>/<str:token>/", auth.activate, name="activate"),
    path("nop-ho-so/", desk.desk_file, name="desk_file"),
    path("nop-ho-so/<uuid:public_id>/", desk.desk_done, name="desk_done"),
    path("ho-so/", dossiers.queue, name="queue"),
    path("bao-cao/dung-han/", dossiers.timing_report, name="timing_report"),
    path("so-theo-doi/", register.register_page, name="register"),
    path("so-theo-doi/so-theo-doi.pdf", register.register_pdf, name="register_pdf"),
    path("so-theo-doi/so-theo-doi.csv", register.register_csv, name="register_csv"),
    path("ho-so/<uuid:public_id>/", dossiers.dossier_page, name="dossier"),
    path(
        "ho-so/<uuid:public_id>/thao-tac/<slug:action>/",
        dossiers.dossier_action,
        name="dossier_action",
    ),
    path("ho-so/<uuid:public_id>/xac-nhan.pdf", desk.dossier_pdf, name="dossier_pdf"),
    path(
        "ho-so/<uuid:public_id>/phieu/<slug:number>.pdf",
        dossiers.notice_pdf,
        name="dossier_notice",
    ),
    path("bieu-mau/", eforms.form_list, name="form_list"),
    path("bieu-mau/<str:code>/", eforms.form_versions, name="form_versions"),
    path("bieu-mau/<str:code>/<int:form_id>/", eforms.form_edit, name="form_edit"),
    path(
        "bieu-mau/<str:code>/<int:form_id>/xem-truoc/<slug:page>/",
        eforms.form_preview,
        name="form_preview",
    ),
    path("quy-trinh/", processes.process_list, name="process_list"),
    path("quy-trinh/<str:code>/", processes.process_edit, name="process_edit"),
    path("nhan-su/", staff.staff_list, name="staff_list"),
    path("nhan-su/them/", staff.staff_create, name="staff_create"),
    path("nhan-su/<uuid:public_id>/", staff.staff_detail, name="staff_detail"),
    path("nhan-su/<uuid:public_id>/vai-tro/", staff.role_grant, name="role_grant"),
    path(
        "nhan-su/<uuid:public_id>/vai-tro/<int:assignment_id>/thu-hoi/",
        staff.role_revoke,
        name="role_revoke",
    ),
    path("nhan-su/<uuid:public_id>/khoa/", staff.staff_lock, name="staff_lock"),
    path("nhan-su/<uuid:public_id>/xac-thuc/", staff.staff_reset_mfa, name="staff_reset_mfa"),
    path("nhan-su/<uuid:public_id>/moi-lai/", staff.staff_reinvite, name="staff_reinvite"),
]
