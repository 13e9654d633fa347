"""``motcua outbox [--loop]``: deliver pending outbox events (a worker in production)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from motcua.core.outbox import dispatch_pending


class Command(BaseCommand):
    help = "Gửi các sự kiện đang chờ trong outbox (thông báo, đồng bộ)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Chạy liên tục.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, loop=False, interval=1.0, **options):
        while True:
            delivered = dispatch_pending()
            if not loop:
                self.stdout.write(f"Đã gửi {delivered} sự kiện.")
                return
            if not delivered:
                time.sleep(interval)
