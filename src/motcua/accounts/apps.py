from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        checks.register(check_eid_config, "motcua")


def check_eid_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` shows what is wrong with the e-ID configuration (no network call)."""
    from .eid.registry import check_config

    return [
        checks.Warning(problem, hint="See docs/identity.md.", id="motcua.accounts.W001")
        for problem in check_config()
    ]
