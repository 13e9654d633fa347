"""``motcua stats_rebuild [--node PATH] [--facts]``: recount the counter tables from the facts
(set-based SQL), optionally after bringing every dossier's fact up to date."""

import time

from django.core.management.base import BaseCommand, CommandError

from motcua.stats import services
from motcua.units.models import Agency


class Command(BaseCommand):
    help = "Tính lại các bảng số liệu tổng hợp từ số liệu từng hồ sơ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--node", default="", help="Mã định danh hoặc đường dẫn cơ quan (mặc định: tất cả)."
        )
        parser.add_argument(
            "--facts", action="store_true", help="Tính lại số liệu từng hồ sơ trước."
        )

    def handle(self, *args, node="", facts=False, **options):
        prefix = ""
        if node:
            agency = (
                Agency.objects.filter(code=node).first() or Agency.objects.filter(path=node).first()
            )
            if agency is None:
                raise CommandError(f"Không có cơ quan {node!r}.")
            prefix = agency.path
        started = time.monotonic()
        if facts:
            changed = services.backfill()
            self.stdout.write(f"Số liệu hồ sơ: {changed} thay đổi.")
        services.rebuild(prefix)
        self.stdout.write(
            f"Đã tính lại {prefix or 'toàn quốc'} trong {time.monotonic() - started:.1f} giây."
        )
