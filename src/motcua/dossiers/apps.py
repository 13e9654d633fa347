from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        from motcua.documents.access import register_reader

        from .access import reads_through_a_dossier

        register_reader(reads_through_a_dossier)
