"""``motcua portal_sync status`` and ``motcua portal_sync reconcile [--days N] [--resync]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.integrations.portal import services


class Command(BaseCommand):
    help = "Đồng bộ với Cổng Dịch vụ công quốc gia: tình trạng (status) và đối soát (reconcile)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("status", help="Kết nối, hồ sơ đang chờ gửi, lỗi gần nhất.")
        reconcile = commands.add_parser(
            "reconcile", help="Tra cứu trên Cổng các hồ sơ thay đổi gần đây, ghi báo cáo."
        )
        reconcile.add_argument("--days", type=float, default=None)
        reconcile.add_argument("--resync", action="store_true", help="Gửi lại các hồ sơ sai lệch.")

    def handle(self, *args, command: str, **options):
        if command == "status":
            return self._status()
        return self._reconcile(days=options.get("days"), resync=options.get("resync", False))

    def _status(self) -> None:
        info = services.summary()
        out = self.stdout.write
        out(f"Kết nối: {info.plugin} — {info.label}")
        for problem in info.problems:
            out(self.style.WARNING(f"  Cấu hình: {problem}"))
        out(f"Hồ sơ đã đồng bộ: {info.synced}")
        out(f"Lượt gửi đang chờ: {info.pending} (đang lỗi: {info.failing})")
        for failure in services.failing(limit=20):
            when = failure["last_attempt_at"]
            when = timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""
            out(
                f"  {failure['code']} {failure['event__topic']}: {failure['attempts']} lần, "
                f"{when}: {failure['last_error']}"
            )
        report = info.last_report
        if report is None:
            out("Chưa đối soát lần nào.")
        else:
            problem = f", lỗi: {report.error}" if report.error else ""
            out(
                f"Đối soát gần nhất {timezone.localtime(report.started_at):%d/%m/%Y %H:%M}: "
                f"{report.checked} hồ sơ, {report.missing} không có trên Cổng, "
                f"{report.differing} khác trạng thái{problem}"
            )

    def _reconcile(self, *, days, resync: bool) -> None:
        report = services.reconcile(days=days, resync=resync)
        if report.error:
            raise CommandError(report.error)
        self.stdout.write(
            f"Đã đối soát {report.checked} hồ sơ: {report.missing} không có trên Cổng, "
            f"{report.differing} khác trạng thái (báo cáo #{report.pk})."
        )
        for item in report.items.all():
            self.stdout.write(
                f"  {item.code}: {item.get_kind_display()} (tại hệ thống {item.local_status}, "
                f"trên Cổng {item.remote_status or '—'})"
                + (" — đang chờ gửi" if item.push_pending else "")
            )
