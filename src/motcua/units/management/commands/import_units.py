"""``manage.py import_units``: administrative units (2025) and the agency tree."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from motcua.units.importers import ImportSummary, import_agencies, import_units


class Command(BaseCommand):
    help = (
        "Nhập đơn vị hành chính (34 tỉnh, 3.321 xã, đơn vị trước 01/7/2025 và bảng chuyển đổi) "
        "và cây cơ quan (bộ, ngành, UBND, sở, UBND xã) từ thư mục dữ liệu. Chạy lại nhiều lần "
        "không tạo bản ghi trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Thư mục dữ liệu (mặc định settings.DATA_DIR).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Không hiển thị thanh tiến trình."
        )
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--units-only", action="store_true", help="Chỉ nhập đơn vị hành chính.")
        only.add_argument("--agencies-only", action="store_true", help="Chỉ nhập cơ quan.")

    def handle(self, *args, **options) -> None:
        progress = not options["no_progress"]
        data_dir = options["data_dir"]
        summary = ImportSummary()
        with transaction.atomic():
            if not options["agencies_only"]:
                summary.merge(import_units(data_dir, progress=progress))
            if not options["units_only"]:
                summary.merge(import_agencies(data_dir, progress=progress))
        for line in summary.lines():
            style = self.style.WARNING if line.startswith("unresolved") else None
            self.stdout.write(style(line) if style else line)
        verdict = "changed" if summary.changed else "already up to date"
        self.stdout.write(self.style.SUCCESS(f"import_units: {verdict}"))
