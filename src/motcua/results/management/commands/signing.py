"""``motcua signing``: check that the configured key store signs for an agency — opens its key
(file or token), signs a test page, and validates the signature against the trusted roots —
so that a missing file, a wrong PIN or an untrusted certificate shows before a leader
approves a dossier."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.core.pdf import Slip, Text, render_slip
from motcua.results.keys import SigningUnavailable, check_config, key_store
from motcua.results.services import sign_pdf
from motcua.results.verify import verify_pdf
from motcua.units.models import Agency


class Command(BaseCommand):
    help = "Kiểm tra khóa ký số kết quả của một hay nhiều cơ quan."

    def add_arguments(self, parser):
        parser.add_argument(
            "--agency", action="append", default=[], help="Mã định danh cơ quan (lặp lại được)."
        )

    def handle(self, *args, agency=(), **options):
        store = key_store()
        self.stdout.write(f"Kho khóa: {store.id} ({store.label})")
        problems = check_config()
        for problem in problems:
            self.stderr.write(f"Cấu hình: {problem}")
        failed = bool(problems)
        for code in agency:
            found = Agency.objects.filter(code=code).first()
            if found is None:
                self.stderr.write(f"{code}: không có cơ quan này.")
                failed = True
                continue
            failed |= not self._check(found)
        if failed:
            raise CommandError("Khóa ký số chưa sẵn sàng.")

    def _check(self, agency) -> bool:
        page = render_slip(Slip(agency=agency.name, title="Kiểm tra ký số", body=[Text("—")]))
        try:
            with key_store().signing(agency) as identity:
                signed = sign_pdf(page, identity, reason="Kiểm tra", location="")
                subject = identity.subject
        except SigningUnavailable as error:
            self.stderr.write(f"{agency.code}: {error}")
            return False
        verdict = verify_pdf(signed, issued_here=False)
        if not verdict.valid:
            self.stderr.write(f"{agency.code}: {'; '.join(verdict.problems)}")
            return False
        self.stdout.write(f"{agency.code}: ký được, chứng thư {subject}.")
        return True
