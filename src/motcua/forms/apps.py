from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "motcua.forms"
    label = "eforms"
    verbose_name = "Biểu mẫu điện tử"
