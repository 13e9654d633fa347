from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "motcua.api"
    label = "api"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the schema's security schemes)
