from django.apps import AppConfig
from django.core import checks


class ResultsConfig(AppConfig):
    name = "motcua.results"
    label = "results"
    verbose_name = "Kết quả điện tử"

    def ready(self) -> None:
        from motcua.documents.access import register_reader

        from .access import reads_a_result

        register_reader(reads_a_result)
        checks.register(check_signing_config, "motcua")


def check_signing_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` names what is missing for the configured key store (no token or
    file is opened here: ``motcua signing --agency <code>`` does that)."""
    from .keys import check_config

    return [checks.Warning(problem, id="motcua.results.W001") for problem in check_config()]
