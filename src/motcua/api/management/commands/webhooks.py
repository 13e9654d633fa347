"""``motcua webhooks``: post the webhook deliveries that are due (Celery beat does it every
few seconds; this is for a machine without workers, or to drain a backlog by hand)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.api import webhooks


class Command(BaseCommand):
    help = "Gửi các sự kiện webhook đến hạn / post the webhook deliveries that are due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit: int, **options):
        tried = webhooks.deliver_due(limit=limit)
        self.stdout.write(f"{tried} webhook delivery attempt(s)")
