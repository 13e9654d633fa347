"""Scan again the files kept aside because the scanner could not run: ``motcua
rescan_quarantined`` (run it from cron, e.g. every 10 minutes, and after a scanner outage)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.documents import services
from motcua.documents.scanners import ScanUnavailable, get_scanner


class Command(BaseCommand):
    help = (
        "Quét lại các tệp đang giữ riêng vì chưa kiểm tra được mã độc: sạch thì dùng được, "
        "có mã độc thì xóa nội dung."
    )

    def handle(self, *args, **options):
        scanner = get_scanner()
        try:
            scanner.ping()
        except ScanUnavailable as error:
            raise CommandError(
                f"Trình quét {scanner.id} chưa sẵn sàng ({error.code}: {error.reason}); "
                "các tệp vẫn được giữ riêng."
            ) from None
        counts = services.rescan_quarantined()
        self.stdout.write(
            f"Sạch: {counts['clean']}; có mã độc (đã xóa nội dung): {counts['infected']}; "
            f"còn chờ: {counts['waiting']}."
        )
        if counts["waiting"]:
            raise CommandError("Trình quét ngừng trả lời giữa chừng; chạy lại lệnh sau.")
