from django.apps import AppConfig
from django.core import checks


class PortalSyncConfig(AppConfig):
    name = "motcua.integrations.portal"
    label = "portal_sync"
    verbose_name = "Đồng bộ Cổng Dịch vụ công quốc gia"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_portal_sync_config, "motcua")


def check_portal_sync_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` shows what is wrong with the national-portal sync (no network call)."""
    from .registry import check_config

    return [checks.Warning(problem, id="motcua.portal_sync.W001") for problem in check_config()]
