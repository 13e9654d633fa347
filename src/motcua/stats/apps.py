from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "motcua.stats"
    label = "stats"
    verbose_name = "Chỉ số phục vụ, thống kê"

    def ready(self) -> None:
        # The outbox subscriber registers itself on import (the settings' handler list is not
        # ours to change).
        from . import handlers  # noqa: F401
