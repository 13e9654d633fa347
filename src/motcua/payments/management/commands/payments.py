"""``motcua payments query`` asks the providers about pending payments (the scheduler runs
``payments.tasks.query_pending``); ``motcua payments reconcile --provider X --date YYYY-MM-DD
--file F`` compares a daily statement with our records; ``motcua payments statement
--provider X --date YYYY-MM-DD`` prints the demo bank's statement of that day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.payments.providers.registry import available


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Thanh toán: hỏi giao dịch đang chờ, đối soát sao kê, sao kê thử nghiệm."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("query", help="QUERY các khoản thanh toán đang chờ xác nhận")
        reconcile = sub.add_parser("reconcile", help="đối soát sao kê của một ngày")
        statement = sub.add_parser("statement", help="sao kê của ngân hàng thử nghiệm")
        for p in (reconcile, statement):
            p.add_argument("--provider", required=True)
            p.add_argument("--date", required=True)
        reconcile.add_argument("--file", required=True)

    def handle(self, *args, action, **options):
        if action == "query":
            from motcua.payments.tasks import query_pending

            counts = query_pending()
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            return
        provider = options["provider"]
        if provider not in available():
            raise CommandError(f"Kênh thanh toán không tồn tại: {provider!r}")
        day = _day(options["date"])
        if action == "statement":
            from motcua.payments.demo import statement

            self.stdout.write(statement(provider, day), ending="")
            return
        from motcua.payments.reconciliation import reconcile as run_reconcile

        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}") from None
        try:
            run = run_reconcile(provider, day, text, file_name=path.name)
        except ValueError as error:
            raise CommandError(f"Tệp sao kê không đúng mẫu, {error}") from None
        self.stdout.write(
            f"Đối soát {provider} {day}: {run.lines} dòng, {run.matched} khớp, "
            f"{run.mismatches_count} chênh lệch."
        )
        for mismatch in run.mismatches.all():
            self.stdout.write(f"  {mismatch.kind} {mismatch.reference}")
