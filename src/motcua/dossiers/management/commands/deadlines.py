"""``motcua deadlines``: warn of dossiers due within 24 hours and of overdue ones (run every
few minutes; each dossier is warned once of each)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.dossiers.processing import flag_deadlines


class Command(BaseCommand):
    help = "Cảnh báo hồ sơ sắp đến hạn (trong 24 giờ) và hồ sơ quá hạn."

    def handle(self, *args, **options):
        soon, overdue = flag_deadlines()
        self.stdout.write(f"Sắp đến hạn: {soon} hồ sơ; quá hạn: {overdue} hồ sơ.")
