from django.apps import AppConfig
from django.core import checks


class ApiConfig(AppConfig):
    name = "motcua.api"
    label = "api"
    verbose_name = "API cho hệ thống kết nối"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the schema's security schemes)

        checks.register(check_api_config, "motcua")


def check_api_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production settings the API depends on: a cache shared by every web process (rate
    limits are counted there), and webhooks only to public https receivers."""
    from django.conf import settings

    if getattr(settings, "MOTCUA_ENV", "embedded") != "production":
        return []
    problems = []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        problems.append(
            checks.Warning(
                "The API's rate limits are counted per process: configure a shared cache "
                "(e.g. Redis) in CACHES.",
                id="motcua.api.W001",
            )
        )
    if settings.MOTCUA_WEBHOOK_ALLOW_PRIVATE:
        problems.append(
            checks.Warning(
                "MOTCUA_WEBHOOK_ALLOW_PRIVATE is on: clients may make the server post to "
                "private addresses.",
                id="motcua.api.W002",
            )
        )
    return problems
