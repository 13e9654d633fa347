from django.apps import AppConfig


class EidConfig(AppConfig):
    name = "motcua_eid"
    label = "motcua_eid"
    verbose_name = "Nhà cung cấp định danh thử nghiệm"
    default_auto_field = "django.db.models.BigAutoField"
