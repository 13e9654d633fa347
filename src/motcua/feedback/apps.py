from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị và đánh giá"

    def ready(self) -> None:
        from motcua.documents.access import register_reader

        from . import handlers  # noqa: F401  (registers the outbox subscribers)
        from .access import staff_read_feedback_files

        register_reader(staff_read_feedback_files)
