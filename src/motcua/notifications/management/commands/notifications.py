"""``motcua notifications resend``: send again the failed messages whose time has come;
``motcua notifications check``: the channels' configuration problems."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.notifications.channels import CHANNELS, enabled
from motcua.notifications.services import ensure_templates, resend_due


class Command(BaseCommand):
    help = "Notifications: resend failed messages that are due, or check the channels."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=("resend", "check", "templates"))

    def handle(self, *args, what: str, **options):
        if what == "resend":
            sent, failed = resend_due()
            self.stdout.write(f"sent {sent}, still failing {failed}")
        elif what == "templates":
            self.stdout.write(f"created {ensure_templates()} built-in templates")
        else:
            problems = [f"{c}: {p}" for c in enabled() for p in CHANNELS.get(c).check_config()]
            for problem in problems:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} problem(s)")
            self.stdout.write("ok")
