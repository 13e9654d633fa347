"""``motcua drafts``: remind of drafts about to expire, delete expired ones (run daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.dossiers.services import remind_and_expire_drafts


class Command(BaseCommand):
    help = "Nhắc các bản nháp sắp hết hạn và xóa bản nháp đã hết hạn."

    def handle(self, *args, **options):
        reminded, deleted = remind_and_expire_drafts()
        self.stdout.write(f"Đã nhắc {reminded} bản nháp, xóa {deleted} bản nháp hết hạn.")
