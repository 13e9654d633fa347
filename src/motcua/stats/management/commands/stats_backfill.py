"""``motcua stats_backfill [--missing | --sync] [--batch N]``: compute every filed dossier's
fact and apply the differences to the counters (installation, or after a change of the rules)."""

from django.core.management.base import BaseCommand

from motcua.stats import services


class Command(BaseCommand):
    help = "Tính số liệu từng hồ sơ (và cập nhật số liệu tổng hợp theo phần thay đổi)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="Chỉ hồ sơ chưa có số liệu.")
        parser.add_argument(
            "--sync", action="store_true", help="Chỉ hồ sơ vừa đồng bộ lên Cổng DVC quốc gia."
        )
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, missing=False, batch=1000, sync=False, **options):
        if sync:
            changed = services.refresh_synced(batch=batch)
            self.stdout.write(f"{changed} hồ sơ cập nhật trạng thái đồng bộ.")
            return
        changed = services.backfill(batch=batch, only_missing=missing)
        self.stdout.write(f"{changed} hồ sơ thay đổi số liệu.")
