from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        checks.register(check_channels_config, "motcua")


def check_channels_config(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The channels' configuration (no network call), and the demo SMS gateway or its demo key
    refused in production: messages would stay in a table instead of reaching people."""
    from django.conf import settings

    from .channels import CHANNELS, enabled

    messages: list[checks.CheckMessage] = [
        checks.Warning(f"{channel}: {problem}", id="motcua.notifications.W001")
        for channel in enabled()
        for problem in CHANNELS.get(channel).check_config()
    ]
    if getattr(settings, "MOTCUA_ENV", "embedded") == "production":
        if "sms" in enabled() and getattr(settings, "MOTCUA_SMS_GATEWAY", "demo") == "demo":
            messages.append(
                checks.Error(
                    "MOTCUA_SMS_GATEWAY=demo keeps every SMS in the demo mailbox: never in "
                    "production.",
                    hint="Set MOTCUA_SMS_GATEWAY=http and its URL and key (docs/notifications.md),"
                    " or leave sms out of MOTCUA_NOTIFICATION_CHANNELS.",
                    id="motcua.notifications.E001",
                )
            )
        elif getattr(settings, "MOTCUA_SMS_GATEWAY_KEY", "") == "demo-sms-key":
            messages.append(
                checks.Error(
                    "MOTCUA_SMS_GATEWAY_KEY is the demo key.",
                    id="motcua.notifications.E002",
                )
            )
    return messages
