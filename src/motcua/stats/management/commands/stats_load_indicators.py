"""``motcua stats_load_indicators``: load the bundled indicator sets (stats/indicators/)."""

from django.core.management.base import BaseCommand

from motcua.stats import definitions


class Command(BaseCommand):
    help = "Nạp các bộ chỉ số đi kèm (stats/indicators/*.toml) chưa có trong cơ sở dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Thay các chỉ số của bộ đã có bằng nội dung tệp (mất các sửa đổi trong admin).",
        )

    def handle(self, *args, overwrite=False, **options):
        for found, created in definitions.load_all(overwrite=overwrite):
            state = "nạp mới" if created else "đã có, giữ nguyên"
            self.stdout.write(f"{found}: {state}")
