"""``motcua bootstrap``: make an installation ready; safe to run at every start.

Migrates, collects static files, imports administrative units, agencies, the working-day
calendar and the catalogue (each skipped when its data has not changed) and, with ``--demo``,
creates demo staff.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.core.calendar import import_calendar
from motcua.core.demo import create_demo_accounts, create_demo_dossiers


class Command(BaseCommand):
    help = "Chuẩn bị hệ thống: cơ sở dữ liệu, dữ liệu danh mục, tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Tạo tài khoản cán bộ mẫu.")

    def handle(self, *args, demo=False, **options):
        started = time.monotonic()
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("import_units")
        created, updated = import_calendar()
        self.stdout.write(f"Lịch ngày làm việc: {created} ngày thêm mới, {updated} ngày cập nhật.")
        call_command("catalog", "import")
        from motcua.forms.bundled import install_bundled_forms

        installed = install_bundled_forms()
        self.stdout.write(f"Biểu mẫu điện tử có sẵn: {installed} biểu mẫu mới.")
        if demo:
            if getattr(settings, "MOTCUA_ENV", "embedded") == "production":
                raise CommandError("Không tạo tài khoản mẫu trên môi trường production.")
            for line in create_demo_accounts():
                self.stdout.write(line)
            made = create_demo_dossiers()
            self.stdout.write(f"Hồ sơ mẫu: {made} hồ sơ mới.")
        # Dossiers filed before the statistics existed (an upgrade) get their figures.
        call_command("stats_backfill", "--missing")
        self.stdout.write(f"Sẵn sàng sau {time.monotonic() - started:.1f} giây.")
