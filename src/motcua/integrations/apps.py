from django.apps import AppConfig
from django.core import checks


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = "Kết nối hệ thống ngoài"

    def ready(self) -> None:
        checks.register(check_population_config, "motcua")


def check_population_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` shows what is wrong with the population source (no network call)."""
    from .population.registry import check_config

    return [checks.Warning(problem, id="motcua.integrations.W001") for problem in check_config()]
