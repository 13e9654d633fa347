"""Delete registrations never verified (data minimisation): ``motcua purge_registrations``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.accounts.services.local import purge_unverified_registrations


class Command(BaseCommand):
    help = "Xóa các đăng ký tài khoản chưa xác minh quá số giờ cho phép (mặc định 48)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48)

    def handle(self, *args, hours: int, **options):
        removed = purge_unverified_registrations(older_than_hours=hours)
        self.stdout.write(f"Đã xóa {removed} đăng ký chưa xác minh.")
