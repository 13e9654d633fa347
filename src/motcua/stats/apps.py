from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "motcua.stats"
    label = "stats"
    verbose_name = "Chỉ số phục vụ, thống kê"

    def ready(self) -> None:
        # The outbox subscriber registers itself on import (the settings' handler list is not
        # ours to change).
        from django.db.models.signals import post_delete, post_save

        from . import handlers  # noqa: F401
        from .figures import rules_changed
        from .models import Indicator, IndicatorSet, SocialCost

        for model in (IndicatorSet, Indicator, SocialCost):
            post_save.connect(rules_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
            post_delete.connect(
                rules_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-gone"
            )
