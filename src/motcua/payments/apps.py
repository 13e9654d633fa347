from django.apps import AppConfig
from django.core import checks


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = "Thanh toán trực tuyến"

    def ready(self) -> None:
        checks.register(check_payments_config, "motcua")


def check_payments_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The enabled providers' configuration, and the demo bank pages refused in production."""
    from django.conf import settings

    from .providers.registry import check_config

    messages: list[checks.CheckMessage] = [
        checks.Warning(problem, id="motcua.payments.W001") for problem in check_config()
    ]
    if getattr(settings, "MOTCUA_ENV", "embedded") == "production" and getattr(
        settings, "MOTCUA_PAYMENT_DEMO", False
    ):
        messages.append(
            checks.Error(
                "MOTCUA_PAYMENT_DEMO serves pages that play the bank and confirm payments "
                "nobody made: never in production.",
                hint="See docs/payments.md.",
                id="motcua.payments.E001",
            )
        )
    return messages
