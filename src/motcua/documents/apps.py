from django.apps import AppConfig
from django.core import checks


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = "Giấy tờ, tệp tin"

    def ready(self) -> None:
        checks.register(check_documents_config, "motcua")


def check_documents_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` shows what is wrong with the scanner and the upload types (no
    network call: ``motcua rescan_quarantined`` pings the scanner)."""
    from .checks import unknown_type_keys
    from .scanners import check_config

    problems = list(check_config())
    problems += [
        f"MOTCUA_UPLOAD_TYPES: unknown type {key!r} (known: pdf, jpeg, png, tiff, docx, xlsx, odt)"
        for key in unknown_type_keys()
    ]
    return [checks.Warning(problem, id="motcua.documents.W001") for problem in problems]
