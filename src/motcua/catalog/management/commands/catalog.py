"""``motcua catalog import|report|changes``: load the bundled catalogue and report on it."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.importers import import_catalog
from motcua.catalog.models import ImportRun, ProcedureChange
from motcua.catalog.search.backends import get_backend

FIELD_LABELS = {
    "processing_time": "Thời hạn giải quyết",
    "processing_time_unit": "  – có ghi đơn vị",
    "fee": "Phí, lệ phí",
    "documents": "Thành phần hồ sơ",
    "channels": "Cách thức thực hiện",
    "legal_basis": "Căn cứ pháp lý",
    "results": "Kết quả",
    "levels": "Cấp thực hiện",
    "field": "Lĩnh vực",
}


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính và báo cáo chất lượng dữ liệu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="Nhập (hoặc cập nhật) danh mục từ dữ liệu đi kèm.")
        run.add_argument("--data-dir", default=None)
        run.add_argument("--force", action="store_true", help="Nhập lại dù dữ liệu không đổi.")
        run.add_argument("--no-progress", action="store_true")
        report = sub.add_parser("report", help="Báo cáo chất lượng của lần nhập gần nhất.")
        report.add_argument("--json", action="store_true")
        report.add_argument("--failures", action="store_true", help="Liệt kê mã bị lỗi.")
        changes = sub.add_parser("changes", help="Những gì lần nhập gần nhất đã thay đổi.")
        changes.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_import(self, data_dir=None, force=False, no_progress=False, **_):
        summary = import_catalog(data_dir, progress=not no_progress, force=force)
        if not summary.unchanged:
            get_backend().maintain()
        if summary.unchanged:
            self.stdout.write(
                f"Danh mục không đổi so với lần nhập trước: {summary.procedures} thủ tục, "
                f"{summary.entries} dòng danh mục."
            )
            return
        self.stdout.write(
            f"Thủ tục: {summary.procedures} (thêm {summary.created}, cập nhật {summary.updated}, "
            f"bỏ {summary.removed}); thủ tục tại tỉnh: {summary.listings}; "
            f"dòng danh mục: {summary.entries}; bỏ qua: {len(summary.skipped)} dòng."
        )

    def _latest(self) -> ImportRun:
        run = ImportRun.objects.filter(finished_at__isnull=False).first()
        if run is None:
            raise CommandError("Chưa nhập danh mục: chạy `motcua catalog import` trước.")
        return run

    def handle_report(self, json=False, failures=False, **_):
        import json as jsonlib

        run = self._latest()
        if json:
            self.stdout.write(jsonlib.dumps(run.report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Lần nhập #{run.id} lúc {run.finished_at:%d/%m/%Y %H:%M}")
        self.stdout.write(f"{'Trường':<22}{'Có dữ liệu':>12}{'Phân tích được':>16}{'Tỷ lệ':>9}")
        for key, row in run.report["quality"].items():
            rate = f"{row['rate']:.2f}%" if row["rate"] is not None else "—"
            self.stdout.write(
                f"{FIELD_LABELS.get(key, key):<22}{row['had_text']:>12}{row['parsed']:>16}{rate:>9}"
            )
            if row["failures"]:
                shown = row["failures"] if failures else row["failures"][:10]
                more = "" if failures or len(row["failures"]) <= 10 else " …"
                self.stdout.write(f"    lỗi: {', '.join(shown)}{more}")
        skipped = run.report.get("skipped", [])
        self.stdout.write(f"Dòng bỏ qua hoặc xử lý riêng: {len(skipped)}")
        for row in skipped:
            self.stdout.write(
                f"    {row['source']}:{row['row']} {row['code']} — {row['reason']}: "
                f"{row['name'][:60]}"
            )

    def handle_changes(self, json=False, **_):
        run = self._latest()
        changes = list(
            ProcedureChange.objects.filter(run=run).values("code", "action", "fields", "version")
        )
        if json:
            self.stdout.write(jsonlib_dumps(changes))
            return
        self.stdout.write(f"Lần nhập #{run.id}: {len(changes)} thay đổi")
        for change in changes[:200]:
            fields = ", ".join(change["fields"])
            self.stdout.write(
                f"  {change['action']:<8} {change['code']} v{change['version']} {fields}"
            )


def jsonlib_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
