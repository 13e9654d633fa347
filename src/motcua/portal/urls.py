from django.urls import path

from . import dossiers, filing, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("linh-vuc/", views.fields, name="fields"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("ho-so/nop/<str:code>/", filing.start, name="file"),
    path("ho-so/<uuid:public_id>/trang/<slug:page>/", filing.page, name="filing_page"),
    path(
        "ho-so/<uuid:public_id>/giay-to/<int:document_id>/bo/", filing.detach, name="filing_detach"
    ),
    path("ho-so/<uuid:public_id>/xem-lai/", filing.review, name="filing_review"),
    path("ho-so/<uuid:public_id>/nop/", filing.submit, name="filing_submit"),
    path("ho-so/<uuid:public_id>/da-nop/", filing.done, name="filing_done"),
    path("ho-so/<uuid:public_id>/xoa-ban-nhap/", filing.discard, name="filing_discard"),
    path("ho-so-cua-toi/", dossiers.my_dossiers, name="my_dossiers"),
    path("ho-so/<uuid:public_id>/", dossiers.dossier, name="dossier"),
    path("ho-so/<uuid:public_id>/rut/", dossiers.withdraw, name="dossier_withdraw"),
    path("ho-so/<uuid:public_id>/bo-sung/", dossiers.answer_supplement, name="dossier_supplement"),
    path("ho-so/<uuid:public_id>/xac-nhan.pdf", dossiers.confirmation_pdf, name="dossier_pdf"),
    path(
        "ho-so/<uuid:public_id>/phieu/<slug:number>.pdf",
        dossiers.notice_pdf,
        name="dossier_notice",
    ),
    path("tra-cuu-ho-so/", dossiers.lookup, name="lookup"),
    path("don-vi/<str:province>/xa.json", filing.communes_json, name="communes"),
    path("thong-bao/", dossiers.notifications, name="notifications"),
]
